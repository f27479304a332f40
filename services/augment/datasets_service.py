"""Datasets: validate an upload completely, then store it whole (or nothing)."""

import json
import uuid
from collections import Counter

from sqlalchemy.orm import Session

from services.augment import datasets_repository
from services.augment.errors import NotFound
from services.evidence.report import UNLABELED, DataReport, build_report
from shared.db.models import Dataset
from shared.re_data.formats import DataFormat, detect_format
from shared.re_data.io import parse_examples, rows_fingerprint, to_record
from shared.re_data.schema import REExample


def create_dataset(
    *,
    session: Session,
    team_id: int,
    name: str,
    data: bytes,
    filename: str,
    fmt: DataFormat | None = None,
    allow_unlabeled: bool = False,
) -> Dataset:
    """Raises DataFormatError (every bad line) before anything is written."""
    examples = parse_examples(data, filename, fmt, allow_unlabeled=allow_unlabeled)
    source_format = (fmt or detect_format(filename, data[:64].decode("utf-8", "ignore"))).value
    return store(session=session, team_id=team_id, name=name, examples=examples, source_format=source_format)


def create_from_rows(*, session: Session, team_id: int, name: str, rows: list[dict]) -> Dataset:
    # Escaped JSON keeps lone surrogates as text, so validation names them by line and field.
    data = "\n".join(json.dumps(row) for row in rows).encode()
    return create_dataset(
        session=session, team_id=team_id, name=name, data=data, filename=f"{name}.jsonl", fmt=DataFormat.JSONL
    )


def store(
    *, session: Session, team_id: int, name: str, examples: list[REExample], source_format: str
) -> Dataset:
    labels = Counter(e.label or UNLABELED for e in examples)
    types = Counter(t for e in examples for t in (e.subject_entity.type, e.object_entity.type))
    dataset = Dataset(
        id=str(uuid.uuid4()),
        team_id=team_id,
        name=name,
        source_format=source_format,
        row_count=len(examples),
        fingerprint=rows_fingerprint(examples),
        label_counts=dict(labels.most_common()),
        entity_type_counts=dict(types.most_common()),
    )
    return datasets_repository.add_dataset(session, dataset, [to_record(e) for e in examples])


def is_unlabeled(dataset: Dataset) -> bool:
    return UNLABELED in dataset.label_counts


def dataset_report(session: Session, dataset_id: str, team_id: int) -> tuple[Dataset, DataReport]:
    """A team's dataset and its data report (raises NotFound for another team's or none)."""
    dataset = datasets_repository.get_for_team(session, dataset_id, team_id)
    if dataset is None:
        raise NotFound(f"no dataset {dataset_id!r}")
    records = datasets_repository.records(session, dataset.id, 0, dataset.row_count)
    return dataset, build_report([REExample.model_validate(record) for record in records])
