"""View Groups: the groups pages (groups, a group's members, deleting a group), included by urls.py, under
/integrations/google_workspace/ with names in the "integrations" namespace."""

from django.urls import path

from hubwire.integrations.google_workspace import group_views

urlpatterns: list = [
    path("groups/", group_views.groups, name="google_workspace_groups"),
    path("groups/refresh/", group_views.groups_refresh, name="google_workspace_groups_refresh"),
    path("groups/new/", group_views.group_new, name="google_workspace_group_new"),
    path("groups/<int:group_id>/", group_views.group, name="google_workspace_group"),
    path("groups/<int:group_id>/delete/", group_views.group_delete, name="google_workspace_group_delete"),
    path("groups/<int:group_id>/members/add/", group_views.group_members_add,
         name="google_workspace_group_members_add"),
    path("groups/<int:group_id>/members/<int:member_id>/remove/", group_views.group_member_remove,
         name="google_workspace_group_member_remove"),
    path("groups/<int:group_id>/members/<int:member_id>/role/", group_views.group_member_role,
         name="google_workspace_group_member_role"),
]
