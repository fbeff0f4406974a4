"""The Django admin is for instance operators (is_staff); it sees every workspace."""

from django.contrib import admin

from hubwire.crm import models as m


class QuoteLineInline(admin.TabularInline):
    model = m.QuoteLine
    extra = 0


class InvoiceLineInline(admin.TabularInline):
    model = m.InvoiceLine
    extra = 0


@admin.register(m.Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "account", "status", "total", "currency", "workspace"]
    list_filter = ["status", "workspace"]
    inlines = [QuoteLineInline]


@admin.register(m.Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "account", "status", "total", "currency", "due_date", "workspace"]
    list_filter = ["status", "workspace"]
    inlines = [InvoiceLineInline]


for model, columns in {
    m.Account: ["name", "email", "workspace"],
    m.Contact: ["first_name", "last_name", "account", "email", "phone", "workspace"],
    m.Lead: ["name", "company", "status", "workspace"],
    m.Payment: ["invoice", "amount", "currency", "method", "received_at"],
    m.Appointment: ["title", "start", "time_zone", "location_type", "status", "workspace"],
    m.Project: ["name", "account", "status", "workspace"],
    m.Contract: ["title", "account", "status", "workspace"],
    m.Message: ["account", "direction", "created_at", "read_at"],
    m.Activity: ["summary", "account", "created_at"],
}.items():
    admin.site.register(model, list_display=columns, list_filter=["workspace"] if hasattr(model, "workspace") else [])
