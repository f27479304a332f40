"""Commands say what they did: `roundtrip train` and `roundtrip predict` end with a table."""

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

from factories import write_jsonl

from services.evidence.shift import CHOSEN
from services.train.predict import usable_run
from shared.re_data.io import read_examples

ROUNDTRIP = str(Path(sys.executable).parent / "roundtrip")


def run(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"ROUNDTRIP_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([ROUNDTRIP, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_train_and_predict_end_with_their_figures_and_next_steps(klue_train: Path, tmp_path: Path) -> None:
    rows = read_examples(klue_train)
    # Ids a spreadsheet would run as formulas: no CSV the product writes may start a cell with them.
    hostile = [
        r.model_copy(update={"guid": f"=HYPERLINK({i})" if i % 2 else f"-{i}"}) for i, r in enumerate(rows)
    ]
    train = write_jsonl(tmp_path / "train.jsonl", hostile[:700])
    test = write_jsonl(
        tmp_path / "test.jsonl", [r.model_copy(update={"label": None}) for r in hostile[700:900]]
    )
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    trained = run("train", "--train_file", str(train), "--test_file", str(test), "--output_dir",
                  str(tmp_path / "art"), "--validation_fraction", "0.2", url=url, cwd=tmp_path)  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    run_id = trained.stdout.strip()
    shown = trained.stderr
    metrics = usable_run(run_id, url).metrics
    f1 = metrics["intervals"]["micro_f1"]
    assert f1["low"] <= f1["estimate"] <= f1["high"]
    assert (
        "validation micro-F1" in shown
        and f"{f1['estimate']:.2f}  [{f1['low']:.2f}, {f1['high']:.2f}]" in shown
    )
    auprc = metrics["intervals"]["auprc"]
    assert auprc["low"] <= auprc["estimate"] <= auprc["high"] and auprc["estimate"] == round(
        metrics["auprc"], 3
    )
    assert f"{auprc['estimate']:.2f}  [{auprc['low']:.2f}, {auprc['high']:.2f}]" in shown
    assert f"{metrics['test_estimate']['predicted_test_micro_f1']['estimate']:.2f}" in shown
    assert "predicted test micro-F1 of the submission" in shown and f"{CHOSEN} (200 test rows" in shown
    assert f"{metrics['best_no_relation_threshold']:.2f}" in shown
    assert str(tmp_path / "art" / run_id) in shown
    assert f"roundtrip predict {run_id}" in shown and "roundtrip report compare" in shown
    for step in (
        "read and split",
        "train (baseline)",
        "predict validation",
        "predict test",
        "bootstrap AUPRC",
    ):
        assert step in shown  # each long step had its progress bar

    predicted = run("predict", run_id, str(test), "--out", "submission.csv", url=url, cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    assert re.search(r"rows predicted\s+│\s+200", predicted.stderr)
    applied = metrics["test_estimate"]["test_threshold"]  # the rule the predicted score is for
    assert ("argmax" if applied is None else f"no_relation when p ≥ {applied:.2f}") in predicted.stderr
    assert "predicted no_relation" in predicted.stderr and "submission.csv" in predicted.stderr
    assert f"roundtrip report run {run_id}" in predicted.stderr
    assert len((tmp_path / "submission.csv").read_text().splitlines()) == 201
    for written in (tmp_path / "submission.csv", tmp_path / "art" / run_id / "validation_predictions.csv"):
        with written.open(encoding="utf-8", newline="") as stream:
            cells = [cell for row in csv.reader(stream) for cell in row]
        assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))], written
