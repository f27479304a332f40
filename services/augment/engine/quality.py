"""Quality gates for back-translated sentences; each failure names its DropReason."""

from dataclasses import dataclass

from services.augment.engine.drops import DropReason
from services.augment.engine.entities.korean import is_hangul


@dataclass(frozen=True)
class QualityGates:
    min_length_ratio: float = 0.5
    max_length_ratio: float = 2.0
    max_ngram_repeats: int = 3  # an n-gram (n ≤ 4) repeated this many times in a row: hallucination
    # Hangul share of the output's letters (entities left out), as a fraction of the source's own
    # share: a mostly Latin-script source may come back mostly Latin; a Korean one may not.
    min_hangul_share: float = 0.5

    def check(self, source: str, output: str, entity_words: tuple[str, ...] = ()) -> DropReason | None:
        if not output.strip():
            return DropReason.EMPTY_TRANSLATION
        if " ".join(output.split()) == " ".join(source.split()):
            return DropReason.IDENTICAL_TO_SOURCE
        # A repetition the source has too (a list of years, say) is no hallucination.
        if has_repeated_ngram(output.split(), self.max_ngram_repeats) and not has_repeated_ngram(
            source.split(), self.max_ngram_repeats
        ):
            return DropReason.REPETITION
        ratio = len(output) / max(len(source), 1)
        if not self.min_length_ratio <= ratio <= self.max_length_ratio:
            return DropReason.LENGTH_RATIO
        if hangul_share(output, entity_words) < self.min_hangul_share * hangul_share(source, entity_words):
            return DropReason.LOW_HANGUL
        return None


def has_repeated_ngram(tokens: list[str], repeats: int, max_n: int = 4) -> bool:
    """True when some n-gram occurs `repeats` times back to back ("the the the", "a b a b a b")."""
    for n in range(1, max_n + 1):
        for start in range(len(tokens) - n * repeats + 1):
            gram = tokens[start : start + n]
            if all(tokens[start + k * n : start + (k + 1) * n] == gram for k in range(1, repeats)):
                return True
    return False


def hangul_share(text: str, entity_words: tuple[str, ...] = ()) -> float:
    """Share of Hangul among letters, entity words left out (a Latin entity is not a bad sign)."""
    for word in entity_words:
        text = text.replace(word, " ")
    letters = [c for c in text if c.isalpha()]
    return sum(map(is_hangul, letters)) / len(letters) if letters else 1.0
