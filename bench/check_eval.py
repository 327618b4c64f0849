"""Evaluate the report checker on the hand-labelled set in ``bench/check_eval/``.

Prints extraction recall, error precision, error recall and throughput against their targets,
plus the warnings and masking figures, and exits 1 when a target is missed. ``-v`` lists every
miss. The labels (``labels.json``) were written by hand from the documents' arithmetic, not from
the checker's output; see the "about" note in that file for the conventions.

    PYTHONPATH=src python bench/check_eval.py [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from chiso.core.checker import check_text

HERE = Path(__file__).resolve().parent / "check_eval"
TARGETS = {
    "extraction recall": 0.95,
    "error precision": 0.95,
    "error recall": 0.90,
    "throughput (KB/s)": 200.0,
}
KIND_FAMILY = {
    "count": "count",
    "money": "money",
    "measure": "measure",
    "rate": "rate",
    "ratio": "ratio",
    "percent": "percent",
    "percent_share": "percent",
    "percent_rate": "percent",
    "percent_plan": "percent",
    "percent_change": "percent",
    "percent_vs_prior": "percent",
}


def locate(text: str, label: str) -> tuple[int, int]:
    """The span of ``label`` ("figure#2" for the second occurrence) at token boundaries."""
    target, _, nth = label.partition("#")
    wanted = int(nth or 1)
    pattern = re.compile(rf"(?<![\w.,/]){re.escape(target)}(?![\w])")
    for count, match in enumerate(pattern.finditer(text), start=1):
        if count == wanted:
            return match.span()
    raise SystemExit(f"label {label!r} not found in the text")


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_document(document: dict, misses: list[str]) -> dict[str, int]:
    """Counts for one labelled document; misses are appended to ``misses``."""
    name = document["file"]
    text = (HERE / name).read_text(encoding="utf-8")
    result = check_text(text)
    counts = dict.fromkeys(
        (
            "claims",
            "found",
            "errors",
            "errors_found",
            "warnings",
            "warnings_found",
            "error_findings",
            "true_errors",
            "noise",
            "unlabeled",
            "lookalikes",
            "lookalike_hits",
        ),
        0,
    )
    claim_spans = {(c.start, c.end): KIND_FAMILY[c.kind] for c in result.claims}
    labelled = []
    for entry in document["claims"]:
        figure, kind, verdict = entry[0], entry[1], entry[2]
        span = locate(text, figure)
        labelled.append((span, verdict, figure))
        counts["claims"] += 1
        if claim_spans.get(span) == kind:
            counts["found"] += 1
        else:
            got = [
                f"{text[s:e]!r}/{k}" for (s, e), k in claim_spans.items() if overlaps((s, e), span)
            ]
            misses.append(f"{name}: claim {figure!r} ({kind}) not extracted; got {got}")
        if verdict == "error":
            counts["errors"] += 1
            if any(
                f.severity == "error" and overlaps((f.start, f.end), span) for f in result.findings
            ):
                counts["errors_found"] += 1
            else:
                misses.append(f"{name}: error at {figure!r} not found")
        elif verdict == "warning":
            counts["warnings"] += 1
            if any(overlaps((f.start, f.end), span) for f in result.findings):
                counts["warnings_found"] += 1
            else:
                misses.append(f"{name}: warning at {figure!r} not found")
    for finding in result.findings:
        span = (finding.start, finding.end)
        shown = text[span[0] : span[1]]
        hits = [v for s, v, _fig in labelled if overlaps(s, span)]
        if finding.severity == "error":
            counts["error_findings"] += 1
            if "error" in hits:
                counts["true_errors"] += 1
            else:
                misses.append(f"{name}: false error at {shown!r}: {finding.message}")
        if not hits:
            counts["unlabeled"] += 1
            misses.append(f"{name}: {finding.severity} on unlabelled {shown!r}: {finding.message}")
        elif all(v == "ok" for v in hits):
            counts["noise"] += 1
            if finding.severity == "warning":
                misses.append(
                    f"{name}: warning on a consistent figure {shown!r}: {finding.message}"
                )
    for figure, rule in document.get("lookalikes", []):
        counts["lookalikes"] += 1
        span = locate(text, figure)
        if any(overlaps(span, s) for s in claim_spans):
            counts["lookalike_hits"] += 1
            misses.append(f"{name}: look-alike {figure!r} ({rule}) read as a figure")
    return counts


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def throughput(texts: list[str]) -> tuple[float, int, float]:
    corpus = "\n\n".join(texts)
    size = len(corpus.encode("utf-8"))
    big = "\n\n".join([corpus] * (1_048_576 // size + 1))
    big_size = len(big.encode("utf-8"))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        check_text(big)
        best = min(best, time.perf_counter() - start)
    return big_size / 1024 / best, big_size, best


def evaluate(verbose: bool) -> bool:
    """Print the figures; True when every target is met."""
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    misses: list[str] = []
    total: dict[str, int] = {}
    heldout: dict[str, int] = {}
    texts = []
    for document in labels["documents"]:
        texts.append((HERE / document["file"]).read_text(encoding="utf-8"))
        counts = score_document(document, misses)
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
            if document.get("heldout"):
                heldout[key] = heldout.get(key, 0) + value
    speed, big_size, best = throughput(texts)
    figures = {
        "extraction recall": ratio(total["found"], total["claims"]),
        "error precision": ratio(total["true_errors"], total["error_findings"]),
        "error recall": ratio(total["errors_found"], total["errors"]),
        "throughput (KB/s)": speed,
    }
    print(
        f"documents: {len(labels['documents'])}, labelled claims: {total['claims']}, "
        f"wrong: {total['errors']} errors + {total['warnings']} warnings, "
        f"look-alikes: {total['lookalikes']}"
    )
    met = True
    for name, value in figures.items():
        target = TARGETS[name]
        ok = value >= target
        met &= ok
        if name.startswith("throughput"):
            shown, goal = f"{value:,.0f}", f"{target:,.0f}"
        else:
            shown, goal = f"{value:.1%}", f"{target:.0%}"
        print(f"{name:<20} {shown:>8}  (target >= {goal})  {'ok' if ok else 'MISSED'}")
    print(
        f"  extracted {total['found']}/{total['claims']} claims; errors found "
        f"{total['errors_found']}/{total['errors']}; error findings {total['error_findings']}, "
        f"of them on wrong figures {total['true_errors']}"
    )
    print(
        f"  warnings found {total['warnings_found']}/{total['warnings']}; findings on "
        f"consistent figures {total['noise']}; on unlabelled figures {total['unlabeled']}"
    )
    print(f"  look-alikes read as figures: {total['lookalike_hits']}/{total['lookalikes']}")
    print(
        f"  throughput measured on {big_size / 1024 / 1024:.2f} MB (the set repeated), "
        f"best of 3: {best:.2f} s"
    )
    if heldout:
        print(
            f"held-out documents only (written after the checker was frozen): extraction "
            f"recall {ratio(heldout['found'], heldout['claims']):.1%} "
            f"({heldout['found']}/{heldout['claims']}), error precision "
            f"{ratio(heldout['true_errors'], heldout['error_findings']):.1%} "
            f"({heldout['true_errors']}/{heldout['error_findings']}), error recall "
            f"{ratio(heldout['errors_found'], heldout['errors']):.1%} "
            f"({heldout['errors_found']}/{heldout['errors']})"
        )
    if verbose and misses:
        print("\n".join(["", "misses:", *misses]))
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    return 0 if evaluate(args.verbose) else 1


if __name__ == "__main__":
    sys.exit(main())
