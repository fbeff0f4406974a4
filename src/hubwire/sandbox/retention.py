"""How long the sandbox keeps its call log (hubwire.retention finds this module; it never names the sandbox)."""

from hubwire.retention.registry import retain
from hubwire.sandbox.models import Call

retain(Call, age_field="created_at", setting="HUBWIRE_KEEP_SANDBOX_CALLS_DAYS")
