from services.evidence import charts


def test_metric_curve_counts_evaluations_in_whole_numbers() -> None:
    # The baseline has a single evaluation: its axis must read "1", not 0.96 … 1.04.
    single = charts.metric_curves([{"micro_f1": 59.6, "auprc": 29.9}]).axes[0]
    assert [tick for tick in single.get_xticks() if 0.5 <= tick <= 1.5] == [1.0]

    epochs = [{"eval_micro_f1": 40.0 + i, "eval_auprc": 20.0 + i} for i in range(3)]
    axes = charts.metric_curves([*epochs, {"loss": 0.3}]).axes[0]  # training-loss entries are skipped
    assert [list(line.get_xdata()) for line in axes.get_lines()] == [[1, 2, 3], [1, 2, 3]]
    assert all(float(tick).is_integer() for tick in axes.get_xticks())
    assert axes.get_xlim() == (0.5, 3.5)
