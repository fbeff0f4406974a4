"""The sandbox's own state, like a provider's own database: grants, tokens, a request log, injected
faults and a movable clock."""

from django.db import models
from django.utils import timezone


class Grant(models.Model):
    """An authorization code handed out by a consent page."""

    server = models.CharField(max_length=40)
    client_id = models.CharField(max_length=200)
    code = models.CharField(max_length=100, unique=True)
    redirect_uri = models.TextField()
    scope = models.TextField(blank=True)
    code_challenge = models.CharField(max_length=200, blank=True)
    subject = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class Token(models.Model):
    ACCESS, REFRESH = "access", "refresh"

    server = models.CharField(max_length=40)
    client_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    value = models.CharField(max_length=200, unique=True)
    family = models.CharField(max_length=40, db_index=True, help_text="Every token descended from one grant.")
    scope = models.TextField(blank=True)
    subject = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class Call(models.Model):
    """Every request the sandbox answered, for the sandbox page and for tests."""

    host = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    path = models.TextField()
    status = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=100, blank=True, help_text="e.g. the grant_type of a token call")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)  # retention reads the oldest first


class Fault(models.Model):
    """The next `remaining` requests to host + path prefix get `status` instead of an answer, or,
    with `delay_seconds`, are answered normally but that much later: the provider acted, and a
    client with a shorter timeout never hears so (a test hook)."""

    host = models.CharField(max_length=100)
    path_prefix = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10, blank=True, help_text="Only this method; blank for any.")
    status = models.PositiveSmallIntegerField(default=0, help_text="0: answer normally (with delay_seconds)")
    delay_seconds = models.FloatField(default=0)
    retry_after = models.CharField(max_length=40, blank=True)
    remaining = models.PositiveIntegerField(default=1)


class Clock(models.Model):
    """How far the sandbox's clock runs ahead of the real one, or the instant it stands still at
    (test hooks)."""

    offset_seconds = models.FloatField(default=0)
    frozen_at = models.DateTimeField(null=True, blank=True)


class ZoomMeeting(models.Model):
    """A meeting in the sandbox Zoom, with Zoom's field names kept in `body`."""

    meeting_id = models.BigIntegerField(unique=True)
    user_id = models.CharField(max_length=40)
    body = models.JSONField()
    created_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)


class ZoomDailyWrites(models.Model):
    """Meeting create/update requests per user per UTC day (Zoom allows 100)."""

    user_id = models.CharField(max_length=40)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "day"], name="zoom_writes_per_day")]


class StripeAccount(models.Model):
    """A Stripe account in the sandbox, with Stripe's field names kept in `body` (the Account
    object) and what its onboarding collected so far in `collected`."""

    account_id = models.CharField(max_length=40, unique=True)
    body = models.JSONField()
    collected = models.JSONField(default=dict)
    created_at = models.DateTimeField()


class StripeGrant(models.Model):
    """A platform's access to an account in one mode: it created the account, or the account's
    owner connected it with OAuth. Deauthorizing ends it."""

    platform = models.CharField(max_length=60)
    account_id = models.CharField(max_length=40)
    livemode = models.BooleanField()
    via = models.CharField(max_length=10, help_text="'created' or 'oauth'")
    created_at = models.DateTimeField()
    deauthorized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "account_id", "livemode"], name="stripe_grant_once")]


class StripeObject(models.Model):
    """Any other Stripe object the sandbox keeps (account links, OAuth codes and tokens, Checkout
    Sessions, PaymentIntents, events): the public object in `body`, the sandbox's own bookkeeping
    (used, held, delivered, …) in `state`."""

    object_id = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    platform = models.CharField(max_length=60, blank=True)
    account_id = models.CharField(max_length=40, blank=True)
    livemode = models.BooleanField(default=False)
    body = models.JSONField(default=dict)
    state = models.JSONField(default=dict)
    created_at = models.DateTimeField()


class StripeIdempotency(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed for the same key
    (providers.md §1.7): keyed by the API key that sent it, as Stripe scopes keys per account."""

    api_key_hash = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key_hash", "key"], name="stripe_idempotency_once")]


class StripeRequestCount(models.Model):
    """API requests per secret key in one second of the sandbox clock: the test-mode rate limit,
    counted here so that every process serving the sandbox shares one count."""

    api_key_hash = models.CharField(max_length=64)
    second = models.BigIntegerField(help_text="Unix time, whole seconds")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key_hash", "second"], name="stripe_requests_per_second")]
