"""bench/pool_gap_logs.py pools gap.py logs per family: the chosen estimator's line of each pseudo-test."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "pool_gap_logs.py"
spec = importlib.util.spec_from_file_location("pool_gap_logs", SCRIPT)
assert spec is not None and spec.loader is not None
pool_gap_logs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pool_gap_logs)


def log_of(*pseudo_tests: tuple[str, int, float, float, float, float]) -> str:
    """As `bench/gap.py --compare debiased` prints: the compared estimator's line before matched's."""
    lines = []
    for family, seed, predicted, low, high, submitted in pseudo_tests:
        lines += [
            f"({family}) some shift     seed {seed}: test 100 rows, no_relation 0.60",
            f"    debiased         predicted  99.00 [98.00, 100.00] → submitted {submitted:6.2f} (t=0.3)",
            f"    matched          predicted {predicted:6.2f} [{low:.2f}, {high:.2f}]"
            f" → submitted {submitted:6.2f} (t=0.3)",
        ]
    return "\n".join(lines) + "\n"


def test_pools_the_products_estimator_of_each_pseudo_test_over_logs(tmp_path, capsys, monkeypatch):
    first, second = tmp_path / "one.log", tmp_path / "two.log"
    first.write_text(
        log_of(("a", 1, 50.0, 48.0, 52.0, 51.0), ("d", 1, 40.0, 38.0, 42.0, 45.0)), encoding="utf-8"
    )
    second.write_text(log_of(("a", 2, 60.0, 58.0, 62.0, 57.0)), encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["pool", str(first), str(second)])

    pool_gap_logs.main()

    lines = capsys.readouterr().out.splitlines()
    # (a): errors -1 and +3 (the debiased line is not read), the first covered, the second not
    assert lines[0].startswith("(a) 2 pseudo-tests  mean |gap| 2.00  signed +1.00  coverage 1/2")
    assert lines[1].startswith("(d) 1 pseudo-tests  mean |gap| 5.00  signed -5.00  coverage 0/1")
    # how far each count is from telling a 95% interval apart: 1 of 2 allows 0.01-0.99
    assert "coverage 1/2 (0.01-0.99 allowed)" in lines[0]
    assert len(lines) == 2


def test_another_estimator_is_read_when_named(tmp_path, capsys, monkeypatch):
    log = tmp_path / "one.log"
    log.write_text(log_of(("b", 1, 50.0, 48.0, 52.0, 51.0)), encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["pool", str(log), "--estimator", "debiased"])

    pool_gap_logs.main()

    assert capsys.readouterr().out.startswith(
        "(b) 1 pseudo-tests  mean |gap| 48.00  signed +48.00  coverage 0/1"
    )


def test_without_logs_says_how_to_call_it(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["pool"])
    with pytest.raises(SystemExit):
        pool_gap_logs.main()
    assert "usage" in capsys.readouterr().err


def test_a_log_under_the_old_constant_reads_as_the_shift_grown_widening_would_draw_it() -> None:
    spec = importlib.util.spec_from_file_location("rewiden_gap_logs", SCRIPT.parent / "rewiden_gap_logs.py")
    assert spec is not None and spec.loader is not None
    rewiden = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rewiden)
    row = (50.0, 47.6, 52.4, 49.0)  # logged at 1.2: half-width 2.4, so 2.0 unwidened
    assert rewiden.rewidened(row, 0.0) == pytest.approx((50.0, 48.0, 52.0, 49.0))  # no shift: the refits'
    assert rewiden.rewidened(row, 0.44) == pytest.approx(row)  # √1.44 is the old constant
    assert rewiden.rewidened(row, 1.0)[2] == pytest.approx(50.0 + 2.0 * 2**0.5)
    assert rewiden.rewidened((99.0, 98.0, 100.0, 99.5), 1.0)[2] == 100.0  # still stops at 100


def test_a_coverage_count_is_read_with_the_range_it_allows() -> None:
    # every one of 24 covered is still what a 95% interval draws about three times in ten
    assert pool_gap_logs.coverage_range(24, 24) == "0.86-1.00 allowed"
    assert pool_gap_logs.coverage_range(47, 48) == "0.89-1.00 allowed"
    assert pool_gap_logs.coverage_range(0, 8) == "0.00-0.37 allowed"


def test_a_rescaled_log_pools_with_logs_run_at_the_new_widening(tmp_path) -> None:
    spec = importlib.util.spec_from_file_location("rewiden_gap_logs", SCRIPT.parent / "rewiden_gap_logs.py")
    assert spec is not None and spec.loader is not None
    rewiden = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rewiden)
    rescaled = rewiden.rewidened((50.0, 47.6, 52.4, 49.0), 0.0)
    log = tmp_path / "rescaled.log"
    log.write_text(rewiden.as_logged("c", 5101, rescaled, 0.0), encoding="utf-8")

    assert pool_gap_logs.seeded_pseudo_tests(log) == [("c", 5101, pytest.approx((50.0, 48.0, 52.0, 49.0)))]
    assert "shift 0.00 (×1.00)" in log.read_text(encoding="utf-8")
