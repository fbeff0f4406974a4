"""The Webhooks Manager: outbound endpoints signed per Standard Webhooks and delivered at least
once from the outbox; (later) inbound hooks and the Zapier REST hooks API."""
