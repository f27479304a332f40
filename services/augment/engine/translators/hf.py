"""Translation with transformers seq2seq models (Marian/opus-mt, M2M100) through `generate`.

Imports torch: only workers and the in-process CLI load this module, never the API.
"""

from typing import Any

import structlog
import torch
from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

from services.augment.config import EngineSettings
from services.augment.engine.decoding import DecodingSettings
from services.augment.engine.registry import ModelSpec
from services.augment.engine.translators.base import ModelUnavailableError
from services.augment.engine.translators.hub import local_files_only
from services.augment.engine.translators.planned import BatchDecoder, PlannedTranslator

log = structlog.get_logger(__name__)
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


class HFTranslator(PlannedTranslator):
    """One direction served by one model, loaded once and kept for the life of the process."""

    def __init__(self, spec: ModelSpec, settings: EngineSettings):
        super().__init__(spec, settings)
        self._loaded: tuple[Any, Any, dict[str, Any]] | None = None
        self._hidden_ids = torch.tensor([], dtype=torch.long)

    def _load(self) -> tuple[Any, Any, dict[str, Any]]:
        if self._loaded is None:
            self._loaded = self._load_model()
        return self._loaded

    def _load_model(self) -> tuple[Any, Any, dict[str, Any]]:
        spec, settings = self.spec, self.settings
        common = {
            "revision": None if spec.is_local else spec.revision,
            "local_files_only": local_files_only(spec, settings.offline),
            "trust_remote_code": False,  # never run code shipped with a model
        }
        try:
            config = AutoConfig.from_pretrained(spec.model, **common)
            tokenizer = AutoTokenizer.from_pretrained(spec.model, **common)
            model = AutoModelForSeq2SeqLM.from_pretrained(
                spec.model, use_safetensors=True, dtype=DTYPES[settings.dtype], **common
            )
        except (OSError, ValueError) as error:
            reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
            raise ModelUnavailableError(spec.model, spec.setting, reason) from error
        if settings.torch_threads:
            torch.set_num_threads(settings.torch_threads)
        model.to(settings.device).eval()
        extra: dict[str, Any] = {}
        self._hidden_ids = torch.tensor(sorted(set(tokenizer.all_special_ids)))
        if config.model_type == "m2m_100":  # multilingual: name the source, force the target
            tokenizer.src_lang = spec.source_lang
            extra["forced_bos_token_id"] = tokenizer.get_lang_id(spec.target_lang)
            # Some tokenizer versions do not mark language tokens special: hide them explicitly.
            lang_ids = set(tokenizer.lang_token_to_id.values())
            self._hidden_ids = torch.tensor(sorted(lang_ids | set(tokenizer.all_special_ids)))
        log.info("model_loaded", model=spec.model, revision=self.revision, direction=spec.direction)
        return tokenizer, model, extra

    def tokenizer(self) -> Any:
        return self._load()[0]

    def batch_decoder(self, decoding: DecodingSettings) -> BatchDecoder:
        tokenizer, model, extra = self._load()
        torch.manual_seed(decoding.seed)
        kwargs = decoding.generate_kwargs() | extra
        per = decoding.num_return_sequences

        def decode(batch: list[list[int]]) -> list[list[str]]:
            with torch.inference_mode():
                features = tokenizer.pad({"input_ids": batch}, return_tensors="pt").to(self.settings.device)
                generated = model.generate(**features, **kwargs)
                generated = generated.masked_fill(
                    torch.isin(generated, self._hidden_ids.to(generated.device)), tokenizer.pad_token_id
                )
            decoded = tokenizer.batch_decode(generated, skip_special_tokens=True)
            return [[text.strip() for text in decoded[i * per : (i + 1) * per]] for i in range(len(batch))]

        return decode
