"""Sandbox QuickBooks' own database: its companies (realms), the objects in each, the answers kept
for `requestid` replay, each realm's request counts, and each app's webhook subscription."""

from django.db import models
from django.db.models import Q


class Company(models.Model):
    """One QuickBooks company (realm), made the first time an app calls it."""

    realm_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    next_id = models.PositiveIntegerField(default=1)
    next_doc_number = models.PositiveIntegerField(default=1001)
    in_flight = models.IntegerField(default=0, help_text="Requests being answered right now.")


class Entity(models.Model):
    """A Customer, Invoice, Item or Payment of one realm, as the API answers it (body), with what the API
    looks it up by kept in columns."""

    realm_id = models.CharField(max_length=32)
    kind = models.CharField(max_length=20)
    entity_id = models.CharField(max_length=20)
    body = models.JSONField(default=dict)
    # Display names are unique per realm within a namespace (customers, vendors and employees share one);
    # empty for kinds without a unique name.
    name_space = models.CharField(max_length=20, blank=True)
    name_key = models.CharField(max_length=500, blank=True)
    deleted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["realm_id", "kind", "entity_id"], name="qbo_entity_id_unique"),
            models.UniqueConstraint(fields=["realm_id", "name_space", "name_key"], condition=~Q(name_key=""),
                                    name="qbo_entity_name_unique"),
        ]


class Replay(models.Model):
    """The first successful answer to a write that carried `requestid`."""

    realm_id = models.CharField(max_length=32)
    request_id = models.CharField(max_length=100)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm_id", "request_id"], name="qbo_replay_unique")]


class Usage(models.Model):
    """Requests and batch requests a realm made in one minute of the sandbox clock."""

    realm_id = models.CharField(max_length=32)
    minute = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm_id", "minute"], name="qbo_usage_unique")]


class WebhookSubscription(models.Model):
    """What an Intuit app's developer settings say about webhooks: the endpoint, the verifier token
    and whether the app switched to the CloudEvents payload."""

    client_id = models.CharField(max_length=200, unique=True)
    url = models.TextField()
    verifier_token = models.CharField(max_length=200)
    cloudevents = models.BooleanField(default=False)
