from django.urls import path

from hubwire.crm import views

app_name = "crm"
urlpatterns = [
    path("messages/", views.conversations, name="conversations"),
    path("messages/<int:account_id>/", views.conversation, name="conversation"),
    path("invoices/<int:pk>/payments/", views.invoice_payment, name="invoice_payment"),
    path("projects/<int:pk>/milestones/", views.milestone_add_view, name="milestone_add"),
    path("milestones/<int:pk>/done/", views.milestone_done_view, name="milestone_done"),
    path("<slug:key>/", views.object_list, name="list"),
    path("<slug:key>/new/", views.object_form, name="create"),
    path("<slug:key>/<int:pk>/", views.object_detail, name="detail"),
    path("<slug:key>/<int:pk>/edit/", views.object_form, name="edit"),
    path("<slug:key>/<int:pk>/<slug:action>/", views.object_action, name="action"),
]
