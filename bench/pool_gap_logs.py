"""Pool bench/gap.py logs: per shift family, over every pseudo-test in the logs given, the mean |gap|
of the predicted score, its signed mean, how many 95% intervals covered, and the rms of
error / (half-width / 1.96). Pool only sets run under one estimator and interval.

    python bench/gap.py --set fresh-11 > fresh-11.log; python bench/gap.py --set fresh-12 > fresh-12.log
    python bench/pool_gap_logs.py fresh-11.log fresh-12.log
"""

import math
import re
import sys
from pathlib import Path

PSEUDO_TEST = re.compile(r"^\((\w)\) .*seed (\d+):")
PREDICTED = re.compile(r"predicted\s+([\d.]+) \[([\d.]+), ([\d.]+)\] → submitted\s+([\d.]+)")


def pseudo_tests(path: Path) -> dict[str, list[tuple[float, float, float, float]]]:
    """family letter → (predicted, low, high, submitted's pseudo-test score) of the chosen estimator
    (the first `predicted` line after each pseudo-test's header)."""
    found: dict[str, list[tuple[float, float, float, float]]] = {}
    family = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if header := PSEUDO_TEST.match(line):
            family = header.group(1)
        elif family and (scores := PREDICTED.search(line)):
            predicted, low, high, submitted = map(float, scores.groups())
            found.setdefault(family, []).append((predicted, low, high, submitted))
            family = None
    return found


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python bench/pool_gap_logs.py GAP_LOG [GAP_LOG ...]")
    logs = [pseudo_tests(Path(name)) for name in sys.argv[1:]]
    for family in "abcd":
        rows = [row for log in logs for row in log.get(family, [])]
        if not rows:
            continue
        errors = [predicted - submitted for predicted, _, _, submitted in rows]
        covered = sum(low <= submitted <= high for _, low, high, submitted in rows)
        z = [(p - s) / ((high - low) / 2 / 1.96) for p, low, high, s in rows]
        print(
            f"({family}) {len(rows)} pseudo-tests  mean |gap| {sum(map(abs, errors)) / len(rows):.2f}  "
            f"signed {sum(errors) / len(rows):+.2f}  coverage {covered}/{len(rows)}  "
            f"rms z {math.sqrt(sum(x * x for x in z) / len(z)):.2f}"
        )


if __name__ == "__main__":
    main()
