"""Pool bench/gap.py logs: per shift family, over every pseudo-test in the logs given, the mean |gap|
of the predicted score, its signed mean, how many 95% intervals covered, and the rms of
error / (half-width / 1.96), of one estimator's lines (`--estimator`, the product's by default; a
log of `bench/gap.py --compare ...` has a line per estimator). Pool only sets run under one
estimator and interval.

    python bench/gap.py --set fresh-11 > fresh-11.log; python bench/gap.py --set fresh-12 > fresh-12.log
    python bench/pool_gap_logs.py fresh-11.log fresh-12.log [--estimator matched] [--widen 1.2]

--widen reads each interval as that many times wider about its estimate (stopping at 0 and 100):
what a wider interval would have covered on logs run before it (used seeds).
"""

import argparse
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gap import CHOSEN, z_score
from scipy.stats import binomtest

PSEUDO_TEST = re.compile(r"^\((\w)\) .*seed (\d+):")
PREDICTED = r"^\s+{}\s+predicted\s+([\d.]+) \[([\d.]+), ([\d.]+)\] → submitted\s+([\d.]+)"


Row = tuple[float, float, float, float]  # predicted, low, high, submitted's pseudo-test score


def seeded_pseudo_tests(path: Path, estimator: str = CHOSEN) -> list[tuple[str, int, Row]]:
    """(family letter, seed, row) from `estimator`'s line after each pseudo-test's header."""
    predicted_line = re.compile(PREDICTED.format(re.escape(estimator)))
    found: list[tuple[str, int, Row]] = []
    header = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if matched := PSEUDO_TEST.match(line):
            header = matched
        elif header and (scores := predicted_line.search(line)):
            predicted, low, high, submitted = map(float, scores.groups())
            found.append((header.group(1), int(header.group(2)), (predicted, low, high, submitted)))
            header = None
    return found


def pseudo_tests(path: Path, estimator: str = CHOSEN) -> dict[str, list[Row]]:
    """family letter → its pseudo-tests' rows, in the log's order."""
    found: dict[str, list[Row]] = {}
    for family, _, row in seeded_pseudo_tests(path, estimator):
        found.setdefault(family, []).append(row)
    return found


def widened(row: Row, widen: float) -> Row:
    predicted, low, high, submitted = row
    return (
        predicted,
        max(predicted - widen * (predicted - low), 0.0),
        min(predicted + widen * (high - predicted), 100.0),
        submitted,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("logs", nargs="+", type=Path, help="bench/gap.py's output, one file per run")
    parser.add_argument("--estimator", default=CHOSEN)
    parser.add_argument("--widen", type=float, default=1.0, help="scale each interval about its estimate")
    args = parser.parse_args()
    logs = [
        {
            family: [widened(row, args.widen) for row in rows]
            for family, rows in pseudo_tests(path, args.estimator).items()
        }
        for path in args.logs
    ]
    for family in "abcd":
        rows = [row for log in logs for row in log.get(family, [])]
        if rows:
            print(summary(family, rows))


def coverage_range(covered: int, total: int) -> str:
    """The coverages these counts allow (exact 95% binomial interval): 24 of 24 is also what a
    95% interval draws about three times in ten (0.95²⁴ = 0.29), so a count is read against 0.95
    through this range."""
    allowed = binomtest(covered, total).proportion_ci(method="exact")
    return f"{allowed.low:.2f}-{allowed.high:.2f} allowed"


def summary(family: str, rows: list[Row]) -> str:
    errors = [predicted - submitted for predicted, _, _, submitted in rows]
    covered = sum(low <= submitted <= high for _, low, high, submitted in rows)
    z = [z_score(predicted - submitted, high - low) for predicted, low, high, submitted in rows]
    return (
        f"({family}) {len(rows)} pseudo-tests  mean |gap| {sum(map(abs, errors)) / len(rows):.2f}  "
        f"signed {sum(errors) / len(rows):+.2f}  coverage {covered}/{len(rows)} "
        f"({coverage_range(covered, len(rows))})  "
        f"rms z {math.sqrt(sum(x * x for x in z) / len(z)):.2f}"
    )


if __name__ == "__main__":
    main()
