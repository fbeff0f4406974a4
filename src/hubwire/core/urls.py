from django.contrib.auth import views as auth_views
from django.urls import path

from hubwire.core import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Passwords: Django's own views and tokens, in hubwire's pages.
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetSentView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<secret:token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("team/", views.team, name="team"),
    path("team/time-zone/", views.workspace_time_zone_view, name="workspace_time_zone"),
    path("team/invitations/<int:pk>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
    path("team/join/<secret:token>/", views.team_join, name="team_join"),
    path("settings/api-keys/", views.api_keys, name="api_keys"),
    path("settings/api-keys/<int:pk>/revoke/", views.api_key_revoke_view, name="api_key_revoke"),
]
