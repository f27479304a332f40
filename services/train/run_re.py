"""A recorded, reproducible KLUE-RE experiment: `roundtrip train --config run.json` (or flags).

Reads as steps, like transformers' run_glue.py: record → read → split → train → evaluate → save."""

import csv
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np

from services.evidence.bootstrap import micro_f1_interval
from services.evidence.prior import prior_ratio, weighted_prior
from services.train import environment, plots, runs_repository, thresholds
from services.train.args import DataArguments, ModelArguments, RunArguments, config_of
from services.train.baseline import train_baseline
from services.train.covariates import TrainingEntities
from services.train.metrics import auprc_interval, compute
from services.train.run_artifacts import FOLDS_DIR, PREDICTIONS_FILE, save_estimation_inputs
from services.train.split import Split, check_folds_fit, fold_splits, seen_entity_shares, split
from services.train.test_estimate import FoldOutputs, estimate_test_over_folds
from services.train.test_size import require_estimable
from shared.db.migrate import upgrade
from shared.db.models import TrainingRun
from shared.db.session import session_scope
from shared.re_data.csv_cells import safe_cell
from shared.re_data.io import read_examples, rows_fingerprint
from shared.re_data.labels import NO_RELATION, label_to_id, labels
from shared.re_data.schema import REExample
from shared.settings import CommonSettings

if TYPE_CHECKING:  # torch stays out until the transformer family is used
    from services.train.transformer import TransformerOptions

BASELINE_FILE = "baseline.joblib"
PREDICT_CHUNK = 2000  # rows per prediction call, so long predictions report progress
# A step's name, units done so far and the total (None: unknown); the CLI draws it as a bar.
Progress = Callable[[str, int, int | None], None]


def _report(progress: Progress | None, step: str, done: int, total: int | None) -> None:
    if progress is not None:
        progress(step, done, total)


def predict_in_chunks(
    predict: Callable[[Sequence[REExample]], np.ndarray],
    rows: Sequence[REExample],
    progress: Progress | None = None,
    step: str = "predict",
) -> np.ndarray:
    """`predict` over `rows` in chunks, reporting rows done."""
    parts = []
    _report(progress, step, 0, len(rows))
    for start in range(0, len(rows), PREDICT_CHUNK):
        parts.append(np.asarray(predict(rows[start : start + PREDICT_CHUNK])))
        _report(progress, step, min(start + PREDICT_CHUNK, len(rows)), len(rows))
    return np.concatenate(parts) if parts else np.zeros((0, len(labels())))


def main(
    data: DataArguments,
    model: ModelArguments,
    run: RunArguments,
    run_id: str | None = None,
    progress: Progress | None = None,
) -> str:
    """Runs one experiment and returns its id; the record says how it went, even when it fails.

    With `run_id`, the run was recorded already (queued through the API) and is carried out here.
    `progress` hears of each long step (reading, fitting, predicting, bootstrapping)."""
    url = run.database_url or CommonSettings().database_url
    if url.startswith("sqlite"):
        upgrade(url)  # the embedded store migrates itself
    queued = run_id is not None
    run_id = run_id or str(uuid.uuid4())
    run_dir = Path(run.output_dir) / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    # Read the original rows and the augmented rows made from them
    _report(progress, "read and split", 0, None)
    originals = read_examples(data.train_file)
    augmented_by_file = {path: read_examples(path) for path in data.augmented_files}
    augmented = [row for rows in augmented_by_file.values() for row in rows]
    test_rows = None
    check_folds_fit(data.calibration_folds(), data.validation_fraction)
    if data.test_file:  # read before anything is trained: a bad line costs seconds, not a training
        test_rows = read_examples(data.test_file, allow_unlabeled=True)
        require_estimable(len(test_rows), data.test_file)
    inputs = {
        "train_file": _describe_file(data.train_file, originals),
        "augmented_files": [_describe_file(p, rows) for p, rows in augmented_by_file.items()],
    }
    with session_scope(url) as session:
        config = config_of(data, model, run)
        if queued:  # keep the API request the run was queued with
            existing = runs_repository.get(session, run_id=run_id)
            config = (existing.config if existing else {}) | config
        record: dict[str, Any] = dict(
            status="running", config=config, inputs=inputs, split={},
            environment=environment.describe(), artifacts_dir=str(run_dir.resolve()),
        )  # fmt: skip
        if queued:
            runs_repository.update(session, run_id=run_id, **record)
        else:
            runs_repository.add(session, run=TrainingRun(id=run_id, name=run.name, **record))
    try:
        # Split without leakage, then undersample no_relation in training only
        parts = split(
            originals,
            augmented,
            validation_fraction=data.validation_fraction,
            seed=data.split_seed,
            group_by=data.group_by,
        )
        folds = fold_splits(
            originals, augmented, parts, data.calibration_folds(),
            validation_fraction=data.validation_fraction, seed=data.split_seed, group_by=data.group_by,
        )  # fmt: skip
        train_rows = undersample_no_relation(parts.train, data.no_relation_keep, seed=run.seed)
        target_prior = None
        if data.match_prior_of:  # train for the test's label mix, as estimated by an earlier run
            if model.class_weight:
                raise ValueError("use either class_weight or match_prior_of, not both")
            target_prior = _estimated_test_prior(url, data.match_prior_of)
        label_weights = prior_matching_weights(train_rows, target_prior) if target_prior is not None else None
        split_record = parts.sizes() | {
            "seed": data.split_seed,
            "group_by": data.group_by,
            # how unseen validation's entities are: shares of rows whose words occur in training
            "validation_entities_seen_in_training": seen_entity_shares(parts.train, parts.validation),
            "train_after_undersampling": len(train_rows),
            "train_label_counts": dict(Counter(str(row.label) for row in train_rows).most_common()),
            "estimate_folds_validation": [len(fold.validation) for fold in folds],
        }
        if label_weights is not None:
            split_record["label_weights"] = dict(zip(labels(), map(float, label_weights), strict=True))
        timings["read_and_split_s"] = time.perf_counter() - started
        _report(progress, "read and split", 1, 1)

        # Train the chosen family and score validation
        _seed_everything(run.seed)

        def report(evaluation: dict[str, Any]) -> None:  # metrics so far, visible while it trains
            with session_scope(url) as session:
                current = runs_repository.get(session, run_id=run_id)
                history = list(current.history) if current else []
                runs_repository.update(session, run_id=run_id, history=[*history, evaluation])

        _report(progress, f"train ({model.family})", 0, None)
        predict = _train(model, run, train_rows, parts.validation, run_dir, report, label_weights)
        _report(progress, f"train ({model.family})", 1, 1)
        probabilities = predict_in_chunks(predict, parts.validation, progress, "predict validation")
        timings["train_s"] = time.perf_counter() - started - timings["read_and_split_s"]

        # Evaluate: KLUE metrics, and the no_relation threshold that serves micro-F1 best
        gold = _gold(parts.validation)
        metrics = compute(gold, probabilities)
        sweep = thresholds.sweep(gold, probabilities)
        chosen = thresholds.best(sweep)
        groups = np.array(parts.validation_groups)
        summary: dict[str, Any] = metrics.summary() | {
            "best_no_relation_threshold": chosen.threshold,
            "micro_f1_at_best_threshold": chosen.micro_f1,
            "intervals": _validation_intervals(gold, probabilities, groups, chosen.threshold, progress),
            "per_label": [vars(score) for score in metrics.per_label],
            "confusion": metrics.confusion,
            "threshold_sweep": [vars(point) for point in sweep],
        }
        test_probabilities = (
            predict_in_chunks(predict, test_rows, progress, "predict test") if test_rows is not None else None
        )
        del predict  # a transformer's memory goes before the fold models' training

        # The calibration folds: more models of the same recipe, each with its own validation
        started_folds = time.perf_counter()
        tested = test_probabilities if test_probabilities is not None else np.zeros((0, 0))
        fold_outputs = [
            FoldOutputs(
                _gold(train_rows),
                TrainingEntities.of(train_rows),
                parts.validation,
                gold,
                probabilities,
                groups,
                tested,
            ),
            *(
                _fold_outputs(model, run, data, fold, k, run_dir, target_prior, test_rows, progress)
                for k, fold in enumerate(folds[1:], start=2)
            ),
        ]
        timings["estimate_folds_s"] = time.perf_counter() - started_folds
        if data.test_file and test_rows is not None:  # the score of what `predict` submits
            estimate = estimate_test_over_folds(fold_outputs, test_rows)
            summary["test_estimate"] = estimate.as_dict() | {
                "test_file": _describe_file(data.test_file, test_rows)
            }

        # Save predictions, metrics and plots next to the model
        _write_predictions(
            run_dir / PREDICTIONS_FILE,
            parts.validation,
            gold,
            probabilities,
            parts.validation_groups,
        )
        save_estimation_inputs(run_dir, parts.validation, train_rows)
        (run_dir / "metrics.json").write_text(json.dumps(summary, indent=1))
        plots.confusion_png(metrics, run_dir / "confusion_matrix.png")
        plots.per_label_f1_png(metrics, run_dir / "per_label_f1.png")
        timings["total_s"] = time.perf_counter() - started
        with session_scope(url) as session:
            runs_repository.finish(
                session, run_id=run_id, status="succeeded", split=split_record, timings=timings,
                metrics=summary,
            )  # fmt: skip
            current = runs_repository.get(session, run_id=run_id)
            history = list(current.history) if current else []
            runs_repository.update(
                session, run_id=run_id, history=[*history, {"step": "final"} | metrics.summary()]
            )
    except Exception as error:
        with session_scope(url) as session:
            runs_repository.finish(
                session, run_id=run_id, status="failed", error=f"{type(error).__name__}: {error}"
            )
        raise
    return run_id


def _validation_intervals(
    gold: np.ndarray,
    probabilities: np.ndarray,
    groups: np.ndarray,
    threshold: float,
    progress: Progress | None,
    samples: int = 200,
) -> dict[str, dict[str, float]]:
    """95% intervals (whole validation groups resampled) of micro-F1, thresholded micro-F1 and AUPRC."""
    predicted = probabilities.argmax(axis=1)
    thresholded = thresholds.apply_threshold(probabilities, threshold)
    done = [0]

    def advance(step: int) -> None:
        done[0] += step
        _report(progress, "bootstrap AUPRC", done[0], samples)

    return {
        "micro_f1": micro_f1_interval(gold, predicted, groups=groups).as_dict(),
        "micro_f1_at_best_threshold": micro_f1_interval(gold, thresholded, groups=groups).as_dict(),
        "auprc": auprc_interval(
            gold, probabilities, groups=groups, samples=samples, progress=advance
        ).as_dict(),
    }


def _gold(rows: Sequence[REExample]) -> np.ndarray:
    return np.array([label_to_id()[str(e.label)] for e in rows])


def _fold_outputs(
    model: ModelArguments,
    run: RunArguments,
    data: DataArguments,
    fold: Split,
    k: int,
    run_dir: Path,
    target_prior: np.ndarray | None,
    test_rows: Sequence[REExample] | None,
    progress: Progress | None,
) -> FoldOutputs:
    """Calibration fold `k`: its model trained as the submitted one was, saved under
    FOLDS_DIR/k with its validation predictions (so `report run --test` reads every fold)."""
    fold_dir = run_dir / FOLDS_DIR / str(k)
    fold_dir.mkdir(parents=True, exist_ok=True)
    rows = undersample_no_relation(fold.train, data.no_relation_keep, seed=run.seed)
    weights = prior_matching_weights(rows, target_prior) if target_prior is not None else None
    _seed_everything(run.seed)
    _report(progress, f"train calibration fold {k} ({model.family})", 0, None)
    predict = _train(model, run, rows, fold.validation, fold_dir, lambda _: None, weights)
    _report(progress, f"train calibration fold {k} ({model.family})", 1, 1)
    probabilities = predict_in_chunks(predict, fold.validation, progress, f"predict validation (fold {k})")
    gold = _gold(fold.validation)
    _write_predictions(
        fold_dir / PREDICTIONS_FILE, fold.validation, gold, probabilities, fold.validation_groups
    )
    save_estimation_inputs(fold_dir, fold.validation, rows)
    tested = (
        predict_in_chunks(predict, test_rows, progress, f"predict test (fold {k})")
        if test_rows is not None
        else np.zeros((0, 0))
    )
    return FoldOutputs(
        _gold(rows), TrainingEntities.of(rows), fold.validation, gold, probabilities,
        np.array(fold.validation_groups), tested,
    )  # fmt: skip


def undersample_no_relation(rows: Sequence[REExample], keep: float, *, seed: int) -> list[REExample]:
    """Keep a seeded `keep` share of no_relation rows (augmented ones included); others all stay."""
    if keep >= 1.0:
        return list(rows)
    generator = random.Random(seed)
    return [row for row in rows if row.label != NO_RELATION or generator.random() < keep]


def _train(
    model: ModelArguments,
    run: RunArguments,
    train_rows: list[REExample],
    validation: list[REExample],
    run_dir: Path,
    report: Callable[[dict[str, Any]], None],
    label_weights: list[float] | None = None,
) -> Callable[[Sequence[REExample]], np.ndarray]:
    """Trains the chosen family, saves it, and returns its probability function."""
    if model.family == "baseline":
        class_weight = dict(enumerate(label_weights)) if label_weights else model.class_weight
        fitted = train_baseline(train_rows, seed=run.seed, class_weight=class_weight)
        joblib.dump(fitted, run_dir / BASELINE_FILE)
        return fitted.predict_proba
    if model.family == "transformer":
        from services.train.transformer import make_trainer, predict_proba

        options = transformer_options(model, run, run_dir)
        if label_weights:
            options.class_weights = label_weights
        elif model.class_weight == "balanced":
            options.class_weights = balanced_weights(train_rows)
        trainer = make_trainer(train_rows, validation, options, report)
        trainer.train()
        trainer.save_model(str(run_dir / "model"))
        return lambda rows: predict_proba(trainer, rows, options)
    raise ValueError(f"unknown model family {model.family!r}: use baseline or transformer")


def transformer_options(model: ModelArguments, run: RunArguments, run_dir: Path) -> "TransformerOptions":
    from services.train.transformer import TransformerOptions

    return TransformerOptions(
        model_name_or_path=model.model_name_or_path, output_dir=str(run_dir / "trainer"),
        max_length=model.max_length, pad_to_max_length=run.pad_to_max_length, batch_size=run.batch_size,
        learning_rate=run.learning_rate, epochs=run.epochs, max_steps=run.max_steps, seed=run.seed,
        fp16=run.fp16, bf16=run.bf16, use_cpu=run.use_cpu, report_to=run.report_to,
        marker_style=model.marker_style,
    )  # fmt: skip


def prior_matching_weights(rows: Sequence[REExample], target_prior: np.ndarray) -> list[float]:
    """Per label: target share / training share, scaled so the average training row weighs 1.
    Labels absent from training get weight 1 (there is nothing to weigh)."""
    shares = weighted_prior(np.array([label_to_id()[str(row.label)] for row in rows]))
    ratio = np.where(shares > 0, prior_ratio(target_prior, shares), 1.0)
    ratio /= float(np.sum(ratio * shares))
    return [float(weight) for weight in ratio]


def _estimated_test_prior(database_url: str, run_id: str) -> np.ndarray:
    with session_scope(database_url) as session:
        source = runs_repository.get(session, run_id=run_id)
        estimate = (source.metrics or {}).get("test_estimate") if source else None
    if not estimate:
        raise ValueError(
            f"run {run_id} has no estimated test prior: train it with --test_file, or run "
            f"`roundtrip report run {run_id} --test FILE` first"
        )
    shares = estimate["prior"]["estimated_test"]
    return np.array([shares[label] for label in labels()])


def balanced_weights(rows: Sequence[REExample]) -> list[float]:
    """n / (classes × count) per label, as scikit-learn's 'balanced'; labels absent get weight 1."""
    counts = Counter(label_to_id()[str(row.label)] for row in rows)
    present = len(counts)
    return [len(rows) / (present * counts[i]) if counts[i] else 1.0 for i in range(len(labels()))]


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    try:
        from transformers import set_seed
    except ImportError:
        return
    set_seed(seed)


def _describe_file(path: str, rows: Sequence[REExample]) -> dict[str, Any]:
    """Where the rows came from and a fingerprint of their content (order-independent)."""
    return {"path": str(Path(path).resolve()), "rows": len(rows), "fingerprint": rows_fingerprint(rows)}


def _write_predictions(
    path: Path, rows: Sequence[REExample], gold: np.ndarray, probabilities: np.ndarray, groups: list[str]
) -> None:
    """One row per validation row; `group` lets later reports resample whole groups (and compare
    runs on the same rows)."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "gold", "pred_label", "group", "probs"])
        for row, gold_id, probs, group in zip(rows, gold, probabilities, groups, strict=True):
            # full precision: the test estimate reads log-probabilities, and rounding the tiny
            # ones to 0 moved a later `report run --test` by 1.9 points against the run's own
            probs_text = json.dumps([float(p) for p in probs])
            cells = [row.guid, labels()[gold_id], labels()[int(probs.argmax())], group, probs_text]
            writer.writerow([safe_cell(cell) for cell in cells])
