"""``chiso token create --user NAME [--name LABEL]``: print a new API token (shown once)."""

from chiso.cli.setup import django_setup, notice


def add_parser(sub) -> None:
    p = sub.add_parser("token", help="manage API tokens")
    tsub = p.add_subparsers(dest="token_command", required=True)
    c = tsub.add_parser("create", help="create a token for a user")
    c.add_argument("--user", help="username (default: the first superuser)")
    c.add_argument("--name", default="script", help="a label for the token")
    c.set_defaults(handler=create)


def create(args) -> int:
    django_setup()
    from chiso.accounts.selectors import user_for_cli
    from chiso.accounts.services import token_create

    user = user_for_cli(args.user)
    if user is None:
        notice(f"No such user: {args.user or '(no superuser)'}")
        return 2
    _, key = token_create(user=user, name=args.name)
    print(key)
    return 0
