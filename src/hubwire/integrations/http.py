"""The one outbound HTTP module every provider uses (architecture: "one place for timeouts,
retries, rate limits, redaction").

`provider_client()` gives an httpx.Client whose transport:
- waits for the provider account's rate-limit bucket before each attempt;
- retries 429 always (the provider did not act), and 5xx and timeouts only when a retry cannot
  duplicate anything: a safe method, or a request carrying the provider's idempotency mechanism;
- waits what `Retry-After` says when it says something, else exponential backoff with full jitter;
  a `Retry-After` beyond `max_retry_after` (Zoom's daily limit: "resume at 00:00 GMT") is handed
  back to the caller instead of sleeping on it;
- logs one line per attempt with secrets scrubbed, and never follows redirects.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass

import httpx
from django.conf import settings

from hubwire.core.redaction import scrub
from hubwire.core.tls import tls_context
from hubwire.core.retry_after import retry_after_seconds
from hubwire.integrations import ratelimit

log = logging.getLogger("hubwire.http")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 60.0
    max_rate_limit_wait: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base·2^(attempt-1))] (attempt counts from 1)."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def retry_can_help(status: int | None) -> bool:
    """Whether a failure with this HTTP status may succeed later unchanged: throttled or a provider fault."""
    return status is not None and (status == 429 or status >= 500)


class ProviderError(Exception):
    """A provider call that failed, described without secrets. `retryable`: whether the same call
    later may succeed (by default from the status; a provider's explain_error knows better)."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "", retry_after: float | None = None,
                 retryable: bool | None = None):
        super().__init__(scrub(message))
        self.status, self.code, self.retry_after = status, code, retry_after
        self.retryable = retry_can_help(status) if retryable is None else retryable


@dataclass(frozen=True)
class ProviderProblem:
    """A provider's error answer, explained: `message` in words a business owner can act on, the
    provider's own `code`, and whether trying the same call again later can help."""

    message: str
    code: str = ""
    retryable: bool = False


def retry_safe(request: httpx.Request) -> bool:
    """A retry after a 5xx or timeout cannot do the work twice."""
    return (request.method in SAFE_METHODS or "Idempotency-Key" in request.headers
            or "requestid" in request.url.params)  # Intuit's idempotency parameter


class ProviderTransport(httpx.BaseTransport):
    def __init__(self, *, label: str, bucket: str | None, rate_limit=None, policy: RetryPolicy | None = None,
                 inner: httpx.BaseTransport | None = None, sleep=time.sleep):
        self.label, self.bucket, self.rate_limit = label, bucket, rate_limit
        self.policy = policy or RetryPolicy()
        self.inner = inner or httpx.HTTPTransport(verify=tls_context())
        self.sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        policy = self.policy
        for attempt in range(1, policy.attempts + 1):
            if self.rate_limit and self.bucket:
                try:
                    ratelimit.acquire(self.bucket, self.rate_limit.per_second, self.rate_limit.burst,
                                      max_wait=policy.max_rate_limit_wait, sleep=self.sleep)
                except ratelimit.RateLimitWaitTooLong as exc:
                    raise ProviderError(f"{self.label}: {exc}", status=429, retry_after=exc.wait) from None
            started = time.monotonic()
            try:
                response = self._send(request, policy)
            except httpx.TransportError as exc:
                # A refused connection never reached the provider; a timeout may have.
                can_retry = isinstance(exc, httpx.ConnectError) or retry_safe(request)
                self._log(request, f"{type(exc).__name__}", started, attempt, logging.WARNING)
                if can_retry and attempt < policy.attempts:
                    self.sleep(policy.backoff(attempt))
                    continue
                raise
            status = response.status_code
            retryable = status == 429 or (status >= 500 and retry_safe(request))
            self._log(request, str(status), started, attempt, logging.WARNING if status >= 400 else logging.INFO)
            if not retryable or attempt == policy.attempts:
                return response
            delay = retry_after_seconds(response.headers.get("Retry-After"))
            if delay is not None and delay > policy.max_retry_after:
                return response  # e.g. a daily limit: the caller reports when to resume
            response.read()
            response.close()
            self.sleep(delay if delay is not None else policy.backoff(attempt))
        raise AssertionError("unreachable")

    def _send(self, request: httpx.Request, policy: RetryPolicy) -> httpx.Response:
        """Send, holding one of the account's places while the answer is read when the provider
        limits requests in flight (the answer's body is read here, so the place covers all of it)."""
        limit = getattr(self.rate_limit, "concurrent", None)
        if not (limit and self.bucket):
            return self.inner.handle_request(request)
        try:
            with ratelimit.in_flight(self.bucket, limit, max_wait=policy.max_rate_limit_wait,
                                     lease=settings.HUBWIRE_HTTP_TIMEOUT + 30, sleep=self.sleep):
                response = self.inner.handle_request(request)
                response.read()
                return response
        except ratelimit.RateLimitWaitTooLong as exc:
            raise ProviderError(f"{self.label}: {limit} requests already in flight ({exc})", status=429,
                                retry_after=exc.wait) from None

    def _log(self, request: httpx.Request, outcome: str, started: float, attempt: int, level: int) -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        log.log(level, "%s %s %s -> %s in %.0f ms (attempt %d)", self.label, request.method,
                scrub(str(request.url)), outcome, elapsed_ms, attempt)

    def close(self) -> None:
        self.inner.close()


def provider_client(provider, *, account: str = "", auth: httpx.Auth | None = None,
                    policy: RetryPolicy | None = None, inner: httpx.BaseTransport | None = None,
                    sleep=time.sleep, client_class=httpx.Client, **kwargs) -> httpx.Client:
    """An httpx client for calls to `provider` on behalf of one provider account (the bucket key)."""
    bucket = f"{provider.key}:{account}" if account else None
    transport = ProviderTransport(label=provider.key, bucket=bucket, rate_limit=provider.rate_limit,
                                  policy=policy, inner=inner, sleep=sleep)
    timeout = httpx.Timeout(settings.HUBWIRE_HTTP_TIMEOUT, connect=min(5.0, settings.HUBWIRE_HTTP_TIMEOUT))
    headers = {"User-Agent": "hubwire/0.1", **kwargs.pop("headers", {})}
    return client_class(transport=transport, auth=auth, timeout=timeout, follow_redirects=False,
                        headers=headers, **kwargs)


def json_object(response: httpx.Response) -> dict | None:
    """The response body as a JSON object, or None when it is not one (an HTML error page, text)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def explained(table: dict[str, tuple[str, bool]], code: str, provider_words: str,
              response: httpx.Response) -> ProviderProblem:
    """A provider's error `code` explained by its `table` of (words, retryable); an unknown code
    keeps the provider's own words, retryable by status."""
    if code in table:
        words, retryable = table[code]
        return ProviderProblem(words, code, retryable)
    return ProviderProblem(provider_words or response.text[:200], code, retry_can_help(response.status_code))


def _provider_words(response: httpx.Response) -> tuple[str, str]:
    """(message, code) from a provider's error body, whatever its envelope: Zoom {"code","message"},
    OAuth {"error","error_description"}, Stripe and Google {"error": {"message","code"}}."""
    body = json_object(response)
    if body is None:
        return response.text[:200], ""
    error = body.get("error")
    nested = error if isinstance(error, dict) else {}
    message = (nested.get("message") or body.get("message") or body.get("error_description")
               or body.get("reason") or (error if isinstance(error, str) else "") or response.text[:200])
    code = nested.get("code") or body.get("code") or (error if isinstance(error, str) else "")
    return str(message), str(code or "")


def problem_in_provider_words(response: httpx.Response) -> ProviderProblem:
    """Provider.explain_error's default: the provider's own message and code, retryable by status."""
    message, code = _provider_words(response)
    return ProviderProblem(message, code, retry_can_help(response.status_code))


def raise_for_status(provider, response: httpx.Response) -> httpx.Response:
    if response.is_success:
        return response
    problem = provider.explain_error(response)
    raise ProviderError(f"{provider.name} answered {response.status_code}: {problem.message}".strip(),
                        status=response.status_code, code=problem.code, retryable=problem.retryable,
                        retry_after=retry_after_seconds(response.headers.get("Retry-After")))
