"""Split a file's text into (line number, raw record) pairs for each supported layout."""

import csv
import io
import json
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from shared.re_data.csv_cells import read_cell
from shared.re_data.errors import RowError

CSV_COLUMNS = ("id", "sentence", "subject_entity", "object_entity", "label", "source")
Records = Iterator[tuple[int, Any]]


class DataFormat(StrEnum):
    JSON = "json"  # the official KLUE file: one JSON list
    JSONL = "jsonl"  # one object per line (our output; also Hugging Face `klue`/`re` exports)
    CSV = "csv"  # the competition layout


class RecordError(Exception):
    """A structural problem that stops reading (as opposed to a bad row)."""

    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


def detect_format(name: str, text: str) -> DataFormat:
    lowered = name.lower()
    for fmt in DataFormat:
        if lowered.endswith("." + fmt.value):
            return fmt
    return DataFormat.JSON if text.lstrip().startswith("[") else DataFormat.JSONL


def iter_records(text: str, fmt: DataFormat, path: str) -> Records:
    readers = {DataFormat.JSON: _json_list, DataFormat.JSONL: _jsonl, DataFormat.CSV: _csv}
    return readers[fmt](text, path)


def _jsonl(text: str, path: str) -> Records:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "\x00" in line:
            raise RecordError(RowError(path, number, None, "contains a NUL byte"))
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise RecordError(RowError(path, number, None, f"invalid JSON: {error.msg}")) from None


def _json_list(text: str, path: str) -> Records:
    """Walk the top-level list item by item so each row keeps the line it starts on."""
    decoder, position, line = json.JSONDecoder(), 0, 1

    def skip_space(at: int) -> int:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        return at

    def fail(at: int, message: str) -> RecordError:
        return RecordError(RowError(path, text.count("\n", 0, at) + 1, None, message))

    position = skip_space(position)
    if not text.startswith("[", position):
        raise fail(position, "expected a JSON list of rows")
    position = skip_space(position + 1)
    counted_to = 0
    while not text.startswith("]", position):
        if "\x00" in text[position : position + 1]:
            raise fail(position, "contains a NUL byte")
        try:
            record, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise fail(error.pos, f"invalid JSON: {error.msg}") from None
        line += text.count("\n", counted_to, position)
        counted_to = position
        yield line, record
        position = skip_space(end)
        if text.startswith(",", position):
            position = skip_space(position + 1)
        elif not text.startswith("]", position):
            raise fail(position, "expected ',' or ']' after a row")
    if text[skip_space(position + 1) :]:
        raise fail(position + 1, "unexpected text after the list")


def _csv(text: str, path: str) -> Records:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or []) and c != "source"]
    if missing:
        raise RecordError(RowError(path, 1, None, f"CSV header lacks column(s) {missing}"))
    row_start = 2
    try:
        for row in reader:
            if None in row:
                raise RecordError(RowError(path, row_start, None, "more fields than header columns"))
            record: dict[str, Any] = {
                key: read_cell(value) if isinstance(value, str) else value for key, value in row.items()
            }
            if isinstance(record.get("label"), str) and record["label"].lstrip("-").isdigit():
                record["label"] = int(record["label"])  # numeric labels: ids or the 100 placeholder
            yield row_start, record
            row_start = reader.line_num + 1
    except csv.Error as error:
        raise RecordError(RowError(path, reader.line_num, None, f"invalid CSV: {error}")) from None
