"""Reads of users."""

from chiso.accounts.models import User


def user_for_cli(username: str | None) -> User | None:
    """The named active user, or the first superuser when no name is given (DESIGN.md §8)."""
    qs = User.objects.filter(is_active=True)
    if username:
        return qs.filter(username=username).first()
    return qs.filter(is_superuser=True).order_by("pk").first()
