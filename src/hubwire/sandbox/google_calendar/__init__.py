"""Google Calendar API v3, as the sandbox plays it (providers.md §3.2-3.4): events and watch
channels (api.py, listing.py, events.py), the pushes it sends (watch.py), its error envelope
(errors.py), its per-user quota (throttle.py), its test hooks (control.py) and its card on the
/sandbox/ page (page.py). Its OAuth server is GOOGLE in sandbox/servers.py; its tables are its own
(models.py, app label sandbox_google_calendar), so its routes and hooks are registered from apps.py
once Django's models are loaded, not on import."""
