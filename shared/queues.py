"""Queue and task names: constants shared by producers (the API) and consumers (workers)."""

from enum import StrEnum


class Queue(StrEnum):
    """One queue per translation group, so ko↔en and ko↔ja workers scale separately."""

    AUGMENT_EN = "augment.en"
    AUGMENT_JA = "augment.ja"
    TRAIN = "train"


class TaskName(StrEnum):
    BACK_TRANSLATE_CHUNK = "augment.back_translate_chunk"
    TRANSLATE_TEXTS = "augment.translate_texts"
    RUN_EXPERIMENT = "train.run_experiment"


def queue_for_language(pivot_or_language: str) -> Queue:
    """The queue whose workers serve ko↔`pivot_or_language`."""
    return Queue(f"augment.{pivot_or_language}")


def queue_for_direction(source_lang: str, target_lang: str) -> Queue:
    other = target_lang if source_lang == "ko" else source_lang
    return queue_for_language(other)
