from django.contrib import admin

from hubwire.events.models import Event, HandlerRun


class HandlerRunInline(admin.TabularInline):
    model = HandlerRun
    extra = 0
    readonly_fields = ["handler", "status", "attempts", "next_attempt_at", "last_error"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["type", "workspace", "occurred_at", "actor"]
    list_filter = ["type", "workspace"]
    inlines = [HandlerRunInline]
