"""Recorded, reproducible runs through `roundtrip train` and `roundtrip predict`, on real rows."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from factories import write_jsonl
from sqlalchemy import select

from services.evidence.shift import THRESHOLDS
from shared.db.models import TrainingRun
from shared.db.session import session_scope
from shared.re_data.io import read_examples
from shared.re_data.schema import Provenance, TranslationLegInfo

ROUNDTRIP = str(Path(sys.executable).parent / "roundtrip")
LEG = TranslationLegInfo(source_lang="ko", target_lang="en", model="m", revision="r")


def roundtrip(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"ROUNDTRIP_DATABASE_URL": database_url}
    return subprocess.run([ROUNDTRIP, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture
def real_rows(klue_train: Path, tmp_path: Path) -> Path:
    rows = read_examples(klue_train)[:600]
    return write_jsonl(tmp_path / "train.jsonl", rows)


def augmented_copies(train: Path, out: Path) -> Path:
    """Stand-in back translations: each row with a changed ending, provenance pointing at its source."""
    rows = []
    for row in read_examples(train):
        provenance = Provenance(
            source_id=row.guid, pivot="en", legs=(LEG, LEG), decoding={}, strategy="locate"
        )
        rows.append(row.model_copy(update={"guid": f"{row.guid}:bt-en-0", "sentence": row.sentence + " 한편",
                                           "provenance": provenance}))  # fmt: skip
    with out.open("w", encoding="utf-8") as stream:
        for row in rows:
            stream.write(row.model_dump_json(exclude_none=True) + "\n")
    return out


def test_baseline_runs_are_recorded_and_reproducible(real_rows: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    augmented = augmented_copies(real_rows, tmp_path / "aug.jsonl")
    args = ["train", "--train_file", str(real_rows), "--augmented_files", str(augmented), "--output_dir",
            str(tmp_path / "art"), "--validation_fraction", "0.2", "--name", "+en"]  # fmt: skip
    first = roundtrip(*args, database_url=url, cwd=tmp_path)
    second = roundtrip(*args, database_url=url, cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    ids = [first.stdout.strip(), second.stdout.strip()]
    with session_scope(url) as session:
        runs = {run.id: run for run in session.scalars(select(TrainingRun))}
    a, b = runs[ids[0]], runs[ids[1]]
    assert a.status == b.status == "succeeded"
    assert a.split == b.split and a.split["augmented_used"] == a.split["train"] - a.split["augmented_used"]
    assert a.split["validation"] + a.split["train"] - a.split["augmented_used"] == 600
    assert a.metrics["micro_f1"] == b.metrics["micro_f1"] and a.metrics["auprc"] == b.metrics["auprc"]
    assert a.inputs["train_file"]["fingerprint"] == b.inputs["train_file"]["fingerprint"]
    assert a.inputs["augmented_files"][0]["rows"] == 600
    assert a.environment["scikit-learn"] and a.timings["total_s"] > 0
    assert 0.05 <= a.metrics["best_no_relation_threshold"] <= 0.95
    assert len(a.metrics["per_label"]) == 30
    run_dir = Path(a.artifacts_dir or "")
    for artifact in (
        "metrics.json",
        "validation_predictions.csv",
        "confusion_matrix.png",
        "per_label_f1.png",
    ):
        assert (run_dir / artifact).stat().st_size > 0
    predictions = list(csv.DictReader((run_dir / "validation_predictions.csv").open()))
    assert len(predictions) == a.split["validation"]
    assert not any(":bt-" in row["id"] for row in predictions)  # validation holds originals only


def test_predict_writes_the_competition_submission(real_rows: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    trained = roundtrip("train", "--train_file", str(real_rows), "--output_dir", str(tmp_path / "art"),
                        database_url=url, cwd=tmp_path)  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    test_csv = tmp_path / "test.csv"
    with test_csv.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "sentence", "subject_entity", "object_entity", "label", "source"])
        for index, row in enumerate(read_examples(real_rows)[:25]):
            writer.writerow([index, row.sentence, str(row.subject_entity.model_dump()),
                             str(row.object_entity.model_dump()), 100, "wikitree"])  # fmt: skip
    done = roundtrip("predict", trained.stdout.strip(), str(test_csv), "--out", "submission.csv",
                     database_url=url, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    submission = list(csv.DictReader((tmp_path / "submission.csv").open()))
    assert [row["id"] for row in submission] == [str(i) for i in range(25)]
    for row in submission:
        probs = json.loads(row["probs"])
        assert len(probs) == 30 and abs(sum(probs) - 1) < 1e-6
    missing = roundtrip("predict", "no-such-run", str(test_csv), database_url=url, cwd=tmp_path)
    assert missing.returncode == 2 and "no training run 'no-such-run'" in missing.stderr


def test_leaking_inputs_are_refused(real_rows: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    other = write_jsonl(tmp_path / "other.jsonl", read_examples(real_rows)[300:])
    first_half = write_jsonl(tmp_path / "first.jsonl", read_examples(real_rows)[:300])
    stray = augmented_copies(other, tmp_path / "stray.jsonl")
    done = roundtrip("train", "--train_file", str(first_half), "--augmented_files", str(stray),
                     "--output_dir", str(tmp_path / "art"), database_url=url, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert "does not come from a row of this dataset" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_test_file_is_refused_before_anything_is_trained(real_rows: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    lines = real_rows.read_text(encoding="utf-8").splitlines()[:5]
    broken = tmp_path / "test.jsonl"
    broken.write_text("\n".join([*lines, '{"guid": "x", "sentence": "abc"']) + "\n", encoding="utf-8")
    done = roundtrip("train", "--train_file", str(real_rows), "--test_file", str(broken),
                     "--output_dir", str(tmp_path / "art"), database_url=url, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert f"{broken}:6: invalid JSON" in done.stderr and "Traceback" not in done.stderr
    assert "predict validation" not in done.stderr  # refused before training, not after
    with session_scope(url) as session:
        assert session.scalars(select(TrainingRun)).first() is None  # and nothing recorded

    tiny = write_jsonl(tmp_path / "tiny.jsonl", read_examples(real_rows)[:3])
    small = roundtrip("train", "--train_file", str(real_rows), "--test_file", str(tiny),
                      "--output_dir", str(tmp_path / "art"), database_url=url, cwd=tmp_path)  # fmt: skip
    assert small.returncode == 2 and "needs at least 100" in small.stderr  # EM on 3 rows is noise
    assert "predict validation" not in small.stderr


def validation_ids(run_dir: Path) -> set[str]:
    return {row["id"] for row in csv.DictReader((run_dir / "validation_predictions.csv").open())}


def test_the_predicted_score_is_the_median_of_the_calibration_folds(klue_train: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    rows = read_examples(klue_train)
    train = write_jsonl(tmp_path / "train.jsonl", rows[:600])
    unlabeled = [r.model_copy(update={"label": None}) for r in rows[600:750]]
    test = write_jsonl(tmp_path / "test.jsonl", unlabeled)
    common = ["train", "--train_file", str(train), "--test_file", str(test), "--output_dir",
              str(tmp_path / "art"), "--validation_fraction", "0.2",
              "--group_by", "entity_cluster"]  # fmt: skip
    done = roundtrip(*common, database_url=url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with session_scope(url) as session:
        run = session.get(TrainingRun, done.stdout.strip())
        assert run is not None
        estimate, split, run_dir = run.metrics["test_estimate"], run.split, Path(run.artifacts_dir or "")
        trained_folds = run.config["data"]["estimate_folds"]
    folds = estimate["folds"]
    assert len(folds) == 4 == trained_folds  # the default, as many as fit beside 0.2
    scores = [fold["predicted_test_micro_f1"]["estimate"] for fold in folds]
    median = float(np.median(scores))
    assert estimate["predicted_test_micro_f1"]["estimate"] == pytest.approx(median, abs=1e-3)
    # what predict applies: one rule for all folds (services.evidence.folds), each fold's own choice kept
    assert estimate["test_threshold"] in THRESHOLDS
    assert all(fold["own_threshold"] in THRESHOLDS for fold in folds)
    held = [validation_ids(run_dir), *(validation_ids(run_dir / "folds" / str(k)) for k in (2, 3, 4))]
    assert [len(ids) for ids in held] == split["estimate_folds_validation"]
    assert len(set().union(*held)) == sum(len(ids) for ids in held)  # disjoint
    # one estimator: a later `report run --test` reads every fold and says the same
    again = roundtrip("report", "run", run.id, "--test", str(test), "--json", database_url=url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    repeated = json.loads(again.stdout)
    assert repeated["folds"] == folds  # the same figures, fold by fold

    single = roundtrip(*common, "--estimate_folds", "1", database_url=url, cwd=tmp_path)
    assert single.returncode == 0, single.stderr
    with session_scope(url) as session:
        alone = session.get(TrainingRun, single.stdout.strip())
        assert alone is not None and len(alone.metrics["test_estimate"]["folds"]) == 1
        assert not (Path(alone.artifacts_dir or "") / "folds").exists()

    refused = roundtrip(*common, "--estimate_folds", "5", database_url=url, cwd=tmp_path)
    assert refused.returncode == 2 and "estimate_folds 5 × validation_fraction 0.2" in refused.stderr
    assert "Traceback" not in refused.stderr and "predict validation" not in refused.stderr
    with session_scope(url) as session:
        assert len(session.scalars(select(TrainingRun)).all()) == 2  # nothing recorded for it


def test_transformer_family_trains_and_predicts(real_rows: Path, tmp_path: Path) -> None:
    from services.train.markers import mark
    from services.train.transformer import build_tiny_bert

    bert = build_tiny_bert(tmp_path / "bert", [mark(e) for e in read_examples(real_rows)], vocab_size=800)
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    args = [
        "train",
        "--train_file",
        str(real_rows),
        "--family",
        "transformer",
        "--model_name_or_path",
        str(bert),
        "--max_steps",
        "3",
        "--batch_size",
        "8",
        "--use_cpu",
        "--output_dir",
        str(tmp_path / "art"),
    ]
    done = roundtrip(*args, database_url=url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    run_id = done.stdout.strip().splitlines()[-1]
    with session_scope(url) as session:
        run = session.get(TrainingRun, run_id)
        assert run is not None and run.status == "succeeded"
        assert run.config["model"]["family"] == "transformer"
        assert "eval_micro_f1" in run.history[0] and run.history[-1]["step"] == "final"
    predicted = roundtrip("predict", run_id, str(real_rows), "--out", "s.csv", database_url=url, cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr[-2000:]
    assert len((tmp_path / "s.csv").read_text().splitlines()) == 601
