"""Workspace and team writes."""

from django.db import transaction
from django.utils import timezone

from hubwire.core.errors import FieldError
from hubwire.core.models import ApiKey, Membership, Role, User, Workspace


def workspace_create(*, name: str, owner: User) -> Workspace:
    with transaction.atomic():
        workspace = Workspace.objects.create(name=name)
        Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
        return workspace


def member_add(*, workspace: Workspace, email: str, password: str, role: str = Role.MEMBER, full_name: str = "") -> Membership:
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, full_name=full_name)
        elif Membership.objects.filter(workspace=workspace, user=user).exists():
            raise FieldError(email=f"{email} is already on this team.")
        return Membership.objects.create(workspace=workspace, user=user, role=role)


def api_key_issue(*, workspace: Workspace, name: str) -> tuple[ApiKey, str]:
    return ApiKey.issue(workspace=workspace, name=name.strip())


def api_key_revoke(*, key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at=None).update(revoked_at=timezone.now())
