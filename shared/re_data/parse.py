"""Turn one raw record (any supported layout) into a validated, NFC-normalised REExample."""

import ast
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from shared.re_data.errors import RowError
from shared.re_data.labels import ENTITY_TYPES, UNLABELED_PLACEHOLDER, labels
from shared.re_data.schema import Entity, Provenance, REExample
from shared.re_data.text import nfc, nfc_span, text_problem

ENTITY_FIELDS = ("subject_entity", "object_entity")


class _Collector:
    def __init__(self, path: str, line: int | None):
        self.path, self.line, self.errors = path, line, list[RowError]()

    def add(self, field: str | None, message: str) -> None:
        self.errors.append(RowError(self.path, self.line, field, message))


def parse_record(
    raw: Any, *, path: str, line: int | None, allow_unlabeled: bool = False
) -> tuple[REExample | None, list[RowError]]:
    """Validate `raw`; return the example, or None and every problem found (never a silent fix)."""
    errors = _Collector(path, line)
    if not isinstance(raw, Mapping):
        errors.add(None, f"expected an object, got {type(raw).__name__}")
        return None, errors.errors
    for where, why in _unstorable_texts(raw):
        errors.add(where, why)
    if errors.errors:
        return None, errors.errors

    sentence = raw.get("sentence")
    if not isinstance(sentence, str) or not sentence.strip():
        errors.add("sentence", "missing or empty")
        sentence = None
    elif problem := text_problem(sentence):
        errors.add("sentence", problem)
        sentence = None

    entities = {name: _parse_entity(raw.get(name), name, sentence, errors) for name in ENTITY_FIELDS}
    label = _parse_label(raw.get("label"), allow_unlabeled, errors)
    guid = raw.get("guid", raw.get("id"))
    if guid is not None and not isinstance(guid, str | int):
        errors.add("guid", "must be a string or an integer")
    elif guid is not None and len(str(guid)) > MAX_GUID_CHARS:
        errors.add("guid", f"longer than {MAX_GUID_CHARS} characters")
    source = raw.get("source")
    if source is not None and not isinstance(source, str):
        errors.add("source", "must be a string")
    elif source is not None and len(source) > MAX_SOURCE_CHARS:
        errors.add("source", f"longer than {MAX_SOURCE_CHARS} characters")
    provenance = _parse_provenance(raw.get("provenance"), errors)

    if errors.errors or sentence is None:
        return None, errors.errors
    subject, obj = entities["subject_entity"], entities["object_entity"]
    assert subject is not None and obj is not None
    return (
        REExample(
            guid="" if guid is None else str(guid),
            sentence=nfc(sentence),
            subject_entity=_normalised(subject, sentence),
            object_entity=_normalised(obj, sentence),
            label=label,
            source=source,
            provenance=provenance,
        ),
        [],
    )


MAX_GUID_CHARS = 256  # the stored column's length
MAX_SOURCE_CHARS = 256
MAX_DEPTH = 16  # a KLUE-RE row nests three levels; deeper is not a row


def _unstorable_texts(value: Any, field: str = "", depth: int = 0) -> list[tuple[str | None, str]]:
    """Every key or string (at any depth) a store cannot keep as-is, by field path."""
    if depth > MAX_DEPTH:
        return [(field or None, f"nested deeper than {MAX_DEPTH} levels")]
    if isinstance(value, str):
        problem = text_problem(value)
        return [(field or None, problem)] if problem else []
    found: list[tuple[str | None, str]] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{field}.{key}" if field else str(key)
            if isinstance(key, str) and (problem := text_problem(key)):
                found.append((field or None, f"a key {problem}"))
                continue
            found += _unstorable_texts(item, path, depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += _unstorable_texts(item, f"{field}[{index}]", depth + 1)
    return found


def _parse_entity(value: Any, name: str, sentence: str | None, errors: _Collector) -> Entity | None:
    if isinstance(value, str):  # competition CSV: a Python dict literal
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            errors.add(name, "not a valid dict literal")
            return None
    if not isinstance(value, Mapping):
        errors.add(name, "missing or not an object")
        return None
    word, start, end, kind = (value.get(k) for k in ("word", "start_idx", "end_idx", "type"))
    ok = True
    if not isinstance(word, str) or not word:
        errors.add(f"{name}.word", "missing or empty")
        ok = False
    for key, index in (("start_idx", start), ("end_idx", end)):
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            errors.add(f"{name}.{key}", f"must be a non-negative integer, got {index!r}")
            ok = False
    if kind not in ENTITY_TYPES:
        errors.add(f"{name}.type", f"unknown entity type {kind!r} (known: {sorted(ENTITY_TYPES)})")
        ok = False
    if not ok or sentence is None or not isinstance(start, int) or not isinstance(end, int):
        return None
    found = sentence[start : end + 1]
    if found != word:
        errors.add(name, f"span [{start}, {end}] holds {found!r}, not the word {word!r}")
        return None
    return Entity.model_validate({"word": word, "start_idx": start, "end_idx": end, "type": kind})


def _parse_provenance(value: Any, errors: _Collector) -> Provenance | None:
    """Augmented rows carry where they came from; our own output must read back whole."""
    if value in (None, ""):
        return None
    try:
        return (
            Provenance.model_validate_json(value)
            if isinstance(value, str)
            else Provenance.model_validate(value)
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        errors.add(f"provenance.{where}" if where else "provenance", first["msg"])
        return None


def _parse_label(value: Any, allow_unlabeled: bool, errors: _Collector) -> str | None:
    names = labels()
    unlabeled = value is None or value == "" or value == UNLABELED_PLACEHOLDER
    if unlabeled:
        if not allow_unlabeled:
            errors.add("label", "missing (use an unlabeled import for test files)")
        return None
    if isinstance(value, int) and not isinstance(value, bool):  # Hugging Face klue/re: ClassLabel id
        if 0 <= value < len(names):
            return names[value]
        errors.add("label", f"label id {value} is outside 0..{len(names) - 1}")
        return None
    if isinstance(value, str) and value in names:
        return value
    errors.add("label", f"unknown label {value!r} (not one of the 30 KLUE-RE labels)")
    return None


def _normalised(entity: Entity, sentence: str) -> Entity:
    start, end = nfc_span(sentence, entity.start_idx, entity.end_idx)
    return entity.model_copy(update={"word": nfc(entity.word), "start_idx": start, "end_idx": end})
