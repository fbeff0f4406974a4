from django.urls import path

from hubwire.payments import views

app_name = "payments"
urlpatterns = [
    path("invoices/<int:pk>/pay/", views.pay_now, name="pay_now"),
    path("pay/stripe/<secret:token>/return/", views.stripe_return, name="stripe_return"),
    path("pay/stripe/<secret:token>/cancelled/", views.stripe_cancel, name="stripe_cancel"),
]
