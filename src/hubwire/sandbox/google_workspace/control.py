"""Sandbox Google Workspace's test hooks (POST /sandbox/_control/<action>/): a directory as large as
a test or a benchmark needs, the eventual-consistency window, failures and slow answers for the next
calls, and what Google holds for a user. `reset` forgets every table; the next request seeds the
sample data again (seed.py)."""

from hubwire.sandbox.google_workspace import faults, seed
from hubwire.sandbox.google_workspace.models import (
    Customer, DirectoryUser, Domain, Group, InjectedFailure, Member, UserRequests)
from hubwire.sandbox.google_workspace.resources import user_resource
from hubwire.sandbox.hooks import control_action, reset_tables

reset_tables(InjectedFailure, UserRequests, Member, Group, DirectoryUser, Domain, Customer)


@control_action("workspace-seed")
def workspace_seed(data):
    """{"users": N, "groups": M, "members_per_group": K} -> {"users": total, "groups": total}"""
    return seed.bulk_seed(users=int(data.get("users", 0)), groups=int(data.get("groups", 0)),
                          members_per_group=int(data.get("members_per_group", 0)))


@control_action("workspace-new-user-delay")
def new_user_delay(data):
    """{"seconds": S}: how long a new user reads as 404 on users.get and members.insert."""
    seconds = float(data["seconds"])
    if seconds < 0:
        raise ValueError("seconds must be 0 or more")
    customer = seed.ensure_seeded()
    Customer.objects.filter(pk=customer.pk).update(new_user_delay_seconds=seconds)
    return {"seconds": seconds}


@control_action("workspace-fail-next")
def fail_next(data):
    """{"count", "status": 403|429|500|503, "reason", "method"?, "path_contains"?}"""
    failure = faults.fail_next(count=int(data.get("count", 1)), status=int(data["status"]), reason=data["reason"],
                               method=data.get("method", ""), path_contains=data.get("path_contains", ""))
    return {"failure": failure.pk}


@control_action("workspace-slow-next")
def slow_next(data):
    """{"seconds", "method"?, "path_contains"?}: the next matching call is applied, then answered late."""
    failure = faults.slow_next(seconds=float(data["seconds"]), method=data.get("method", ""),
                               path_contains=data.get("path_contains", ""))
    return {"failure": failure.pk}


@control_action("workspace-user")
def workspace_user(data):
    """{"email"} -> the User resource Google holds (DoesNotExist, a 400, when there is none)."""
    seed.ensure_seeded()
    user = DirectoryUser.objects.select_related("customer").get(primary_email=str(data["email"]).strip().lower())
    return user_resource(user)
