"""Why a back-translated row was dropped. Every drop is recorded with one of these."""

from enum import StrEnum


class DropReason(StrEnum):
    EMPTY_TRANSLATION = "empty_translation"
    IDENTICAL_TO_SOURCE = "identical_to_source"
    LENGTH_RATIO = "length_ratio"
    REPETITION = "repetition"
    LOW_HANGUL = "low_hangul"
    ENTITY_MISSING = "entity_missing"
    ENTITY_AMBIGUOUS = "entity_ambiguous"
    ENTITY_OVERLAP = "entity_overlap"
    PLACEHOLDER_COLLISION = "placeholder_collision"
    DUPLICATE_VARIANT = "duplicate_variant"
