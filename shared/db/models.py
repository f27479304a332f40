"""Tables of the Roundtrip store. Every change here comes with a migration in migrations/versions."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, JsonType


class TranslationLeg(Base):
    """One cached translation leg (e.g. ko→en) of one normalised source text.

    Keyed by a hash of everything that determines the output, so one row serves every job and
    team that asks for the same text, model, revision and decoding settings.
    """

    __tablename__ = "translation_legs"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_text: Mapped[str] = mapped_column(Text)
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(512))
    revision: Mapped[str] = mapped_column(String(128))
    decoding: Mapped[dict[str, Any]] = mapped_column(JsonType)
    outputs: Mapped[list[str]] = mapped_column(JsonType)
    produced_by: Mapped[str | None] = mapped_column(String(128), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ChunkState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


FINISHED_JOB_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ApiKey(Base):
    """An API key, stored as a sha256 hash; the key itself is shown once, at creation."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Dataset(Base):
    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    source_format: Mapped[str] = mapped_column(String(16))
    row_count: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    label_counts: Mapped[dict[str, int]] = mapped_column(JsonType)
    entity_type_counts: Mapped[dict[str, int]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DatasetRow(Base):
    __tablename__ = "dataset_rows"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(256))
    record: Mapped[dict[str, Any]] = mapped_column(JsonType)


class AugmentationJob(Base):
    __tablename__ = "augmentation_jobs"
    __table_args__ = (
        # One live job per identical request and team; failed or cancelled ones may be retried.
        Index(
            "uq_augmentation_jobs_live_request",
            "team_id",
            "request_hash",
            unique=True,
            postgresql_where=text("state NOT IN ('failed', 'cancelled')"),
            sqlite_where=text("state NOT IN ('failed', 'cancelled')"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict[str, Any]] = mapped_column(JsonType)
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED.value)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    chunks_total: Mapped[int] = mapped_column(Integer)
    chunks_done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class JobChunk(Base):
    """A slice of a job for one pivot: the unit a worker takes, retries and counts."""

    __tablename__ = "job_chunks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("augmentation_jobs.id", ondelete="CASCADE"), index=True)
    pivot: Mapped[str] = mapped_column(String(8))
    index: Mapped[int] = mapped_column(Integer)
    row_start: Mapped[int] = mapped_column(Integer)
    row_end: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=ChunkState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    rows_out: Mapped[int] = mapped_column(Integer, default=0)
    cache_hits: Mapped[int] = mapped_column(Integer, default=0)
    cache_misses: Mapped[int] = mapped_column(Integer, default=0)
    drop_counts: Mapped[dict[str, int]] = mapped_column(JsonType, default=dict)
    # The delivery (Celery task id) that may work on the chunk; a message with another id waits
    # until the holder's lease lapses. Null `sent_at` means the task was never sent (the outbox).
    task_id: Mapped[str | None] = mapped_column(String(64), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class AugmentedRow(Base):
    __tablename__ = "augmented_rows"

    chunk_id: Mapped[str] = mapped_column(ForeignKey("job_chunks.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # source row's position
    variant: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("augmentation_jobs.id", ondelete="CASCADE"), index=True)
    record: Mapped[dict[str, Any]] = mapped_column(JsonType)


class DroppedRow(Base):
    __tablename__ = "dropped_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    chunk_id: Mapped[str] = mapped_column(ForeignKey("job_chunks.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[str] = mapped_column(String(256))
    variant: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32))
    candidate: Mapped[str | None] = mapped_column(Text, default=None)


class ModelRevision(Base):
    """What each worker actually serves, so the API keys cache look-ups the way workers do."""

    __tablename__ = "model_revisions"

    direction: Mapped[str] = mapped_column(String(16), primary_key=True)
    model: Mapped[str] = mapped_column(String(512), primary_key=True)
    revision: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TrainingRun(Base):
    """One recorded experiment: what went in, how it was split and seeded, what came out."""

    __tablename__ = "training_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[str | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), index=True, default=None
    )
    augmentation_ids: Mapped[list[str]] = mapped_column(JsonType, default=list)
    name: Mapped[str | None] = mapped_column(String(256), default=None)
    status: Mapped[str] = mapped_column(String(16))
    config: Mapped[dict[str, Any]] = mapped_column(JsonType)
    inputs: Mapped[dict[str, Any]] = mapped_column(JsonType)  # files/datasets with content fingerprints
    split: Mapped[dict[str, Any]] = mapped_column(JsonType)  # seed and sizes
    environment: Mapped[dict[str, Any]] = mapped_column(JsonType)  # package versions, git commit
    timings: Mapped[dict[str, float]] = mapped_column(JsonType, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)  # metrics per evaluation
    artifacts_dir: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    # Delivery bookkeeping, as on job chunks: the outbox, the holder and its lease.
    task_id: Mapped[str | None] = mapped_column(String(64), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class UiSession(Base):
    """A signed-in /ui browser: the cookie holds an opaque id (stored hashed), never the API key."""

    __tablename__ = "ui_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
