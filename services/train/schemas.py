"""Request and response shapes of the training API."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.train.args import ESTIMATE_FOLDS
from services.train.split import check_folds_fit
from shared.fields import Id, ModelName, Name


class TrainingCreate(BaseModel):
    """One run of the users' matrix: a dataset plus any subset of its augmentation jobs."""

    model_config = ConfigDict(extra="forbid")

    dataset_id: Id
    augmentation_ids: list[Id] = Field(default_factory=list, max_length=8)
    # An uploaded test set (labels ignored): its label prior is estimated and a predicted test
    # micro-F1 (validation reweighted to that prior) is recorded with the run.
    test_dataset_id: Id | None = None
    # A run of this team with a test estimate: training rows are weighted to its estimated test prior.
    match_prior_of: Id | None = None
    name: Name | None = None
    family: Literal["baseline", "transformer"] = "baseline"
    model_name_or_path: ModelName = "klue/roberta-small"
    seed: int = Field(default=42, ge=0, le=2**32 - 1)
    split_seed: int = Field(default=42, ge=0, le=2**32 - 1)
    validation_fraction: float = Field(default=0.1, gt=0, lt=0.5)
    group_by: Literal["sentence", "entity_cluster"] = "sentence"
    # models trained for the predicted test score, each on its own validation fold (1 to 5); default
    # ESTIMATE_FOLDS, or as many as fit beside a large validation_fraction
    estimate_folds: int | None = Field(default=None, ge=1, le=ESTIMATE_FOLDS)
    no_relation_keep: float = Field(default=1.0, gt=0, le=1)
    class_weight: Literal["balanced"] | None = None
    marker_style: Literal["punct", "special"] = "punct"
    epochs: float = Field(default=3.0, gt=0, le=1000)
    max_steps: int = Field(default=-1, ge=-1, le=10_000_000)
    batch_size: int = Field(default=32, ge=1, le=65_536)
    learning_rate: float = Field(default=5e-5, gt=0, le=10)
    fp16: bool = False
    bf16: bool = False
    report_to: Literal["none", "tensorboard", "mlflow", "wandb"] = "none"

    @model_validator(mode="after")
    def _folds_fit(self) -> "TrainingCreate":
        if self.estimate_folds is not None:  # the check the training itself makes, refused before queueing
            check_folds_fit(self.estimate_folds, self.validation_fraction)
        return self


class TrainingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str | None
    status: str
    dataset_id: str | None
    augmentation_ids: list[str]
    config: dict[str, Any]
    inputs: dict[str, Any]
    split: dict[str, Any]
    environment: dict[str, Any]
    timings: dict[str, float]
    metrics: dict[str, Any]
    history: list[dict[str, Any]]
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    artifacts: list[str] = []


class TrainingList(BaseModel):
    items: list[TrainingRead]
    total: int
    # metric → run id → value, for the runs listed: baseline vs +en vs +ja vs +both at a glance
    comparison: dict[str, dict[str, float | None]]


ArtifactName = Literal[
    "metrics.json", "validation_predictions.csv", "confusion_matrix.png", "per_label_f1.png"
]
