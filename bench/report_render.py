"""Report generation time: the province-year report with its annex, on the Bình Phước demo.

On a database holding the demo (``chiso demo``; created under ``--home`` when missing),
``--runs`` times each:

- build: ``report_build`` for unit 70, year 2023: the template, every figure's aggregate
  queried from the database (``analytics_table``), tables by district, traces and the
  self-check of the text;
- render: the DOCX and the annex XLSX of that report;
- total: build + render, what ``chiso report --annex-xlsx`` or a download costs (target 3 s);
- baseline: rendering the same, already built document again (DOCX + XLSX, no data queries,
  no template).

Prints p50/p95 and the ratio total/baseline; ``--pdf`` also times one LibreOffice conversion.
Never asserts a timing.

    .venv/bin/python bench/report_render.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_setup, log, ms, percentiles

DEFAULT_HOME = Path("/tmp/chiso-bench-report")
DEFAULT_RUNS = 10
TARGET_SECONDS = 3.0


def prepare(home: Path) -> None:
    django_setup(home)
    from chiso.datavalues.models import DataValue

    if not DataValue.objects.exists():
        from chiso.cli.demo import demo_load

        log(f"loading the demo into {home} …")
        demo_load()


def run(runs: int, unit: str, period: str, pdf: bool) -> None:
    from datetime import date

    from chiso.accounts.models import User
    from chiso.reports.docx_render import render_annex_xlsx, render_docx, render_pdf
    from chiso.reports.services import report_build

    user = User.objects.filter(is_superuser=True).order_by("pk").first()

    def build():
        return report_build(
            user=user, unit_code=unit, period_id=period, number="123", date=date(2023, 11, 14)
        )

    def render(built):
        render_docx(built.document)
        render_annex_xlsx(built.document.annex.tables)

    built = build()  # warm-up (also loads the shipped templates)
    render(built)
    samples: dict[str, list[float]] = {"build": [], "render": [], "total": [], "baseline": []}
    for _ in range(runs):
        started = time.perf_counter()
        built = build()
        middle = time.perf_counter()
        render(built)
        done = time.perf_counter()
        samples["build"].append(middle - started)
        samples["render"].append(done - middle)
        samples["total"].append(done - started)
        started = time.perf_counter()
        render(built)
        samples["baseline"].append(time.perf_counter() - started)
    figures = {key: percentiles(values) for key, values in samples.items()}
    annex = built.document.annex
    rows = sum(len(t.rows) for t in annex.tables)
    print(
        f"report {unit} {period}: template {built.template.key} v{built.template.version}, "
        f"{len(built.document.body)} body blocks, {len(built.traces)} traced figures, "
        f"annex {len(annex.tables)} tables / {rows} rows, {built.queries} analytics calls, "
        f"self-check {len(built.check.errors)} errors; {runs} runs"
    )
    for key, label in (
        ("build", "build (data + template + check)"),
        ("render", "render DOCX + XLSX"),
        ("total", "total"),
        ("baseline", "baseline: render the built document again"),
    ):
        p50, p95 = figures[key]
        print(f"  {label}: p50 {ms(p50)} p95 {ms(p95)}")
    total50, total95 = figures["total"]
    print(
        f"  total/baseline = {total50 / figures['baseline'][0]:.1f}x (p50); "
        f"target {TARGET_SECONDS:.0f} s: {'met' if total95 <= TARGET_SECONDS else 'NOT met'} "
        f"(p95 {total95:.2f} s)"
    )
    if pdf:
        with tempfile.TemporaryDirectory(prefix="chiso-bench-pdf-") as folder:
            source = Path(folder) / "bao-cao.docx"
            source.write_bytes(render_docx(built.document))
            started = time.perf_counter()
            render_pdf(source, folder)
            print(f"  PDF through LibreOffice (once): {ms(time.perf_counter() - started)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--unit", default="70")
    parser.add_argument("--period", default="2023")
    parser.add_argument("--pdf", action="store_true", help="also time one PDF conversion")
    args = parser.parse_args(argv)
    prepare(args.home)
    run(args.runs, args.unit, args.period, args.pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
