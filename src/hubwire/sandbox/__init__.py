"""Provider emulators that speak each provider's wire contract (providers.md), so that hubwire can be
connected, run and tested offline. On with HUBWIRE_SANDBOX=1; nothing outside sandbox/ imports it.

Each provider host is served under /sandbox/<real host>/<real path>, e.g.
/sandbox/zoom.us/oauth/token and /sandbox/api.zoom.us/v2/users/me."""
