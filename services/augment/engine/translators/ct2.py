"""Translation with CTranslate2: the same Marian and M2M100 checkpoints, converted once to int8 (CPU)
or float16 (GPU) and decoded by CTranslate2's C++ engine.

Behind the same Translator protocol as the transformers backend: the same batching plan, the same
decoding settings with the same meaning, M2M100's forced target language as the target prefix.
Converted models live in `ROUNDTRIP_CT2_MODELS_DIR`, keyed by the source model's revision and the
quantization, converted once (by `roundtrip models convert` or on a worker's first use) and shared
by every worker that reads that folder. Imports transformers for the tokenizers: workers only.
"""

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from transformers import AutoConfig, AutoTokenizer, GenerationConfig

from services.augment.config import EngineSettings
from services.augment.engine.decoding import DecodingMode, DecodingSettings
from services.augment.engine.registry import ModelSpec, effective_revision
from services.augment.engine.translators.base import ModelUnavailableError
from services.augment.engine.translators.hub import local_files_only
from services.augment.engine.translators.planned import BatchDecoder, PlannedTranslator

log = structlog.get_logger(__name__)
DONE_MARKER = "roundtrip-converted.txt"
# What a conversion fetches from the hub: configs, tokenizer files and safetensors weights only.
SAFE_FILES = ["*.json", "*.safetensors", "*.model", "*.spm", "*.txt", "*.vocab"]


def converted_dir(spec: ModelSpec, settings: EngineSettings, quantization: str | None = None) -> Path:
    """Where the converted model for `spec` lives: one folder per model, revision and quantization."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "--", spec.model.strip("/"))[-120:]
    revision = re.sub(r"[^A-Za-z0-9._-]+", "-", effective_revision(spec))
    return Path(settings.ct2_models_dir) / name / f"{revision}-{quantization or settings.ct2_quantization}"


def convert(spec: ModelSpec, settings: EngineSettings, quantization: str | None = None) -> Path:
    """Convert `spec`'s checkpoint (hub id or local directory) once; later calls reuse it. Writes
    into a scratch folder and renames it into place, so concurrent workers never see half a model."""
    target = converted_dir(spec, settings, quantization)
    if (target / DONE_MARKER).is_file():
        return target
    from ctranslate2.converters import TransformersConverter

    _fix_m2m100_vocabulary()
    revision = None if spec.is_local else spec.revision
    offline = local_files_only(spec, settings.offline)
    source = spec.model
    if not spec.is_local:  # fetch (or find in the hub cache) the files, honouring offline mode
        from huggingface_hub import snapshot_download

        try:
            source = snapshot_download(
                spec.model, revision=revision, local_files_only=offline, allow_patterns=SAFE_FILES
            )
        except Exception as error:  # no network, no such model: the same one-line message as hf
            raise ModelUnavailableError(spec.model, spec.setting, str(error).splitlines()[0][:200]) from None
    if not any(Path(source).glob("*.safetensors")):  # never unpickle weights (.bin) to convert them
        raise ModelUnavailableError(spec.model, spec.setting, "no safetensors weights to convert")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".converting-", dir=target.parent))
    try:
        TransformersConverter(source).convert(
            str(scratch / "model"), quantization=quantization or settings.ct2_quantization, force=True
        )
        (scratch / "model" / DONE_MARKER).write_text(f"{spec.model}\n{effective_revision(spec)}\n")
        try:
            os.rename(scratch / "model", target)
        except OSError:  # another worker finished first: keep its copy
            if not (target / DONE_MARKER).is_file():
                raise
    except (OSError, ValueError, RuntimeError) as error:
        raise ModelUnavailableError(spec.model, spec.setting, f"conversion failed: {error}") from error
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    log.info("model_converted", model=spec.model, quantization=quantization, path=str(target))
    return target


def _fix_m2m100_vocabulary() -> None:
    """CTranslate2's M2M100 loader reads the language tokens from `additional_special_tokens`,
    which transformers 5 tokenizers no longer list; add them from the tokenizer's own table."""
    from ctranslate2.converters import transformers as converters

    base = converters.M2M100Loader
    if getattr(base, "_roundtrip_fixed", False):
        return

    @converters.register_loader("M2M100Config")
    class M2M100Loader(base):  # type: ignore[misc,valid-type]
        _roundtrip_fixed = True

        def get_vocabulary(self, model: Any, tokenizer: Any) -> list[str]:
            tokens = [token for token, _ in sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])]
            if tokens[-1] == tokenizer.unk_token:
                tokens.insert(tokenizer.unk_token_id, tokens.pop())
            languages = sorted(getattr(tokenizer, "lang_token_to_id", {}).items(), key=lambda item: item[1])
            tokens += [token for token, _ in languages if token not in tokens]
            tokens += [f"madeupword{i}" for i in range(model.config.vocab_size - len(tokens))]
            return tokens

    base._roundtrip_fixed = True


class CT2Translator(PlannedTranslator):
    """One direction served by one CTranslate2 model, loaded once for the life of the process."""

    def __init__(self, spec: ModelSpec, settings: EngineSettings):
        super().__init__(spec, settings)
        self._loaded: Loaded | None = None

    def _load(self) -> "Loaded":
        if self._loaded is None:
            self._loaded = self._load_model()
        return self._loaded

    def _load_model(self) -> "Loaded":

        spec, settings = self.spec, self.settings
        model_dir = convert(spec, settings)
        common: dict[str, Any] = {
            "revision": None if spec.is_local else spec.revision,
            "local_files_only": local_files_only(spec, settings.offline),
        }
        try:
            config = AutoConfig.from_pretrained(spec.model, **common)
            tokenizer = AutoTokenizer.from_pretrained(spec.model, **common)
            generation = GenerationConfig.from_pretrained(spec.model, **common)
        except (OSError, ValueError) as error:
            reason = str(error).splitlines()[0][:200]
            raise ModelUnavailableError(spec.model, spec.setting, reason) from error
        prefix, hidden = None, set(tokenizer.all_special_tokens)
        if config.model_type == "m2m_100":  # multilingual: name the source, force the target
            tokenizer.src_lang = spec.source_lang
            prefix = [tokenizer.get_lang_token(spec.target_lang)]
            hidden |= set(tokenizer.lang_token_to_id)  # not always marked special: hide them
        translator = self._open(model_dir)
        log.info("model_loaded", model=spec.model, backend="ct2", direction=spec.direction)
        # transformers ends a sequence cut at max_new_tokens with a forced EOS; CTranslate2 does
        # not, so it stops one token earlier to give the same text.
        forced_eos = int(getattr(generation, "forced_eos_token_id", None) is not None)
        return Loaded(tokenizer, translator, prefix, hidden, forced_eos, model_dir)

    def _open(self, model_dir: Path) -> Any:
        import ctranslate2

        settings = self.settings
        return ctranslate2.Translator(
            str(model_dir),
            device=settings.device,
            compute_type=settings.ct2_compute_type,
            inter_threads=settings.ct2_inter_threads,
            intra_threads=settings.ct2_intra_threads,
        )

    def tokenizer(self) -> Any:
        return self._load().tokenizer

    def batch_decoder(self, decoding: DecodingSettings) -> BatchDecoder:
        import ctranslate2

        loaded = self._load()
        translator = loaded.translator
        if decoding.mode is DecodingMode.SAMPLE:
            # CTranslate2 seeds each decoding thread once, when it starts: a sampled call gets a
            # translator of its own, opened after seeding, so the same seed gives the same samples.
            ctranslate2.set_random_seed(decoding.seed)
            translator = self._open(loaded.model_dir)
        options = ct2_options(decoding, loaded.forced_eos)

        def decode(batch: list[list[int]]) -> list[list[str]]:
            source = [loaded.tokenizer.convert_ids_to_tokens(ids) for ids in batch]
            prefixes = [loaded.prefix] * len(batch) if loaded.prefix else None
            results = translator.translate_batch(source, target_prefix=prefixes, **options)
            return [[loaded.decode(tokens) for tokens in result.hypotheses] for result in results]

        return decode


@dataclass(frozen=True)
class Loaded:
    tokenizer: Any
    translator: Any
    prefix: list[str] | None  # M2M100's target language token
    hidden: set[str]  # special and language tokens, never part of the text
    forced_eos: int  # 1 when transformers would end a cut sequence with a forced EOS
    model_dir: Path  # the converted model

    def decode(self, tokens: list[str]) -> str:
        kept = [token for token in tokens if token not in self.hidden]
        return str(self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(kept))).strip()


def ct2_options(decoding: DecodingSettings, forced_eos: int) -> dict[str, Any]:
    """`DecodingSettings` in CTranslate2's terms, meaning what they mean for `generate`: lengths
    count the target prefix as transformers counts its forced language token, less the forced EOS."""
    sampling = decoding.mode is DecodingMode.SAMPLE
    return {
        "beam_size": decoding.num_beams if decoding.mode is DecodingMode.BEAM else 1,
        "num_hypotheses": decoding.num_return_sequences,
        "length_penalty": decoding.length_penalty,
        "repetition_penalty": decoding.repetition_penalty,
        "no_repeat_ngram_size": decoding.no_repeat_ngram_size,
        "max_decoding_length": max(1, decoding.max_new_tokens - forced_eos),
        "min_decoding_length": min(decoding.min_new_tokens, max(1, decoding.max_new_tokens - forced_eos)),
        "sampling_topk": (decoding.top_k if sampling else 1),  # 0: the whole vocabulary
        "sampling_topp": decoding.top_p if sampling else 1.0,
        "sampling_temperature": decoding.temperature if sampling else 1.0,
        "return_end_token": False,
    }
