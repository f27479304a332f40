"""Entity spans on real Korean: the whole KLUE-RE training split through the entity step.

(a) Benign "translations" whose right answer is known: every sentence with a word put in front
    (`prefix`), and again with its clauses swapped at a comma (`reorder`, where a comma lies outside
    both entities). Each goes through the product's own step (`settle`: NFC, entity re-location
    with `locate`, quality gates). A kept row must hold the source's spans moved by exactly the
    shift; drops are counted per reason.
(b) Entity words that occur inside a compound (X의회, X의원, X은행 …): occurrences the former
    character rule took for mentions, and those the morpheme-aware rule takes now.
(c) The entity step's cost per 1,000 rows beside the translation's, with a random-weight model of
    opus-mt-ko-en's shape decoding 40 tokens per sentence (so its cost matches a real model's).

    python bench/entities.py [--data ../shared/data/klue-re/train.jsonl] [--translate-n 64]

Last line: `kept on a wrong span: W  prefix drops: P  reorder drops: R  compound mentions before/after:
B/A  entity/translation: C%` (one line)
"""

import argparse
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from services.augment.config import EngineSettings
from services.augment.engine.backtranslate import settle
from services.augment.engine.decoding import DecodingMode, DecodingSettings
from services.augment.engine.entities import make_strategy
from services.augment.engine.entities.base import Prepared
from services.augment.engine.entities.korean import PARTICLES, is_hangul, is_word_char
from services.augment.engine.entities.locate import mentions
from services.augment.engine.entities.morphology import morphemes
from services.augment.engine.quality import QualityGates
from shared.re_data.io import read_examples
from shared.re_data.schema import REExample

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/klue-re/train.jsonl"
PREFIX = "한편 "


@dataclass
class Tally:
    rows: int = 0
    kept: int = 0
    wrong: int = 0
    drops: Counter[str] | None = None

    def line(self, name: str) -> str:
        drops = ", ".join(f"{reason} {count}" for reason, count in (self.drops or Counter()).most_common())
        return (
            f"{name:8} rows {self.rows:6}  kept {self.kept:6}  kept on a wrong span {self.wrong}  "
            f"dropped {self.rows - self.kept} ({drops or 'none'})"
        )


def reordered(example: REExample) -> tuple[str, dict[int, int]] | None:
    """The sentence with its clauses swapped at the first comma outside both entities, and the
    new start of every character index that moved; None where no such comma exists."""
    sentence = example.sentence
    spans = [(e.start_idx, e.end_idx + 1) for e in (example.subject_entity, example.object_entity)]
    comma = next(
        (
            i
            for i in range(len(sentence) - 1)
            if sentence[i : i + 2] == ", " and all(not s <= i < e for s, e in spans)
        ),
        None,
    )
    if comma is None:
        return None
    first, second = sentence[:comma], sentence[comma + 2 :]
    end = "." if second.endswith(".") else ""
    second = second.removesuffix(end)
    if not first.strip() or not second.strip():
        return None
    moved = {i: i - (comma + 2) for i in range(comma + 2, comma + 2 + len(second))}
    moved |= {i: len(second) + 2 + i for i in range(len(first))}
    return second + ", " + first + end, moved


def judge(examples: list[REExample], transform: str) -> Tally:
    strategy, gates = make_strategy("locate"), QualityGates()
    tally = Tally(drops=Counter())
    for example in examples:
        if transform == "prefix":
            translated = PREFIX + example.sentence
            moved = {i: i + len(PREFIX) for i in range(len(example.sentence))}
        else:
            swapped = reordered(example)
            if swapped is None:
                continue
            translated, moved = swapped
        tally.rows += 1
        outcome, reason = settle(example, Prepared(example.sentence), translated, strategy, gates)
        if reason is not None:
            assert tally.drops is not None
            tally.drops[reason.value] += 1
            continue
        tally.kept += 1
        assert outcome.subject is not None and outcome.object is not None
        expected = (moved[example.subject_entity.start_idx], moved[example.object_entity.start_idx])
        if (outcome.subject.start_idx, outcome.object.start_idx) != expected:
            tally.wrong += 1
    return tally


def old_rule_mention(text: str, start: int, end: int) -> bool:
    """The former character rule: a word boundary on the left, and on the right a boundary or up
    to five Hangul syllables that merely start with a particle."""
    if start > 0 and is_word_char(text[start - 1]):
        return False
    word_end = end
    while word_end < len(text) and is_word_char(text[word_end]):
        word_end += 1
    suffix = text[end:word_end]
    return not suffix or (len(suffix) <= 5 and all(map(is_hangul, suffix)) and suffix.startswith(PARTICLES))


def continues_into_a_noun(text: str, end: int) -> bool:
    """Kiwi's reading: the word goes on past `end` within one morpheme, or with a noun."""
    for morpheme in morphemes(text):
        if morpheme.start < end < morpheme.end:
            return True
        if morpheme.start == end and morpheme.end > morpheme.start:
            return morpheme.tag.startswith("NN") and morpheme.form not in {"씨", "님", "측", "들"}
    return False


def compound_mentions(examples: list[REExample]) -> tuple[tuple[int, int], tuple[int, int], Counter[str]]:
    """(rows, occurrences) where an entity word inside a compound counts as a mention, under the
    former rule and the current one; and the compound suffixes found."""
    before_rows = after_rows = before_hits = after_hits = 0
    suffixes: Counter[str] = Counter()
    for example in examples:
        sentence, hit_before, hit_after = example.sentence, 0, 0
        for entity in {example.subject_entity.word, example.object_entity.word}:
            current = set(mentions(sentence, entity))
            start = sentence.find(entity)
            while start != -1:
                end = start + len(entity)
                next_is_hangul = end < len(sentence) and is_hangul(sentence[end])
                if next_is_hangul and continues_into_a_noun(sentence, end):
                    if old_rule_mention(sentence, start, end):
                        hit_before += 1
                        suffixes[sentence[end : end + 2]] += 1
                    hit_after += start in current
                start = sentence.find(entity, start + 1)
        before_rows, before_hits = before_rows + (hit_before > 0), before_hits + hit_before
        after_rows, after_hits = after_rows + (hit_after > 0), after_hits + hit_after
    return (before_rows, before_hits), (after_rows, after_hits), suffixes


def entity_step_seconds(examples: list[REExample]) -> float:
    strategy, gates = make_strategy("locate"), QualityGates()
    started = time.perf_counter()
    for example in examples:
        settle(example, Prepared(example.sentence), PREFIX + example.sentence, strategy, gates)
    return time.perf_counter() - started


def translation_seconds(texts: list[str]) -> float:
    """Seconds for `texts` through the product's translator (length-sorted batches) with a
    random-weight model of opus-mt-ko-en's shape, 40 new tokens each."""
    from transformers.utils import logging as hf_logging

    from services.augment.engine.registry import model_spec
    from services.augment.engine.tiny_models import TinyShape, build_marian
    from services.augment.engine.translators.hf import HFTranslator

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    shape = TinyShape(d_model=512, layers=6, heads=8, ffn=2048, vocab_size=65001, spm_vocab=8000)
    with tempfile.TemporaryDirectory() as scratch:
        model_dir = build_marian(Path(scratch) / "opus-shaped", texts * 8, shape)
        settings = EngineSettings(model_ko_en=str(model_dir), offline=True)
        translator = HFTranslator(model_spec(settings, "ko", "en"), settings)
        decoding = DecodingSettings(mode=DecodingMode.GREEDY, max_new_tokens=40, min_new_tokens=40)
        translator.translate(texts[:4], decoding)  # warm-up
        started = time.perf_counter()
        translator.translate(texts, decoding)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--translate-n", type=int, default=64, help="rows translated to time the model")
    args = parser.parse_args()
    examples = read_examples(args.data)
    print(f"{len(examples)} rows from {args.data}")

    started = time.perf_counter()
    morphemes("한편 이순신은 조선의 장군이다.")  # load the analyser once, as a worker does
    print(f"analyser load: {time.perf_counter() - started:.2f} s (once per process)")

    prefix, reorder = judge(examples, "prefix"), judge(examples, "reorder")
    print("(a) benign translations through the entity step and the gates")
    print("  " + prefix.line("prefix"))
    print("  " + reorder.line("reorder"))

    (before_rows, before_hits), (after_rows, after_hits), suffixes = compound_mentions(examples)
    print("(b) entity words inside a compound (X의회, X의원 …) taken for mentions")
    print(f"  former character rule: {before_hits} occurrences in {before_rows} rows")
    print(f"  morpheme-aware rule:   {after_hits} occurrences in {after_rows} rows")
    print("  most common next syllables: " + ", ".join(f"{s} {n}" for s, n in suffixes.most_common(12)))

    sample = examples[:1000]
    entity_s = entity_step_seconds(sample)
    texts = [example.sentence for example in examples[: args.translate_n]]
    translate_s = translation_seconds(texts) / len(texts) * 1000
    share = entity_s / translate_s * 100
    print("(c) cost per 1,000 rows")
    print(f"  entity step (locate + gates, analyser warm): {entity_s:.2f} s")
    leg = f"one translation leg (opus-mt-ko-en shape, 40 tokens; timed on {len(texts)} rows)"
    print(f"  {leg}: {translate_s:.1f} s")
    print(f"  entity step / one leg: {share:.2f}%")
    print(
        f"kept on a wrong span: {prefix.wrong + reorder.wrong}  "
        f"prefix drops: {prefix.rows - prefix.kept}  reorder drops: {reorder.rows - reorder.kept}  "
        f"compound mentions before/after: {before_hits}/{after_hits}  entity/translation: {share:.2f}%"
    )


if __name__ == "__main__":
    main()
