"""The one outbound HTTP module: Retry-After honoured on 429, 5xx retried with backoff only when a
retry cannot duplicate work, per-account token buckets, and secrets kept out of logs and errors."""

import logging
import threading
import time

import httpx
import pytest

from hubwire.core.redaction import RedactingFilter, scrub
from hubwire.integrations import ratelimit
from hubwire.integrations.http import ProviderError, RetryPolicy, provider_client, raise_for_status
from hubwire.integrations.registry import PROVIDERS, RateLimit
from hubwire.integrations.tokens import ConnectionAuth
from tests.conftest import SANDBOX_DB, in_threads, service_or_skip
from tests.integrations import oauth_flow

ZOOM = PROVIDERS["zoom"]


class Sleeps(list):
    """Stands in for time.sleep: records each wait instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)


def zoom_client(connection, sleeps, **kwargs):
    return provider_client(ZOOM, account=f"test-{id(sleeps)}", auth=ConnectionAuth(ZOOM, connection),
                           sleep=sleeps, **kwargs)


@SANDBOX_DB
def test_a_429_waits_what_retry_after_says(sandbox, owner_client, workspace):
    connection = oauth_flow.connect(owner_client, workspace)
    sandbox.control("fault", host="api.zoom.us", path="/v2/users/me", status=429, retry_after="3", count=1)
    sleeps = Sleeps()
    with zoom_client(connection, sleeps) as client:
        response = client.get(ZOOM.url("api", "/v2/users/me"))
    assert response.status_code == 200
    assert [c.status for c in sandbox.calls("api.zoom.us", "/v2/users/me")][-2:] == [429, 200]
    assert 3.0 in sleeps


@SANDBOX_DB
def test_a_retry_after_beyond_the_ceiling_is_handed_back(sandbox, owner_client, workspace):
    """Zoom's daily limit says to resume at 00:00 GMT: hubwire reports it rather than sleep for hours."""
    connection = oauth_flow.connect(owner_client, workspace)
    sandbox.control("fault", host="api.zoom.us", path="/v2/users/me", status=429, retry_after="7200", count=1)
    sleeps = Sleeps()
    with zoom_client(connection, sleeps) as client:
        response = client.get(ZOOM.url("api", "/v2/users/me"))
    with pytest.raises(ProviderError) as failure:
        raise_for_status(ZOOM, response)
    assert failure.value.status == 429 and failure.value.retry_after == 7200
    assert sleeps == []


@SANDBOX_DB
def test_a_5xx_is_retried_with_growing_jittered_backoff(sandbox, owner_client, workspace):
    connection = oauth_flow.connect(owner_client, workspace)
    sandbox.control("fault", host="api.zoom.us", path="/v2/users/me", status=503, count=3)
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=4, base_delay=1.0, max_delay=30)
    with zoom_client(connection, sleeps, policy=policy) as client:
        response = client.get(ZOOM.url("api", "/v2/users/me"))
    assert response.status_code == 200
    assert [c.status for c in sandbox.calls("api.zoom.us", "/v2/users/me")][-4:] == [503, 503, 503, 200]
    assert len(sleeps) == 3
    for attempt, slept in enumerate(sleeps, start=1):
        assert 0 <= slept <= 1.0 * 2 ** (attempt - 1)


@SANDBOX_DB
def test_a_5xx_on_a_post_without_idempotency_is_not_retried(sandbox, owner_client, workspace):
    """The provider may have acted before failing; a blind retry could create a second meeting."""
    connection = oauth_flow.connect(owner_client, workspace)
    sandbox.control("fault", host="api.zoom.us", path="/v2/users/me", status=502, count=1)
    sleeps = Sleeps()
    with zoom_client(connection, sleeps) as client:
        response = client.post(ZOOM.url("api", "/v2/users/me"))
    assert response.status_code == 502 and sleeps == []


def test_a_refused_connection_is_retried_then_raised():
    sleeps = Sleeps()
    attempts = []

    def refuse(request):
        attempts.append(request)
        raise httpx.ConnectError("refused", request=request)

    client = provider_client(ZOOM, sleep=sleeps, inner=httpx.MockTransport(refuse),
                             policy=RetryPolicy(attempts=3, base_delay=0.1))
    with pytest.raises(httpx.ConnectError):
        client.post("http://127.0.0.1:9/never")
    assert len(attempts) == 3 and len(sleeps) == 2


def test_memory_token_bucket_refills_at_the_documented_rate():
    now = [0.0]
    bucket = ratelimit.MemoryBuckets(clock=lambda: now[0])
    assert [bucket.take("zoom:a", 4, 4) for _ in range(4)] == [0, 0, 0, 0]
    assert bucket.take("zoom:a", 4, 4) == pytest.approx(0.25)
    assert bucket.take("zoom:b", 4, 4) == 0  # another provider account has its own bucket
    now[0] = 0.5
    assert bucket.take("zoom:a", 4, 4) == 0


def test_acquire_waits_for_the_bucket_and_refuses_to_wait_too_long():
    now = [0.0]
    bucket = ratelimit.MemoryBuckets(clock=lambda: now[0])

    def sleep(seconds):
        now[0] += seconds

    assert ratelimit.acquire("k", 2, 1, max_wait=5, sleep=sleep, store=bucket) == 0
    assert ratelimit.acquire("k", 2, 1, max_wait=5, sleep=sleep, store=bucket) == pytest.approx(0.5)
    with pytest.raises(ratelimit.RateLimitWaitTooLong):
        ratelimit.acquire("k", 0.01, 1, max_wait=5, sleep=sleep, store=bucket)


class RealSleeps(Sleeps):
    def __call__(self, seconds):
        super().__call__(seconds)
        time.sleep(seconds)


def test_the_transport_waits_for_the_rate_limit_before_sending(settings):
    settings.HUBWIRE_REDIS_URL = ""
    sleeps = RealSleeps()
    client = provider_client(ZOOM, account="burst-test", sleep=sleeps,
                             inner=httpx.MockTransport(lambda request: httpx.Response(200)))
    for _ in range(ZOOM.rate_limit.burst + 1):
        client.get("http://127.0.0.1/x")
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 1 / ZOOM.rate_limit.per_second


def test_redis_token_bucket_is_shared_between_processes():
    service_or_skip("127.0.0.1", 6379, "Redis")
    first, second = ratelimit.RedisBuckets("redis://127.0.0.1:6379/0"), ratelimit.RedisBuckets("redis://127.0.0.1:6379/0")
    key = f"test-{threading.get_ident()}-{id(first)}"
    assert first.take(key, 1, 2) == 0
    assert second.take(key, 1, 2) == 0
    assert first.take(key, 1, 2) > 0.5  # the two "processes" drew from one bucket


def test_secrets_are_scrubbed_from_log_lines_and_errors(caplog):
    secret = "sbx_at_c2VjcmV0LXZhbHVl"
    client = provider_client(ZOOM, inner=httpx.MockTransport(lambda request: httpx.Response(
        400, json={"error": "invalid_request", "error_description": f"bad token={secret}"})))
    with caplog.at_level(logging.INFO, logger="hubwire.http"):
        response = client.post(f"http://127.0.0.1/oauth/revoke?token={secret}", headers={"Authorization": f"Bearer {secret}"})
    with pytest.raises(ProviderError) as failure:
        raise_for_status(ZOOM, response)
    assert secret not in caplog.text and "token=[redacted]" in caplog.text
    assert secret not in str(failure.value)

    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "sent %s", (f'{{"refresh_token": "{secret}"}}',), None)
    RedactingFilter().filter(record)
    assert secret not in record.getMessage()


@pytest.mark.parametrize("text", [
    "Authorization: Bearer abc.def-ghi", "client_secret=s3cr3t&grant_type=x", '{"access_token": "abc"}',
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "sk_live_51Habc",
])
def test_scrub_knows_every_secret_shape(text):
    for secret in ("abc.def-ghi", "s3cr3t", '"abc"', "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "51Habc"):
        assert secret not in scrub(text)


@pytest.mark.parametrize("body, message, code", [
    ({"code": 3001, "message": "Meeting does not exist: 1."}, "Meeting does not exist: 1.", "3001"),
    ({"error": "invalid_grant", "error_description": "Token has been expired"}, "Token has been expired", "invalid_grant"),
    ({"error": {"type": "invalid_request_error", "code": "resource_missing", "message": "No such account"}},
     "No such account", "resource_missing"),
])
def test_provider_errors_are_read_from_each_envelope(body, message, code):
    client = provider_client(ZOOM, inner=httpx.MockTransport(lambda request: httpx.Response(404, json=body)))
    with pytest.raises(ProviderError) as failure:
        raise_for_status(ZOOM, client.get("http://127.0.0.1/x"))
    assert str(failure.value) == f"Zoom answered 404: {message}" and failure.value.code == code


def test_places_in_flight_are_limited_and_given_back():
    store = ratelimit.MemoryBuckets()
    slept = []
    with ratelimit.in_flight("qbo:1", 2, max_wait=1, lease=60, store=store), \
            ratelimit.in_flight("qbo:1", 2, max_wait=1, lease=60, store=store):
        assert store.hold("qbo:2", 2, 60) is not None  # another company has places of its own
        with pytest.raises(ratelimit.RateLimitWaitTooLong):
            with ratelimit.in_flight("qbo:1", 2, max_wait=0.2, lease=60, store=store, sleep=slept.append):
                pass
    assert slept and sum(slept) <= 0.2
    with ratelimit.in_flight("qbo:1", 2, max_wait=0, lease=60, store=store) as waited:
        assert waited == 0  # both places were given back


def test_the_transport_never_has_more_requests_in_flight_than_the_provider_allows(settings):
    """Eight threads of one company's client against a provider that takes 3 at once: never 4 open."""
    settings.HUBWIRE_REDIS_URL = ""
    limited = RateLimit(per_second=1000, burst=1000, source="test", concurrent=3)
    provider = type("Limited", (), {"key": "limited", "rate_limit": limited})()
    open_now, most, lock, reached = [0], [0], threading.Lock(), threading.Event()

    def answer(request):
        with lock:
            open_now[0] += 1
            most[0] = max(most[0], open_now[0])
            if open_now[0] >= 3:
                reached.set()
        reached.wait(timeout=60)  # the first answers wait until three are open at once: a fourth would show
        with lock:
            open_now[0] -= 1
        return httpx.Response(200, json={})

    client = provider_client(provider, account="realm-1", inner=httpx.MockTransport(answer))
    results, errors = in_threads(8, lambda: [client.get("http://127.0.0.1/x").status_code for _ in range(5)])
    assert not errors and all(codes == [200] * 5 for codes in results)
    assert most[0] == 3  # reached, never passed


def test_redis_places_in_flight_are_shared_between_processes_and_expire():
    service_or_skip("127.0.0.1", 6379, "Redis")
    first, second = ratelimit.RedisBuckets("redis://127.0.0.1:6379/0"), ratelimit.RedisBuckets("redis://127.0.0.1:6379/0")
    key = f"test-inflight-{threading.get_ident()}-{id(first)}"
    ticket = first.hold(key, 1, 60)
    assert ticket and second.hold(key, 1, 60) is None  # the one place is held by the other "process"
    second.release(key, ticket)
    assert second.hold(key, 1, 0.05) is not None
    time.sleep(0.2)  # a holder killed before it gave the place back: its lease ends, the place is free
    assert first.hold(key, 1, 60) is not None
