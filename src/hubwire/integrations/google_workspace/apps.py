from django.apps import AppConfig


class GoogleWorkspaceConfig(AppConfig):
    """Installed (core/app_folders.py) for its tables (the directory mirror) and its templates, in
    templates/google_workspace/; the label keeps it apart from the sandbox's app of the same folder name."""

    name = "hubwire.integrations.google_workspace"
    label = "integrations_google_workspace"
    verbose_name = "Google Workspace"
