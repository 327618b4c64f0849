"""Acceptance: run the report checker on the reference report and compare with a hand-check.

    python acceptance/check_reference.py [PATH] [--shared DIR]

PATH defaults to ``reference/bao-cao-dan-van-binh-phuoc-2023.txt`` in DIR, itself defaulting to
``../shared`` beside the repository (CI has ``../shared``; a user's clone does not, so this is
not a unit test). Every finding is printed; the script exits 1 if an expected error is missing
or an error lands on a figure verified to be consistent, 2 if the report cannot be read.

Hand-check of the report's arithmetic (done on the published text, not on the checker's output):

* "1.468 dịch vụ công …; trong đó có 1.076 … toàn trình, chiếm tỷ lệ 73,3%, 396 … một phần,
  chiếm tỷ lệ 26,7%": 1.076 + 396 = 1.472 ≠ 1.468, so the total (or a part) is wrong: ERROR.
  1.076 / 1.468 = 73,30% agrees with 73,3%; 396 / 1.468 = 26,98% ≈ 27,0% ≠ 26,7%: ERROR.
  (26,7% would be 392 / 1.468, and 73,3% + 26,7% = 100%: the 396 is the likely typo.)
* "nhà ở cho 629 hộ (xây dựng mới nhà ở là 431 hộ và sửa chữa nhà ở là 198 hộ)":
  431 + 198 = 629: consistent.
* "843/843 thôn, ấp, khu phố", "111/111 xã, phường, thị trấn": full coverage, no percentage
  stated: consistent.
* "444.960 kg gạo … cho 29.664 nhân khẩu": 29.664 × 15 kg = 444.960 kg (the usual 15 kg per
  person, not stated in the text): consistent.
* "50.897 phần quà … tổng trị giá trên 20 tỷ đồng", "49.617 phần quà … trên 24 tỷ đồng": no
  unit price or breakdown is given, nothing to contradict: consistent.
* "38.406 lao động, đạt 96% kế hoạch năm, tăng 4% so với cùng kỳ": the plan and the same-period
  figures are not given: nothing to check, consistent as written.
* Ranks "thứ 04/63", "43/63", "39/63", "56/63", dates, times, document numbers and the page's
  visitor counters ("Hôm nay2,975") are not figures and must not be read as claims in error.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from chiso.core.checker import check_text  # noqa: E402
from chiso.core.checker.inputs import read_document  # noqa: E402
from chiso.core.errors import ChisoError  # noqa: E402

DEFAULT = REPO.parent / "shared" / "reference" / "bao-cao-dan-van-binh-phuoc-2023.txt"

# (context that occurs once in the report, the disputed figure inside it, finding kind)
EXPECTED_ERRORS = [
    ("tỉnh có 1.468 dịch vụ công kết nối", "1.468 dịch vụ công", "part_whole"),
    ("một phần, chiếm tỷ lệ 26,7%", "26,7%", "share_percent"),
]
# Figures verified by hand to be consistent: no error finding may touch them.
CONSISTENT = [
    ("có 1.076 dịch vụ công trực tuyến toàn trình, chiếm tỷ lệ 73,3%", "73,3%"),
    ("có 1.076 dịch vụ công trực tuyến", "1.076 dịch vụ công"),
    ("396 dịch vụ công trực tuyến một phần", "396 dịch vụ công"),
    ("nhà ở cho 629 hộ", "629 hộ"),
    ("nhà ở là 431 hộ", "431 hộ"),
    ("nhà ở là 198", "198"),
    ("843/843 thôn", "843/843"),
    ("111/111 xã", "111/111"),
    ("cấp 444.960 kg gạo", "444.960 kg"),
    ("cho 29.664 nhân khẩu", "29.664 nhân khẩu"),
    ("tặng 50.897 phần quà", "50.897 phần quà"),
    ("trên 20 tỷ đồng", "20 tỷ đồng"),
    ("hỗ trợ 49.617 phần quà", "49.617 phần quà"),
    ("trên 24 tỷ đồng", "24 tỷ đồng"),
    ("cho 38.406 lao động", "38.406 lao động"),
    ("đạt 96% kế hoạch", "96%"),
    ("tăng 4% so với cùng kỳ", "4%"),
    ("ước đạt 64,5%", "64,5%"),
    ("đạt 13,8%", "13,8%"),
    ("tối thiểu 1.000 hộ", "1.000"),
    ("tổng số 1.639 cụm", "1.639 cụm"),
    ("3.807 loa", "3.807 loa"),
    ("xếp thứ 04/63", "04/63"),
    ("đứng thứ 43/63", "43/63"),
    ("đứng thứ 39/63", "39/63"),
    ("đứng thứ 56/63", "56/63"),
    ("14/11/2023 03:39", "14/11/2023 03:39"),
    ("27-KH/BDVTU-BCSĐUBND ngày 12/01/2023", "27-KH/BDVTU-BCSĐUBND ngày 12/01/2023"),
    ("Hôm nay2,975", "2,975"),
    ("Tổng lượt truy cập1,263,538", "1,263,538"),
]
# Look-alikes that must not be read as figures at all.
NOT_FIGURES = [
    ("xếp thứ 04/63", "04/63"),
    ("đứng thứ 43/63", "43/63"),
    ("ngày 12/01/2023", "12/01/2023"),
    ("14/11/2023 03:39", "03:39"),
    ("số 44/KH-UBND", "44/KH-UBND"),
    ("Thương binh liệt sĩ 27/7", "27/7"),
    ("nhiệm kỳ 2020- 2025", "2020- 2025"),
    ("Tổng lượt truy cập1,263,538", "1,263,538"),
]


def _spans(text: str, context: str, figure: str) -> list[tuple[int, int]]:
    """Every occurrence of ``figure`` inside ``context``; spaces match any run of whitespace
    (the published page uses no-break spaces)."""
    pattern = r"\s+".join(re.escape(word) for word in context.split(" "))
    offset = context.index(figure)
    head = len(re.findall(r"\s+", context[:offset]))
    spans = []
    for match in re.finditer(pattern, text):
        inner = text[match.start() : match.end()]
        # Map the figure's offset in the context onto the matched text, run by run.
        gaps = list(re.finditer(r"\s+", inner))
        extra = sum(len(g.group()) - 1 for g in gaps[:head])
        start = match.start() + offset + extra
        figure_pattern = r"\s+".join(re.escape(word) for word in figure.split(" "))
        found = re.compile(figure_pattern).match(text, start)
        if found is None:
            raise SystemExit(f"cannot place {figure!r} in {context!r}")
        spans.append(found.span())
    if not spans:
        raise SystemExit(f"context {context!r} not found in the report")
    return spans


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Check the reference report's arithmetic.")
    parser.add_argument("path", nargs="?", help=f"the report (default: {DEFAULT})")
    parser.add_argument("--shared", help="the shared/ directory beside the clone")
    args = parser.parse_args(argv[1:])
    if args.path:
        path = Path(args.path)
    elif args.shared:
        path = Path(args.shared) / "reference" / DEFAULT.name
    else:
        path = DEFAULT
    try:
        text = read_document(path)
    except ChisoError as error:
        print(error.render(), file=sys.stderr)
        return 2
    result = check_text(text)
    print(
        f"{path.name}: {len(result.claims)} claims, {len(result.errors)} errors, "
        f"{len(result.warnings)} warnings"
    )
    for finding in result.findings:
        print(
            f"  {finding.severity:<7} {finding.kind:<14} {text[finding.start : finding.end]!r} "
            f"stated {finding.stated} computed {finding.computed}: {finding.message}"
        )
    failures = []
    expected_spans = []
    for context, figure, kind in EXPECTED_ERRORS:
        found = _spans(text, context, figure)
        if len(found) != 1:
            raise SystemExit(f"context {context!r} must occur once in the report")
        span = found[0]
        expected_spans.append(span)
        if not any(
            f.severity == "error" and f.kind == kind and (f.start, f.end) == span
            for f in result.findings
        ):
            failures.append(f"expected a {kind} error on {figure!r}")
    for context, figure in CONSISTENT:
        for span in _spans(text, context, figure):
            for finding in result.errors:
                if _overlaps(span, (finding.start, finding.end)):
                    failures.append(f"error on the consistent figure {figure!r}: {finding.message}")
    for finding in result.errors:
        if (finding.start, finding.end) not in expected_spans:
            failures.append(f"unexpected error on {text[finding.start : finding.end]!r}")
    for context, figure in NOT_FIGURES:
        for span in _spans(text, context, figure):
            for claim in result.claims:
                if _overlaps(span, (claim.start, claim.end)):
                    failures.append(f"{figure!r} read as a figure: {claim.text!r}")
    if failures:
        print("FAILED:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print(
        f"OK: {len(EXPECTED_ERRORS)} expected errors found, {len(CONSISTENT)} consistent "
        f"figures without an error, {len(NOT_FIGURES)} look-alikes not read as figures"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
