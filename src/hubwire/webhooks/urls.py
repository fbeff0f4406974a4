from django.urls import path

from hubwire.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.manager, name="manager"),
    path("webhooks/endpoints/new/", views.endpoint_new, name="endpoint_new"),
    path("webhooks/endpoints/<int:pk>/", views.endpoint_detail, name="endpoint"),
    path("webhooks/endpoints/<int:pk>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path("webhooks/endpoints/<int:pk>/<slug:action>/", views.endpoint_action, name="endpoint_action"),
    path("webhooks/deliveries/", views.delivery_log, name="deliveries"),
    path("webhooks/deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("webhooks/deliveries/<int:pk>/resend/", views.delivery_resend, name="delivery_resend"),
    path("webhooks/inbound/new/", views.inbound_new, name="inbound_new"),
    path("webhooks/inbound/<int:pk>/", views.inbound_detail, name="inbound"),
    path("webhooks/inbound/<int:pk>/<slug:action>/", views.inbound_action, name="inbound_action"),
    path("hooks/in/<secret:token>/", views.receive, name="receive"),
]
