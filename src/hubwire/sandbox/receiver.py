"""A webhook receiver for trying the Webhooks Manager offline: point an endpoint at
`{HUBWIRE_BASE_URL}/sandbox/receiver/<anything>` and each delivery appears in the sandbox's call
log with its webhook-id. It answers 200, or the status a path ending /<3 digits> names (e.g.
…/receiver/fail/500), to watch retries."""

import re

from django.http import JsonResponse

from hubwire.sandbox.routes import route


@route("receiver", "POST", r"/.*")
def receive(request, **kwargs):
    wanted = re.search(r"/(\d{3})/?\Z", request.path)
    status = int(wanted.group(1)) if wanted and 200 <= int(wanted.group(1)) <= 599 else 200
    signed = "signed" if request.headers.get("webhook-signature", "").startswith("v1,") else "unsigned"
    request.sandbox_note = f"{request.headers.get('webhook-id', 'no webhook-id')} ({signed})"
    return JsonResponse({"received": status < 300}, status=status)
