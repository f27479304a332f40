"""Strategy `protect`: swap entities for placeholders before translating, restore them after.

The entities never pass through the translator, so they come back character for character.
Rules (tested in tests/augment/test_entity_protect.py):
- Each unit (see entities/base.py) becomes one placeholder; a sentence that already contains a
  placeholder is dropped as `placeholder_collision`.
- The output must hold each placeholder exactly once (case-insensitive): none is
  `entity_missing`, several is `entity_ambiguous`.
- A paired particle the translator attached to a placeholder is fixed for the restored word
  (ZSUBJ는 → 이순신은).
"""

import re

from services.augment.engine.drops import DropReason
from services.augment.engine.entities.base import Outcome, Prepared, Unit, place_entities, units_of
from services.augment.engine.entities.korean import harmonise_particle
from shared.re_data.schema import REExample

DEFAULT_PLACEHOLDERS = ("ZSUBJ", "ZOBJ")


class ProtectStrategy:
    name = "protect"

    def __init__(self, placeholders: tuple[str, str] = DEFAULT_PLACEHOLDERS):
        self.placeholders = placeholders

    def prepare(self, example: REExample) -> Prepared | DropReason:
        lowered = example.sentence.lower()
        if any(p.lower() in lowered for p in self.placeholders):
            return DropReason.PLACEHOLDER_COLLISION
        text = example.sentence
        units = units_of(example)
        subject_start = example.subject_entity.start_idx
        # The unit holding the subject (or both entities, when they overlap) takes the first placeholder.
        tagged = [
            (unit, self.placeholders[0 if unit.start <= subject_start < unit.end else 1]) for unit in units
        ]
        for unit, placeholder in reversed(tagged):
            text = text[: unit.start] + placeholder + text[unit.end :]
        return Prepared(text, state=tagged)

    def relocate(self, example: REExample, prepared: Prepared, translated: str) -> Outcome:
        tagged: list[tuple[Unit, str]] = prepared.state
        units = [unit for unit, _ in tagged]
        found: list[tuple[int, int, int]] = []  # (start, end, unit index) in `translated`
        for index, (_, placeholder) in enumerate(tagged):
            hits = [m.span() for m in re.finditer(re.escape(placeholder), translated, re.IGNORECASE)]
            if len(hits) != 1:
                reason = DropReason.ENTITY_MISSING if not hits else DropReason.ENTITY_AMBIGUOUS
                return Outcome(_readable(translated, tagged), reason=reason)
            found.append((*hits[0], index))
        ordered = sorted(found)
        sentence, starts = translated[: ordered[0][0]], [0] * len(units)
        for position, (_, end, index) in enumerate(ordered):
            starts[index] = len(sentence)
            sentence += units[index].text
            next_start = ordered[position + 1][0] if position + 1 < len(ordered) else len(translated)
            sentence += harmonise_particle(units[index].text, translated[end:next_start])
        return place_entities(example, units, starts, sentence)


def _readable(translated: str, tagged: list[tuple[Unit, str]]) -> str:
    for unit, placeholder in tagged:
        translated = re.sub(re.escape(placeholder), unit.text, translated, flags=re.IGNORECASE)
    return translated
