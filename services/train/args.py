"""Arguments of a training run, as dataclasses for `HfArgumentParser` (flags or a JSON config)."""

from dataclasses import asdict, dataclass, field
from typing import Any

# models trained for the predicted test score, each with its own validation fold; the first is the
# submitted one (services.evidence.folds: the median of their estimates)
ESTIMATE_FOLDS = 5


@dataclass
class DataArguments:
    train_file: str = field(metadata={"help": "original KLUE-RE rows (KLUE JSON, JSONL or competition CSV)"})
    augmented_files: list[str] = field(
        default_factory=list, metadata={"help": "outputs of `roundtrip augment` built from train_file"}
    )
    validation_fraction: float = field(default=0.1, metadata={"help": "share of sentence groups held out"})
    split_seed: int = field(default=42, metadata={"help": "seed of the train/validation split"})
    group_by: str = field(
        default="sentence", metadata={"help": "sentence, or entity_cluster (unseen validation entities)"}
    )
    no_relation_keep: float = field(
        default=1.0, metadata={"help": "share of no_relation training rows kept (undersampling)"}
    )
    test_file: str | None = field(
        default=None,
        metadata={"help": "unlabeled test rows: estimate their label prior and a predicted test micro-F1"},
    )
    estimate_folds: int | None = field(
        default=None,
        metadata={
            "help": "models trained, each on its own validation fold, whose estimates of the test "
            f"score are combined (median); default {ESTIMATE_FOLDS}, or as many as fit beside a large "
            "validation_fraction; 1: the submitted model's alone (one training, a noisier estimate)"
        },
    )
    match_prior_of: str | None = field(
        default=None,
        metadata={
            "help": "id of a run with a test estimate: weight training rows to its estimated test prior"
        },
    )

    def __post_init__(self) -> None:
        if self.estimate_folds is None:  # the recorded config says how many were trained
            self.estimate_folds = default_estimate_folds(self.validation_fraction)

    def calibration_folds(self) -> int:
        if self.estimate_folds is None:
            return default_estimate_folds(self.validation_fraction)
        return self.estimate_folds


def default_estimate_folds(validation_fraction: float) -> int:
    """ESTIMATE_FOLDS, or fewer where validation is so large that that many folds, each holding out
    as many rows as validation, would not fit beside each other (0.2: four)."""
    return max(k for k in range(1, ESTIMATE_FOLDS + 1) if k * validation_fraction < 1 or k == 1)


@dataclass
class ModelArguments:
    family: str = field(default="baseline", metadata={"help": "baseline (CPU, seconds) or transformer"})
    model_name_or_path: str = field(default="klue/roberta-small", metadata={"help": "transformer family"})
    class_weight: str | None = field(default=None, metadata={"help": "None or 'balanced'"})
    max_length: int = field(default=256, metadata={"help": "tokens per marked sentence (transformer)"})
    marker_style: str = field(default="punct", metadata={"help": "punct (@ * PER * …) or special tokens"})


@dataclass
class RunArguments:
    output_dir: str = field(default="artifacts", metadata={"help": "runs are written to OUTPUT_DIR/RUN_ID"})
    name: str | None = field(default=None, metadata={"help": "a label for comparisons, e.g. '+en seed 1'"})
    seed: int = field(default=42, metadata={"help": "model seed"})
    epochs: float = 3.0
    max_steps: int = -1
    batch_size: int = 32
    learning_rate: float = 5e-5
    fp16: bool = False
    bf16: bool = False
    use_cpu: bool = False
    pad_to_max_length: bool = False
    report_to: str = field(default="none", metadata={"help": "none, tensorboard, mlflow or wandb"})
    database_url: str | None = field(default=None, metadata={"help": "records store (default: settings)"})


def config_of(data: DataArguments, model: ModelArguments, run: RunArguments) -> dict[str, Any]:
    settings = asdict(run)
    settings.pop("database_url")
    return {"data": asdict(data), "model": asdict(model), "run": settings}
