"""Read KLUE-RE files (KLUE JSON, JSONL, Hugging Face layout, competition CSV) and write JSONL/CSV."""

import csv
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from shared.re_data.csv_cells import safe_cell
from shared.re_data.errors import DataFormatError, RowError
from shared.re_data.formats import CSV_COLUMNS, DataFormat, RecordError, detect_format, iter_records
from shared.re_data.parse import parse_record
from shared.re_data.schema import REExample

MAX_ERRORS = 1000


def read_examples(
    path: str | Path, fmt: DataFormat | None = None, *, allow_unlabeled: bool = False
) -> list[REExample]:
    """Read and validate a whole file; raise DataFormatError naming every bad line and field."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataFormatError([RowError(str(path), None, None, error.strerror or str(error))]) from None
    return parse_examples(data, str(path), fmt, allow_unlabeled=allow_unlabeled)


def parse_examples(
    data: bytes, name: str, fmt: DataFormat | None = None, *, allow_unlabeled: bool = False
) -> list[REExample]:
    """Validate an uploaded or read file's bytes. Nothing is returned unless every row is good."""
    if not data.strip():
        raise DataFormatError([RowError(name, None, None, "the file is empty")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DataFormatError([RowError(name, line, None, "not valid UTF-8")]) from None
    fmt = fmt or detect_format(name, text)
    examples: list[REExample] = []
    errors: list[RowError] = []
    try:
        for line, raw in iter_records(text, fmt, name):
            example, row_errors = parse_record(raw, path=name, line=line, allow_unlabeled=allow_unlabeled)
            errors.extend(row_errors)
            if example is not None:
                examples.append(example)
            if len(errors) >= MAX_ERRORS:
                break
    except RecordError as error:
        errors.append(error.error)
    if not errors and not examples:
        errors.append(RowError(name, None, None, "the file holds no rows"))
    if errors:
        raise DataFormatError(errors)
    return _with_stable_ids(examples, name)


def _with_stable_ids(examples: list[REExample], name: str) -> list[REExample]:
    """Give rows without an id one derived from their content; refuse duplicate ids."""
    seen: Counter[str] = Counter()
    result = []
    for example in examples:
        guid = example.guid or "row-" + content_fingerprint(example)[:16]
        seen[guid] += 1
        if seen[guid] > 1 and example.guid:
            raise DataFormatError([RowError(name, None, "guid", f"duplicate id {guid!r}")])
        if seen[guid] > 1:  # identical rows without ids: keep both, ids stay stable
            guid = f"{guid}-{seen[guid]}"
        result.append(example if guid == example.guid else example.model_copy(update={"guid": guid}))
    return result


def content_fingerprint(example: REExample) -> str:
    payload = example.model_dump(include={"sentence", "subject_entity", "object_entity", "label"})
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(encoded.encode()).hexdigest()


def rows_fingerprint(examples: Iterable[REExample]) -> str:
    """One fingerprint for a set of rows, independent of their order (sha256 over sorted row hashes)."""
    return hashlib.sha256("".join(sorted(map(content_fingerprint, examples))).encode()).hexdigest()


def to_record(example: REExample) -> dict[str, object]:
    """The KLUE JSONL layout, plus `provenance` for augmented rows."""
    return example.model_dump(exclude_none=True, exclude={"provenance"}) | (
        {"provenance": example.provenance.model_dump()} if example.provenance else {}
    )


def write_jsonl(examples: Iterable[REExample], stream: IO[str]) -> int:
    count = 0
    for example in examples:
        stream.write(json.dumps(to_record(example), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(examples: Iterable[REExample], stream: IO[str], *, header: bool = True) -> int:
    """The competition layout; entity columns as Python dict strings, provenance as JSON; cells a
    spreadsheet would run as formulas behind a quote (`csv_cells`)."""
    writer = csv.writer(stream, lineterminator="\n")
    if header:
        writer.writerow([*CSV_COLUMNS, "provenance"])
    count = 0
    for example in examples:
        provenance = example.provenance.model_dump_json() if example.provenance else ""
        cells = [
            example.guid,
            example.sentence,
            str(example.subject_entity.model_dump()),
            str(example.object_entity.model_dump()),
            example.label if example.label is not None else "",
            example.source or "",
            provenance,
        ]
        writer.writerow([safe_cell(cell) for cell in cells])
        count += 1
    return count


def write_examples(examples: Iterable[REExample], path: str | Path, fmt: DataFormat) -> int:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        return (write_csv if fmt is DataFormat.CSV else write_jsonl)(examples, stream)
