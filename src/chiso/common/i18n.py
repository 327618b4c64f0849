"""Message catalog tooling: extract every user-facing string and keep the English catalog.

Source strings are Vietnamese (the default language); ``locale/en/LC_MESSAGES/django.po`` holds
the English translation, which must stay complete. Extraction uses Babel for Python and Django's
own ``templatize`` for templates, so no system gettext is needed.

    python -m chiso.common.i18n update   # merge new strings into the English catalog
    python -m chiso.common.i18n missing  # list strings without an English translation
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent.parent
CATALOG = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def _messages_from_python(source: str, filename: str):
    for lineno, funcname, messages, _comments in extract_python(
        io.BytesIO(source.encode("utf-8")), KEYWORDS.keys(), [], {"encoding": "utf-8"}
    ):
        spec = KEYWORDS[funcname]
        if isinstance(messages, str):
            messages = (messages,)
        context = None
        if spec and isinstance(spec[0], tuple):
            context, messages = messages[0], messages[1:]
        if not messages or not messages[0]:
            continue
        msgid = messages[0] if len(messages) == 1 else tuple(messages[:2])
        yield msgid, context, (filename, lineno)


def extract() -> Catalog:
    """A catalog of every translatable string in the package (Python and templates)."""
    from django.utils.translation.template import templatize

    catalog = Catalog(locale="en", domain="django")
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in f"/{rel}" or "__pycache__" in rel:
            continue
        if path.suffix == ".py":
            source = path.read_text(encoding="utf-8")
        elif path.suffix in {".html", ".txt", ".xml"} and "/templates/" in f"/{rel}":
            # templatize keeps the layout with filler text; messages sit on single lines, so
            # dropping indentation makes it tokenizable without changing any message.
            source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            source = "\n".join(line.lstrip() for line in source.splitlines())
        else:
            continue
        for msgid, context, location in _messages_from_python(source, rel):
            catalog.add(msgid, locations=[location], context=context)
    return catalog


def load_catalog() -> Catalog:
    if not CATALOG.exists():
        return Catalog(locale="en", domain="django")
    with CATALOG.open("rb") as fh:
        return read_po(fh, locale="en")


def missing(extracted: Catalog | None = None, translated: Catalog | None = None) -> list[str]:
    """Extracted strings that have no (non-fuzzy) English translation."""
    extracted = extracted or extract()
    translated = translated or load_catalog()
    gaps = []
    for message in extracted:
        if not message.id:
            continue
        entry = translated.get(message.id, context=message.context)
        strings = entry.string if entry is not None else None
        if isinstance(strings, tuple | list):
            ok = all(strings)
        else:
            ok = bool(strings)
        if entry is None or not ok or entry.fuzzy:
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def update() -> int:
    """Merge freshly extracted strings into the English catalog; returns how many lack English."""
    extracted = extract()
    old = load_catalog()
    merged = Catalog(locale="en", domain="django", project="chiso", fuzzy=False)
    for message in extracted:
        if not message.id:
            continue
        entry = old.get(message.id, context=message.context)
        string = entry.string if entry is not None else ("", "") if message.pluralizable else ""
        merged.add(
            message.id,
            string,
            locations=message.locations,
            context=message.context,
            flags=entry.flags if entry is not None else (),
        )
    CATALOG.parent.mkdir(parents=True, exist_ok=True)
    with CATALOG.open("wb") as fh:
        write_po(fh, merged, width=100, sort_output=True, omit_header=False)
    return len(missing(extracted, merged))


def main(argv: list[str]) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.config.settings")
    django.setup()
    command = argv[0] if argv else "missing"
    if command == "update":
        gaps = update()
        print(f"{CATALOG}: {gaps} string(s) without English", file=sys.stderr)
        return 0
    gaps = missing()
    for msgid in gaps:
        print(msgid)
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
