"""Writes for users, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from chiso.accounts.models import ApiToken, Role, User
from chiso.orgunits.models import OrgUnit

TOKEN_PREFIX = "chiso_"


def role_sync() -> dict[str, Group]:
    """Make sure a group exists for every role."""
    return {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str = "",
    roles: Iterable[Role] = (),
    capture_units: Iterable[OrgUnit] = (),
    view_units: Iterable[OrgUnit] = (),
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username, full_name=full_name, is_superuser=is_superuser, is_staff=is_superuser
    )
    user.set_password(password)
    user.save()
    groups = role_sync()
    user.groups.set([groups[Role(r).value] for r in roles])
    user.capture_units.set(capture_units)
    user.view_units.set(view_units)
    return user


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw key is returned once and never stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:12], key_hash=_hash(key))
    return token, key


def token_revoke(*, token: ApiToken) -> None:
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])


def token_authenticate(key: str) -> User | None:
    """The active user owning an unrevoked token ``key``, else ``None``."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user
