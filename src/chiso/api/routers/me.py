from ninja import Router, Schema

router = Router(tags=["me"])


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    roles: list[str]


@router.get("/me", response=MeOut)
def me(request):
    user = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "is_superuser": user.is_superuser,
        "roles": sorted(user.groups.values_list("name", flat=True)),
    }
