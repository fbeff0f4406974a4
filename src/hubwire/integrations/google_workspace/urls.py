"""Google Workspace's own pages, under /integrations/google_workspace/ (names in the "integrations" namespace)."""

from django.urls import path

from hubwire.integrations.google_workspace import group_urls, views

urlpatterns: list = [
    # --- the tab: the connect check again, Sync now ---
    path("check/", views.check_again, name="google_workspace_check"),
    path("sync-now/", views.sync_now, name="google_workspace_sync_now"),
    # --- Members, Create User (one, or several with a dry run), one user and its actions ---
    path("users/", views.users_list, name="google_workspace_users"),
    path("users/new/", views.user_create_page, name="google_workspace_user_create"),
    path("users/several/", views.users_bulk, name="google_workspace_users_bulk"),
    path("users/<int:user_id>/", views.user_page, name="google_workspace_user"),
    path("users/<int:user_id>/suspend/", views.user_suspend, name="google_workspace_user_suspend"),
    path("users/<int:user_id>/restore/", views.user_restore, name="google_workspace_user_restore"),
    path("users/<int:user_id>/password/", views.user_password, name="google_workspace_user_password"),
    path("users/<int:user_id>/admin/", views.user_admin, name="google_workspace_user_admin"),
    path("users/<int:user_id>/rename/", views.user_rename, name="google_workspace_user_rename"),
    path("users/<int:user_id>/delete/", views.user_delete, name="google_workspace_user_delete"),
    # --- Recently deleted users, brought back within Google's 20 days (deleted.py) ---
    path("users/deleted/", views.users_deleted, name="google_workspace_users_deleted"),
    path("users/deleted/<str:google_id>/restore/", views.user_undelete, name="google_workspace_user_undelete"),
]

# --- View Groups (group_urls.py) ---
urlpatterns += group_urls.urlpatterns
