"""One translation leg behind the shared cache: bulk lookup, translate only the misses, bulk insert."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from services.augment.engine import cache_repository
from services.augment.engine.cache_key import leg_cache_key, normalise_source
from services.augment.engine.decoding import DecodingSettings
from services.augment.engine.translators.base import Translator

CHUNK_SIZE = 256  # texts per lookup/translate/commit round: progress survives an interruption
Progress = Callable[[int], None]


@dataclass
class LegStats:
    texts: int = 0
    hits: int = 0
    misses: int = 0


class CachedLeg:
    def __init__(self, translator: Translator, sessions: sessionmaker[Session]):
        self.translator, self.sessions = translator, sessions
        self.stats = LegStats()

    @property
    def name(self) -> str:
        return f"{self.translator.source_lang}→{self.translator.target_lang}"

    def key(self, text: str, decoding: DecodingSettings) -> str:
        t = self.translator
        return leg_cache_key(
            text,
            source_lang=t.source_lang,
            target_lang=t.target_lang,
            model=t.model,
            revision=t.revision,
            decoding=decoding.canonical(),
            output_settings=t.output_settings,
        )

    def translate(
        self,
        texts: Sequence[str],
        decoding: DecodingSettings,
        progress: Progress | None = None,
        produced_by: str | None = None,
    ) -> list[list[str]]:
        """Outputs per text (`num_return_sequences` each), in order; only cache misses reach the model.

        `produced_by` names the team whose request first stored a row (the cache is shared)."""
        normalised = [normalise_source(text) for text in texts]
        unique = list(dict.fromkeys(normalised))
        outputs: dict[str, list[str]] = {}
        for start in range(0, len(unique), CHUNK_SIZE):
            chunk = unique[start : start + CHUNK_SIZE]
            outputs.update(self._translate_chunk(chunk, decoding, produced_by))
            if progress:
                progress(len(chunk))
        self.stats.texts += len(texts)
        return [outputs[text] for text in normalised]

    def _translate_chunk(
        self, texts: list[str], decoding: DecodingSettings, produced_by: str | None
    ) -> dict[str, list[str]]:
        keys = {text: self.key(text, decoding) for text in texts}
        with self.sessions.begin() as session:
            cached = cache_repository.get_outputs(session, keys=keys.values())
        found = {text: cached[key] for text, key in keys.items() if key in cached}
        missing = [text for text in texts if text not in found]
        self.stats.hits += len(found)
        self.stats.misses += len(missing)
        if not missing:
            return found
        translated = self.translator.translate(missing, decoding)
        t = self.translator
        rows = [
            {
                "key": keys[text],
                "source_text": text,
                "source_lang": t.source_lang,
                "target_lang": t.target_lang,
                "model": t.model,
                "revision": t.revision,
                "decoding": decoding.canonical(),
                "outputs": outputs,
                "produced_by": produced_by,
            }
            for text, outputs in zip(missing, translated, strict=True)
        ]
        with self.sessions.begin() as session:
            cache_repository.insert_missing(session, rows=rows)
        return found | dict(zip(missing, translated, strict=True))
