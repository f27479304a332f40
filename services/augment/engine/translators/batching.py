"""Plan batches: identical sources once, sorted by length, each batch filled up to a token budget."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BatchPlan:
    unique_texts: list[str]
    index_of: list[int]  # input position → position in unique_texts
    batches: list[list[int]]  # each a list of positions in unique_texts


def plan_batches(
    texts: Sequence[str],
    lengths: Sequence[int],
    *,
    max_tokens: int,
    max_batch_size: int,
) -> BatchPlan:
    """`lengths[i]` is the token count of `texts[i]`. A batch costs (size × longest) tokens."""
    unique: dict[str, int] = {}
    index_of = [unique.setdefault(text, len(unique)) for text in texts]
    unique_lengths = [0] * len(unique)
    for text, length in zip(texts, lengths, strict=True):
        unique_lengths[unique[text]] = length
    # Longest first: the first batch shows the worst memory use at once, not at the end.
    order = sorted(range(len(unique)), key=lambda i: -unique_lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for position in order:
        longest = unique_lengths[current[0]] if current else unique_lengths[position]
        if current and (len(current) + 1 > max_batch_size or (len(current) + 1) * longest > max_tokens):
            batches.append(current)
            current = []
        current.append(position)
    if current:
        batches.append(current)
    return BatchPlan(list(unique), index_of, batches)
