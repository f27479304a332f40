"""`roundtrip report run` and `roundtrip report compare` on recorded runs (SQLite, real rows)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from factories import write_jsonl

from services.evidence.shift import CHOSEN
from services.train import runs_repository
from shared.db.session import session_scope
from shared.re_data.io import read_examples

ROUNDTRIP = str(Path(sys.executable).parent / "roundtrip")


def roundtrip(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"ROUNDTRIP_DATABASE_URL": url, "COLUMNS": "200"}  # rich wraps narrow tables
    return subprocess.run([ROUNDTRIP, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def recorded(klue_train: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Six recorded runs shared by this module's tests (each test touches different runs)."""
    tmp_path = tmp_path_factory.mktemp("runs")
    rows = read_examples(klue_train)
    train = write_jsonl(tmp_path / "train.jsonl", rows[:800])
    test = write_jsonl(
        tmp_path / "test.jsonl", [r.model_copy(update={"label": None}) for r in rows[800:1100]]
    )
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    runs: dict[str, list[str]] = {}
    for name, extra in {"baseline": [], "undersampled": ["--no_relation_keep", "0.3"]}.items():
        for seed in ("1", "2", "3"):
            done = roundtrip("train", "--train_file", str(train), "--output_dir", str(tmp_path / "art"),
                             "--validation_fraction", "0.25", "--group_by", "entity_cluster", "--name", name,
                             "--seed", seed, *extra, url=url, cwd=tmp_path)  # fmt: skip
            assert done.returncode == 0, done.stderr
            runs.setdefault(name, []).append(done.stdout.strip())
    return {"url": url, "runs": runs, "test": test, "cwd": tmp_path}


def test_report_run_estimates_the_test_prior_and_keeps_it_on_the_record(recorded) -> None:  # type: ignore[no-untyped-def]
    run_id = recorded["runs"]["baseline"][0]
    shown = roundtrip(
        "report", "run", run_id, "--test", str(recorded["test"]), url=recorded["url"], cwd=recorded["cwd"]
    )
    assert shown.returncode == 0, shown.stderr
    assert "predicted test micro-F1" in shown.stdout and "estimated test" in shown.stdout
    assert "predicted by each of 3 calibration folds" in shown.stdout  # the median's three parts
    with session_scope(recorded["url"]) as session:
        kept = runs_repository.get(session, run_id=run_id).metrics["test_estimate"]  # type: ignore[union-attr]
    assert kept["test_rows"] == 300 and kept["test_file"]["rows"] == 300
    assert kept["estimator"] == CHOSEN
    # the shift that widened its interval is kept and shown (unseen_error_widen = √(1 + shift))
    assert 0.0 <= kept["estimated_shift"] <= 1.0
    assert f"interval widened ×{(1 + kept['estimated_shift']) ** 0.5:.2f}" in shown.stdout
    assert f"{CHOSEN} (300 test rows)" in shown.stdout  # no importance weights to speak of
    assert sum(kept["prior"]["estimated_test"].values()) == pytest.approx(1.0, abs=1e-3)
    interval = kept["predicted_test_micro_f1"]
    assert interval["low"] <= interval["estimate"] <= interval["high"] and interval["estimate"] > 0
    as_json = roundtrip("report", "run", run_id, "--test", str(recorded["test"]), "--json",
                        url=recorded["url"], cwd=recorded["cwd"])  # fmt: skip
    assert (
        json.loads(as_json.stdout)["predicted_test_micro_f1"] == interval
    )  # same rows, same seed: same answer

    missing = roundtrip("report", "run", "no-such-run", "--test", str(recorded["test"]), url=recorded["url"],
                        cwd=recorded["cwd"])  # fmt: skip
    assert missing.returncode == 2 and "no training run 'no-such-run'" in missing.stderr
    assert "Traceback" not in missing.stderr

    tiny = write_jsonl(
        Path(recorded["cwd"]) / "tiny.jsonl", read_examples(recorded["test"], allow_unlabeled=True)[:20]
    )
    refused = roundtrip("report", "run", run_id, "--test", str(tiny), url=recorded["url"],
                        cwd=recorded["cwd"])  # fmt: skip
    assert refused.returncode == 2 and f"{tiny}: 20 row(s)" in refused.stderr
    assert "at least 100" in refused.stderr
    with session_scope(recorded["url"]) as session:  # the estimate kept before is still there
        after = runs_repository.get(session, run_id=run_id).metrics["test_estimate"]  # type: ignore[union-attr]
    assert after["predicted_test_micro_f1"] == interval


def test_report_compare_groups_seeds_into_arms(recorded) -> None:  # type: ignore[no-untyped-def]
    runs = recorded["runs"]
    ids = runs["baseline"] + runs["undersampled"]
    shown = roundtrip("report", "compare", *ids, "--json", url=recorded["url"], cwd=recorded["cwd"])
    assert shown.returncode == 0, shown.stderr
    result = json.loads(shown.stdout)
    arms = {arm["arm"]: arm for arm in result["arms"]}
    assert result["baseline"] == "baseline" and arms["baseline"]["micro_f1"]["n"] == 3
    assert arms["undersampled"]["seeds"] == [1, 2, 3]
    difference = arms["undersampled"]["difference_vs_baseline"]
    assert difference["estimate"] == pytest.approx(
        arms["undersampled"]["micro_f1"]["mean"] - arms["baseline"]["micro_f1"]["mean"], abs=0.01
    )
    assert arms["undersampled"]["not_distinguishable_from_noise"] == (
        difference["low"] <= 0 <= difference["high"]
    )

    assert arms["undersampled"]["needs_more_seeds"] is False  # 3 seeds per arm: a verdict
    table = roundtrip("report", "compare", *ids, url=recorded["url"], cwd=recorded["cwd"])
    assert "± " in table.stdout and arms["undersampled"]["verdict"] in table.stdout
    one_each = roundtrip("report", "compare", runs["baseline"][0], runs["undersampled"][0], "--json",
                         url=recorded["url"], cwd=recorded["cwd"])  # fmt: skip
    single = {arm["arm"]: arm for arm in json.loads(one_each.stdout)["arms"]}["undersampled"]
    assert single["needs_more_seeds"] is True and single["verdict"].startswith("needs more seeds")

    wrong = roundtrip(
        "report", "compare", *ids, "--baseline", "nope", url=recorded["url"], cwd=recorded["cwd"]
    )
    assert wrong.returncode == 2 and "no run is named 'nope'" in wrong.stderr


def test_training_can_be_weighted_to_an_estimated_test_prior(recorded, klue_train: Path) -> None:  # type: ignore[no-untyped-def]
    """A test file that is mostly no_relation: the estimate says so, and a run matched to it leans
    towards no_relation on the same validation rows."""
    from services.train.run_artifacts import read_validation_predictions

    url, cwd, runs = recorded["url"], recorded["cwd"], recorded["runs"]
    later = read_examples(klue_train)[1100:3000]
    skewed = [r for r in later if r.label == "no_relation"][:240] + [
        r for r in later if r.label != "no_relation"
    ][:60]
    test = write_jsonl(cwd / "skewed.jsonl", [r.model_copy(update={"label": None}) for r in skewed])
    source = runs["baseline"][1]
    assert roundtrip("report", "run", source, "--test", str(test), url=url, cwd=cwd).returncode == 0

    train = cwd / "train.jsonl"
    common = ["train", "--train_file", str(train), "--output_dir", str(cwd / "art"), "--validation_fraction",
              "0.25", "--group_by", "entity_cluster", "--seed", "1"]  # fmt: skip
    matched = roundtrip(*common, "--name", "matched", "--match_prior_of", source, url=url, cwd=cwd)
    assert matched.returncode == 0, matched.stderr
    with session_scope(url) as session:
        record = runs_repository.get(session, run_id=matched.stdout.strip())
        estimate = runs_repository.get(session, run_id=source).metrics["test_estimate"]  # type: ignore[union-attr]
        weights, artifacts = record.split["label_weights"], record.artifacts_dir  # type: ignore[union-attr]
        record_counts = record.split["train_label_counts"]  # type: ignore[union-attr]
        plain_artifacts = runs_repository.get(session, run_id=runs["baseline"][0]).artifacts_dir  # type: ignore[union-attr]
    assert (
        estimate["prior"]["estimated_test"]["no_relation"]
        > estimate["prior"]["training"]["no_relation"] + 0.1
    )
    assert weights["no_relation"] > 1.2
    assert sum(weights[label] * n for label, n in record_counts.items()) == pytest.approx(
        sum(record_counts.values())
    )
    leaning = np.mean(read_validation_predictions(artifacts).predicted == 0)
    plain = np.mean(read_validation_predictions(plain_artifacts).predicted == 0)
    assert leaning > plain

    unestimated = runs["undersampled"][0]
    refused = roundtrip(*common, "--match_prior_of", unestimated, url=url, cwd=cwd)
    assert refused.returncode == 2 and f"run {unestimated} has no estimated test prior" in refused.stderr
