"""The back-translation engine: legs per direction over one cache, and a whole augmentation run."""

import importlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from services.augment.config import EngineSettings
from services.augment.engine.backtranslate import DroppedRow, back_translate
from services.augment.engine.cached_leg import CachedLeg
from services.augment.engine.decoding import DecodingSettings
from services.augment.engine.entities import EntityStrategy, make_strategy
from services.augment.engine.quality import QualityGates
from services.augment.engine.registry import ModelSpec, pivot_legs
from services.augment.engine.translators.base import Translator
from shared.re_data.schema import REExample

TranslatorFactory = Callable[[ModelSpec], Translator]
LegProgress = Callable[[str, str, int], None]  # pivot, leg name, texts done


def plugged_translator(path: str) -> Callable[[ModelSpec, EngineSettings], Translator]:
    """The factory a ROUNDTRIP_TRANSLATOR_<DIRECTION> setting names ("package.module:factory")."""
    module_name, _, function_name = path.partition(":")
    try:
        factory: Callable[[ModelSpec, EngineSettings], Translator] = getattr(
            importlib.import_module(module_name), function_name
        )
    except (ImportError, AttributeError, ValueError) as error:
        raise ValueError(f"translator {path!r} cannot be imported: {error}") from None
    return factory


def configured_translators(settings: EngineSettings) -> TranslatorFactory:
    """Each direction's translator: a plugged-in one where configured, else its model through
    the configured backend (transformers or CTranslate2)."""

    def make(spec: ModelSpec) -> Translator:
        if spec.translator:
            return plugged_translator(spec.translator)(spec, settings)
        if spec.backend == "ct2":
            from services.augment.engine.translators.ct2 import CT2Translator

            return CT2Translator(spec, settings)
        from services.augment.engine.translators.hf import HFTranslator  # torch stays out until needed

        return HFTranslator(spec, settings)

    return make


def _for_pivot(progress: LegProgress | None, pivot: str) -> Callable[[str, int], None] | None:
    if progress is None:
        return None
    return lambda leg, done: progress(pivot, leg, done)


@dataclass(frozen=True)
class PivotRun:
    rows: list[REExample]
    drops: list[DroppedRow]
    cache: dict[str, tuple[int, int]]  # leg → (hits, misses) during this run

    @property
    def cache_hits(self) -> int:
        return sum(hits for hits, _ in self.cache.values())

    @property
    def cache_misses(self) -> int:
        return sum(misses for _, misses in self.cache.values())


@dataclass
class AugmentReport:
    rows_in: int
    rows: list[REExample] = field(default_factory=list)
    drops: list[DroppedRow] = field(default_factory=list)
    rows_out: Counter[str] = field(default_factory=Counter)
    drop_counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    cache: dict[str, tuple[int, int]] = field(default_factory=dict)  # leg → (hits, misses)
    seconds: float = 0.0

    @property
    def sentences_per_second(self) -> float:
        return self.rows_in / self.seconds if self.seconds else 0.0


class Engine:
    def __init__(
        self,
        settings: EngineSettings,
        sessions: sessionmaker[Session],
        translator_factory: TranslatorFactory | None = None,
    ):
        self.settings, self.sessions = settings, sessions
        self.translator_factory = translator_factory or configured_translators(settings)
        self._legs: dict[str, CachedLeg] = {}

    def leg(self, spec: ModelSpec) -> CachedLeg:
        """One cached leg per direction, so each model loads once per process."""
        if spec.direction not in self._legs:
            translator = self.translator_factory(spec)
            self._legs[spec.direction] = CachedLeg(translator, self.sessions)
        return self._legs[spec.direction]

    def pivot_legs(self, pivot: str) -> tuple[CachedLeg, CachedLeg]:
        """ko→pivot and pivot→ko."""
        forward_spec, backward_spec = pivot_legs(self.settings, pivot)
        return self.leg(forward_spec), self.leg(backward_spec)

    def gates(self) -> QualityGates:
        s = self.settings
        return QualityGates(s.min_length_ratio, s.max_length_ratio, s.max_ngram_repeats, s.min_hangul_share)

    def run_pivot(
        self,
        examples: Sequence[REExample],
        *,
        pivot: str,
        strategy: EntityStrategy,
        decoding: DecodingSettings,
        variants: int,
        progress: Callable[[str, int], None] | None = None,
        produced_by: str | None = None,
    ) -> PivotRun:
        """ko→pivot→ko for `examples`, with what each leg took from the cache during this call."""
        forward, backward = self.pivot_legs(pivot)
        before = {leg.name: (leg.stats.hits, leg.stats.misses) for leg in (forward, backward)}
        result = back_translate(
            examples,
            pivot=pivot,
            forward=forward,
            backward=backward,
            strategy=strategy,
            gates=self.gates(),
            decoding=decoding,
            variants=variants,
            progress=progress,
            produced_by=produced_by,
        )
        cache = {
            leg.name: (leg.stats.hits - before[leg.name][0], leg.stats.misses - before[leg.name][1])
            for leg in (forward, backward)
        }
        return PivotRun(rows=result.rows, drops=result.drops, cache=cache)

    def augment(
        self,
        examples: Sequence[REExample],
        *,
        pivots: Sequence[str],
        strategy: str = "locate",
        decoding: DecodingSettings | None = None,
        variants: int = 1,
        progress: LegProgress | None = None,
        produced_by: str | None = None,
    ) -> AugmentReport:
        decoding = decoding or DecodingSettings()
        entity_strategy = make_strategy(strategy)
        report = AugmentReport(rows_in=len(examples))
        started = time.perf_counter()
        for pivot in dict.fromkeys(pivots):
            result = self.run_pivot(
                examples,
                pivot=pivot,
                strategy=entity_strategy,
                decoding=decoding,
                variants=variants,
                progress=_for_pivot(progress, pivot),
                produced_by=produced_by,
            )
            report.rows += result.rows
            report.drops += result.drops
            report.rows_out[pivot] = len(result.rows)
            report.drop_counts.update((pivot, drop.reason.value) for drop in result.drops)
            report.cache.update(result.cache)
        report.seconds = time.perf_counter() - started
        return report
