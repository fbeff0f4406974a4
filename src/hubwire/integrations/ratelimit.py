"""Token buckets, one per provider account, loaded with each provider's documented limits; and, for
a provider that also limits how many requests may be open at once (Intuit: 10 per company), places
a request holds while it is answered.

In-process by default (one hubwire process, the embedded setup); in Redis when HUBWIRE_REDIS_URL
is set, so that every web and worker process shares one bucket (and one set of places) per provider
account. A place in Redis expires after a lease, so a worker killed mid-request frees it."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings


class RateLimitWaitTooLong(Exception):
    """Waiting for a token would take longer than the caller allows; nothing was sent."""

    def __init__(self, key: str, wait: float):
        super().__init__(f"rate limit for {key}: next request allowed in {wait:.1f}s")
        self.wait = wait


class MemoryBuckets:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self._held: dict[str, int] = {}

    def take(self, key: str, rate: float, burst: int, cost: int = 1) -> float:
        """Take `cost` tokens now if there are (returns 0), else return how long until there are. A
        cost above the burst goes once the bucket is full and leaves it owing the rest (see acquire)."""
        with self._lock:
            now = self._clock()
            tokens, stamp = self._buckets.get(key, (float(burst), now))
            tokens = min(float(burst), tokens + (now - stamp) * rate)
            need = min(cost, burst)
            if tokens >= need:
                self._buckets[key] = (tokens - cost, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (need - tokens) / rate

    def hold(self, key: str, limit: int, lease: float) -> str | None:
        """Take one of `limit` places (returns a ticket), or None when all are held."""
        with self._lock:
            if self._held.get(key, 0) >= limit:
                return None
            self._held[key] = self._held.get(key, 0) + 1
            return key

    def release(self, key: str, ticket: str) -> None:
        with self._lock:
            self._held[key] = max(self._held.get(key, 0) - 1, 0)


# KEYS[1] the bucket; ARGV rate (tokens/s), burst, cost. The server's clock, so every process agrees.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or burst
local stamp = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - stamp) * rate)
local need = math.min(cost, burst)
local wait = 0
if tokens >= need then tokens = tokens - cost else wait = (need - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
-- kept until it is full again (a debt included), after which a missing key reads as full
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return tostring(wait)
"""


# KEYS[1] the places (a sorted set of tickets scored by when their lease ends); ARGV limit, lease (s), ticket.
_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) * 1000) + 1000)
return 1
"""


class RedisBuckets:
    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url)
        self._take = self._redis.register_script(_TAKE)
        self._hold = self._redis.register_script(_HOLD)

    def take(self, key: str, rate: float, burst: int, cost: int = 1) -> float:
        return float(self._take(keys=[f"hubwire:ratelimit:{key}"], args=[rate, burst, cost]))

    def hold(self, key: str, limit: int, lease: float) -> str | None:
        ticket = secrets.token_hex(8)
        taken = self._hold(keys=[f"hubwire:inflight:{key}"], args=[limit, lease, ticket])
        return ticket if int(taken) else None

    def release(self, key: str, ticket: str) -> None:
        self._redis.zrem(f"hubwire:inflight:{key}", ticket)


@lru_cache(maxsize=4)
def _buckets(redis_url: str):
    return RedisBuckets(redis_url) if redis_url else MemoryBuckets()


def buckets():
    return _buckets(settings.HUBWIRE_REDIS_URL)


def acquire(key: str, rate: float, burst: int, *, max_wait: float, sleep=time.sleep, store=None,
            cost: int = 1) -> float:
    """Block until the bucket gives `cost` tokens; returns the seconds waited. Raises
    RateLimitWaitTooLong rather than wait longer than max_wait in total (max_wait=0: take them now or
    say how long until they are there). A cost above the burst (an SMS of more segments than its
    sender's bucket holds) goes once the bucket is full and leaves it owing the rest, so the next
    caller waits that out: the long-run rate stays the bucket's."""
    store = store or buckets()
    waited = 0.0
    while (wait := store.take(key, rate, burst, cost)) > 0:
        if waited + wait > max_wait:
            raise RateLimitWaitTooLong(key, wait)
        sleep(wait)
        waited += wait
    return waited


# How often a request waiting for a place looks again.
HOLD_POLL_SECONDS = 0.05


@contextmanager
def in_flight(key: str, limit: int, *, max_wait: float, lease: float, sleep=time.sleep, store=None) -> Iterator[float]:
    """Hold one of the account's `limit` places while the body sends a request and reads its answer;
    yields the seconds waited for it. Raises RateLimitWaitTooLong rather than wait longer than max_wait."""
    store = store or buckets()
    waited = 0.0
    while (ticket := store.hold(key, limit, lease)) is None:
        if waited + HOLD_POLL_SECONDS > max_wait:
            raise RateLimitWaitTooLong(key, HOLD_POLL_SECONDS)
        sleep(HOLD_POLL_SECONDS)
        waited += HOLD_POLL_SECONDS
    try:
        yield waited
    finally:
        store.release(key, ticket)
