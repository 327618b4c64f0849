"""``chiso serve``: migrate, load the demo into an empty database, serve on 127.0.0.1."""

from __future__ import annotations

import os

from chiso.cli.setup import django_setup, migrate, notice


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="serve the web app (local profile: 127.0.0.1)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--no-demo", action="store_true", help="do not load the demo when empty")
    p.set_defaults(handler=run)


def run(args) -> int:
    django_setup()
    migrate()
    from chiso.accounts.models import User
    from chiso.cli.demo import demo_load, print_logins

    if not args.no_demo and not User.objects.exists():
        notice("Empty database: loading the demo (first start takes a little longer)…")
        demo_load()
    if User.objects.filter(username="admin").exists():
        print_logins()
    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    application = get_wsgi_application()
    notice(f"chiso: http://{args.host}:{args.port}/  (Ctrl+C to stop)")
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="chiso")
    return 0
