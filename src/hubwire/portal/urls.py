from django.urls import path

from hubwire.portal import team_views, views

app_name = "portal"
client = "portal/<int:workspace_id>/"
urlpatterns = [
    # The clients' portal, with its own session (session.PortalSessionMiddleware serves /portal/).
    path(client, views.home, name="home"),
    path(client + "sign-in/", views.sign_in, name="sign_in"),
    path(client + "sign-out/", views.sign_out, name="sign_out"),
    path(client + "reset/", views.reset, name="reset"),
    path(client + "password/<secret:token>/", views.set_password, name="set_password"),
    path(client + "change-password/", views.change_password, name="change_password"),
    path(client + "projects/", views.projects, name="projects"),
    path(client + "projects/<int:pk>/", views.project, name="project"),
    path(client + "invoices/", views.invoices, name="invoices"),
    path(client + "invoices/<int:pk>/", views.invoice, name="invoice"),
    path(client + "invoices/<int:pk>/pay/", views.invoice_pay, name="invoice_pay"),
    path(client + "contracts/", views.contracts, name="contracts"),
    path(client + "contracts/<int:pk>/", views.contract, name="contract"),
    path(client + "messages/", views.messages, name="messages"),
    # The team's side, next to the Client Portal tab.
    path("integrations/portal/accounts/", team_views.accounts, name="accounts"),
    path("integrations/portal/accounts/<int:account_id>/", team_views.manage, name="manage"),
    path("integrations/portal/accounts/<int:account_id>/access/", team_views.access, name="access"),
    path("integrations/portal/contacts/<int:contact_id>/login/", team_views.contact_login, name="contact_login"),
    path("integrations/portal/contacts/<int:contact_id>/password/", team_views.contact_password, name="contact_password"),
    path("integrations/portal/contacts/<int:contact_id>/invite/", team_views.contact_invite, name="contact_invite"),
]
