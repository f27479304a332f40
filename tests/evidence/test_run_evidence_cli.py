"""`roundtrip report run` and `roundtrip report compare` on recorded runs (SQLite, real rows)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from factories import write_jsonl

from services.train import runs_repository
from shared.db.session import session_scope
from shared.re_data.io import read_examples

ROUNDTRIP = str(Path(sys.executable).parent / "roundtrip")


def roundtrip(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"ROUNDTRIP_DATABASE_URL": url, "COLUMNS": "200"}  # rich wraps narrow tables
    return subprocess.run([ROUNDTRIP, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture
def recorded(klue_train: Path, tmp_path: Path) -> dict[str, object]:
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
    with session_scope(recorded["url"]) as session:
        kept = runs_repository.get(session, run_id).metrics["test_estimate"]  # type: ignore[union-attr]
    assert kept["test_rows"] == 300 and kept["test_file"]["rows"] == 300
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

    table = roundtrip("report", "compare", *ids, url=recorded["url"], cwd=recorded["cwd"])
    assert "± " in table.stdout and (
        "not distinguishable from noise" in table.stdout or "real difference" in table.stdout
    )

    wrong = roundtrip(
        "report", "compare", *ids, "--baseline", "nope", url=recorded["url"], cwd=recorded["cwd"]
    )
    assert wrong.returncode == 2 and "no run is named 'nope'" in wrong.stderr
