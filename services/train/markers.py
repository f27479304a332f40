"""Typed entity markers in the KLUE paper's punctuation style: `@ * PER * 이순신 @`, `# ^ ORG ^ 삼성 #`."""

from shared.re_data.schema import REExample


def mark(example: REExample) -> str:
    """The sentence with both entities wrapped in typed markers (subject `@ * T *`, object `# ^ T ^`)."""
    subject, obj = example.subject_entity, example.object_entity
    inserts = []
    marked = ((subject, f"@ * {subject.type} * ", " @"), (obj, f"# ^ {obj.type} ^ ", " #"))
    for entity, opening, closing in marked:
        length = entity.end_idx - entity.start_idx + 1
        # (offset, closings before openings, outer opens first and closes last, marker)
        inserts += [(entity.start_idx, 1, -length, opening), (entity.end_idx + 1, 0, length, closing)]
    text = example.sentence
    # From the end, so earlier offsets stay valid; at one offset, what sorts first lands first.
    for position, _, _, marker in sorted(inserts, reverse=True):
        text = text[:position] + marker + text[position:]
    return text
