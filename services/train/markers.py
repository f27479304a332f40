"""Typed entity markers: the KLUE paper's punctuation style (`@ * PER * 이순신 @`, `# ^ ORG ^ 삼성 #`),
or added special tokens (`<S:PER> 이순신 </S>`, `<O:ORG> 삼성 </O>`) as in RE_improved_baseline."""

from shared.re_data.labels import ENTITY_TYPES
from shared.re_data.schema import REExample

MARKER_STYLES = ("punct", "special")


def special_marker_tokens() -> list[str]:
    """The tokens the `special` style adds to a tokenizer's vocabulary."""
    kinds = sorted(ENTITY_TYPES)
    return [*(f"<S:{t}>" for t in kinds), "</S>", *(f"<O:{t}>" for t in kinds), "</O>"]


def mark(example: REExample, style: str = "punct") -> str:
    """The sentence with both entities wrapped in typed markers."""
    subject, obj = example.subject_entity, example.object_entity
    inserts = []
    if style == "special":
        marked = ((subject, f"<S:{subject.type}> ", " </S>"), (obj, f"<O:{obj.type}> ", " </O>"))
    elif style == "punct":
        marked = ((subject, f"@ * {subject.type} * ", " @"), (obj, f"# ^ {obj.type} ^ ", " #"))
    else:
        raise ValueError(f"unknown marker style {style!r}; use one of {MARKER_STYLES}")
    for entity, opening, closing in marked:
        length = entity.end_idx - entity.start_idx + 1
        # (offset, closings before openings, outer opens first and closes last, marker)
        inserts += [(entity.start_idx, 1, -length, opening), (entity.end_idx + 1, 0, length, closing)]
    text = example.sentence
    # From the end, so earlier offsets stay valid; at one offset, what sorts first lands first.
    for position, _, _, marker in sorted(inserts, reverse=True):
        text = text[:position] + marker + text[position:]
    return text
