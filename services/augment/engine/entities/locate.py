"""Strategy `locate`: translate the plain sentence, then find each entity in the output.

Rules (tested in tests/augment/test_entity_locate.py):
- A mention is an occurrence of the entity text whose left side is a word boundary and whose
  right side is a boundary (exact) or a Korean particle (이순신은 holds 이순신). An entity that sat
  inside a longer word in the source may also be found inside a word in the output.
- One mention in the output: taken. Several: if the source holds the same number of mentions,
  the one with the entity's ordinal is taken (repeated names keep their order); otherwise the row
  is dropped as `entity_ambiguous`. None: `entity_missing`.
- Overlapping subject and object are located as one unit (see entities/base.py).
"""

from services.augment.engine.drops import DropReason
from services.augment.engine.entities.base import Outcome, Prepared, Unit, place_entities, units_of
from services.augment.engine.entities.korean import left_boundary, right_attachment
from shared.re_data.schema import REExample


def mentions(text: str, needle: str, *, inside_words: bool = False) -> list[int]:
    """Start offsets of `needle` in `text` that count as mentions."""
    found, start = [], text.find(needle)
    while start != -1:
        whole = left_boundary(text, start) and right_attachment(text, start + len(needle)) is not None
        if whole or inside_words:
            found.append(start)
        start = text.find(needle, start + 1)
    return found


def locate_unit(source: str, unit: Unit, output: str) -> int | DropReason:
    source_is_whole = unit.start in mentions(source, unit.text)
    in_output = mentions(output, unit.text, inside_words=not source_is_whole)
    if not in_output:
        return DropReason.ENTITY_MISSING
    if len(in_output) == 1:
        return in_output[0]
    in_source = mentions(source, unit.text, inside_words=not source_is_whole)
    if len(in_source) == len(in_output):
        return in_output[in_source.index(unit.start)]
    return DropReason.ENTITY_AMBIGUOUS


class LocateStrategy:
    name = "locate"

    def prepare(self, example: REExample) -> Prepared:
        return Prepared(example.sentence)

    def relocate(self, example: REExample, prepared: Prepared, translated: str) -> Outcome:
        units = units_of(example)
        starts: list[int] = []
        for unit in units:
            found = locate_unit(example.sentence, unit, translated)
            if isinstance(found, DropReason):
                return Outcome(translated, reason=found)
            starts.append(found)
        return place_entities(example, units, starts, translated)
