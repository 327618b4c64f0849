from chiso.accounts.models import ApiToken
from chiso.accounts.services import token_authenticate, token_create, token_revoke


def test_token_is_stored_hashed_and_authenticates(make_user):
    user = make_user("script")
    token, key = token_create(user=user, name="nightly")
    assert key.startswith("chiso_")
    assert key not in token.key_hash
    assert ApiToken.objects.get().prefix == key[:12]
    assert token_authenticate(key) == user
    assert ApiToken.objects.get().last_used is not None


def test_revoked_or_unknown_token_does_not_authenticate(make_user):
    user = make_user("script")
    token, key = token_create(user=user, name="nightly")
    token_revoke(token=token)
    assert token_authenticate(key) is None
    assert token_authenticate("chiso_unknown") is None
    assert token_authenticate("Basic abc") is None
