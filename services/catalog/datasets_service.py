"""Datasets: validate an upload completely, then store it whole (or nothing)."""

import json
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from services.catalog import datasets_repository
from shared.db.models import Dataset
from shared.errors import Unprocessable, found
from shared.re_data.formats import DataFormat, detect_format
from shared.re_data.io import parse_examples, rows_fingerprint, to_record
from shared.re_data.labels import UNLABELED
from shared.re_data.schema import REExample
from shared.re_data.text import text_problem


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
    check_name(name)
    examples = parse_examples(data, filename, fmt, allow_unlabeled=allow_unlabeled)
    source_format = (fmt or detect_format(filename, data[:64].decode("utf-8", "ignore"))).value
    return store(session=session, team_id=team_id, name=name, examples=examples, source_format=source_format)


MAX_NAME_CHARS = 256  # the column's length


def check_name(name: str) -> None:
    problem = text_problem(name) or (
        f"longer than {MAX_NAME_CHARS} characters" if len(name) > MAX_NAME_CHARS else None
    )
    if problem:
        raise Unprocessable(f"name: {problem}", details=[{"field": "name", "message": problem}])


def create_from_rows(*, session: Session, team_id: int, name: str, rows: list[dict[str, Any]]) -> Dataset:
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
    return datasets_repository.add_dataset(session, dataset=dataset, records=[to_record(e) for e in examples])


def is_unlabeled(dataset: Dataset) -> bool:
    return UNLABELED in dataset.label_counts


def dataset_rows(session: Session, dataset_id: str, team_id: int) -> tuple[Dataset, list[REExample]]:
    """A team's dataset and its rows (raises NotFound for another team's or none)."""
    dataset = get_dataset(session, dataset_id, team_id)
    records = datasets_repository.records(session, dataset_id=dataset.id, start=0, end=dataset.row_count)
    return dataset, [REExample.model_validate(record) for record in records]


def list_datasets(session: Session, team_id: int) -> Sequence[Dataset]:
    return datasets_repository.list_for_team(session, team_id=team_id)


def get_dataset(session: Session, dataset_id: str, team_id: int) -> Dataset:
    """A team's dataset (raises NotFound for another team's or none)."""
    dataset = datasets_repository.get_for_team(session, dataset_id=dataset_id, team_id=team_id)
    return found(dataset, f"dataset {dataset_id!r}")


def find_dataset(session: Session, dataset_id: str, team_id: int) -> Dataset | None:
    """A team's dataset, or None (other domains decide what its absence means to them)."""
    return datasets_repository.get_for_team(session, dataset_id=dataset_id, team_id=team_id)


def row_records(session: Session, dataset_id: str, start: int, end: int) -> list[dict[str, Any]]:
    """Stored rows [start, end) in upload order, as KLUE records."""
    return datasets_repository.records(session, dataset_id=dataset_id, start=start, end=end)
