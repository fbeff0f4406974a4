"""The Google Workspace Admin SDK Directory API, as the sandbox plays it (providers.md §5): one
Workspace customer with two domains, its users, groups and group members, seeded with sample data
whenever it is empty (seed.py), at admin.googleapis.com/admin/directory/v1 (users.py, groups.py,
members.py, domains.py) behind the sandbox Google OAuth, with each caller's admin privileges
(access.py), Google's error envelope (errors.py), its per-user quota (throttle.py), injected
failures and slow answers (faults.py), eventual consistency for new users, its test hooks
(control.py), the personas on the Google consent page and the `hd` claim of userinfo (personas.py),
and its card on the /sandbox/ page (page.py).

Its tables are its own (models.py, app label sandbox_google_workspace), so its routes and hooks are
registered from apps.py once Django's models are loaded, not on import."""
