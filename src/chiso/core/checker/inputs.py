"""Read a report into plain text for the checker: ``.txt``, ``.html`` or ``.docx``.

HTML is reduced to its main text with the standard library's parser: scripts, styles, forms,
navigation, menus, sidebars, footers, counters, rating and sharing widgets are dropped, block
elements become line breaks, and when the page has an ``<article>`` or ``<main>`` only that is
kept. ``.docx`` files are read with python-docx (imported only when needed): paragraphs and table
rows in document order. Anything unreadable raises ``ChisoError("check.unreadable")``.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import chiso.core.checker.messages  # noqa: F401  (registers check.unreadable)
from chiso.core.errors import ChisoError

__all__ = ["SUFFIXES", "html_to_text", "read_document"]

SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".docx")


def read_document(path: str | Path) -> str:
    """The text of the report at ``path`` (NFC)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ChisoError(
            "check.unreadable",
            path=str(path),
            reason=f"định dạng '{suffix or path.name}' không được hỗ trợ (dùng .txt, .html, .docx)",
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ChisoError(
            "check.unreadable", path=str(path), reason=error.strerror or str(error)
        ) from None
    if suffix == ".docx":
        text = _docx_text(path)
    else:
        text = _decode(data, path)
        if suffix in (".html", ".htm", ".xhtml"):
            text = html_to_text(text)
    return unicodedata.normalize("NFC", text)


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ChisoError(
            "check.unreadable",
            path=str(path),
            reason="tệp không phải văn bản UTF-8 (hãy lưu lại với mã hóa UTF-8, Unicode dựng sẵn)",
        ) from None


def _docx_text(path: Path) -> str:
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise ChisoError(
            "check.unreadable", path=str(path), reason="thiếu thư viện python-docx"
        ) from None
    try:
        document = docx.Document(str(path))
    except Exception:  # python-docx raises several kinds for a damaged file
        raise ChisoError(
            "check.unreadable", path=str(path), reason="tệp .docx bị hỏng hoặc không đúng định dạng"
        ) from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or cells[-1] != value:  # merged cells repeat
                        cells.append(value)
                lines.append("\t".join(cells))
    return "\n".join(lines)


# --- HTML ----------------------------------------------------------------------------------

_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "nav",
        "form",
        "button",
        "select",
        "iframe",
        "object",
        "embed",
        "canvas",
        "aside",
        "footer",
        "header",
        "menu",
        "head",
        "textarea",
        "label",
        "dialog",
    }
)
_VOID_TAGS = frozenset(
    {
        "br",
        "img",
        "hr",
        "input",
        "meta",
        "link",
        "area",
        "base",
        "col",
        "embed",
        "source",
        "track",
        "wbr",
        "param",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "table",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "dl",
        "figure",
        "figcaption",
        "address",
        "tbody",
        "thead",
        "caption",
    }
)
_CELL_TAGS = frozenset({"td", "th"})
_BOILERPLATE = re.compile(
    r"menu|(?<![a-z])nav|breadcrumb|sidebar|side-bar|footer|header|banner|advert|(?<![a-z])ads?"
    r"(?![a-z])|counter|thong-?ke|thongke|statistic|visitor|truy-?cap|rating|rate-|vote|"
    r"(?<![a-z])star|share|social|comment|binh-?luan|related|lien-?quan|tags?(?![a-z])|login|"
    r"search|popup|modal|cookie|widget|weather|clock|hotline|marquee|slider|logo",
    re.I,
)
_KEPT_IN_MAIN = frozenset({"header", "footer"})  # an article's own header holds its title


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipping, main)
        self.skip_depth = 0
        self.main_depth = 0
        self.all_parts: list[str] = []
        self.main_parts: list[str] = []

    def _attrs_boilerplate(self, attrs) -> bool:
        values = " ".join(v for k, v in attrs if k in ("class", "id", "role") and v)
        return bool(values) and bool(_BOILERPLATE.search(values))

    def _is_main(self, tag, attrs) -> bool:
        if tag in ("article", "main"):
            return True
        role = dict(attrs).get("role") or ""
        return role == "main"

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _VOID_TAGS:
            if tag == "br":
                self._emit("\n")
            return
        skipping = (tag in _SKIP_TAGS and not (tag in _KEPT_IN_MAIN and self.main_depth)) or (
            self._attrs_boilerplate(attrs)
        )
        main = self._is_main(tag, attrs)
        self.stack.append((tag, skipping, main))
        if skipping:
            self.skip_depth += 1
        if main:
            self.main_depth += 1
        if tag in _BLOCK_TAGS:
            self._emit("\n")
        elif tag in _CELL_TAGS:
            self._emit("\t")

    def handle_startendtag(self, tag, attrs) -> None:
        if tag == "br":
            self._emit("\n")

    def handle_endtag(self, tag) -> None:
        if tag in _VOID_TAGS:
            return
        # Close up to the matching open tag (tolerates unclosed <p>, <li>).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                for _tag, skipping, main in self.stack[index:]:
                    if skipping:
                        self.skip_depth -= 1
                    if main:
                        self.main_depth -= 1
                del self.stack[index:]
                break
        else:
            return
        if tag in _BLOCK_TAGS:
            self._emit("\n")

    def handle_data(self, data) -> None:
        self._emit(data, text=True)

    def _emit(self, data: str, text: bool = False) -> None:
        if self.skip_depth:
            return
        if text:
            data = re.sub(r"[ \t\r\n\f\v]+", " ", data)
        self.all_parts.append(data)
        if self.main_depth:
            self.main_parts.append(data)


def _tidy_lines(parts: list[str]) -> str:
    lines = []
    for line in "".join(parts).split("\n"):
        cleaned = " ".join(line.split(" ")).strip(" \t")
        cleaned = re.sub(r"[ ]{2,}", " ", cleaned)
        if cleaned.strip():
            lines.append(cleaned.strip())
    return "\n".join(lines)


def html_to_text(html: str) -> str:
    """The main text of an HTML page, one block per line."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    main = _tidy_lines(parser.main_parts)
    if len(main) >= 200:
        return main
    return _tidy_lines(parser.all_parts)
