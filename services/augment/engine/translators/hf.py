"""Translation with transformers seq2seq models (Marian/opus-mt, M2M100) through `generate`.

Imports torch: only workers and the in-process CLI load this module, never the API.
"""

import socket
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import structlog
import torch
from huggingface_hub import constants as hub_constants
from huggingface_hub import try_to_load_from_cache
from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

from services.augment.config import EngineSettings
from services.augment.engine.decoding import DecodingSettings
from services.augment.engine.registry import ModelSpec, effective_revision, output_settings
from services.augment.engine.translators.base import ModelUnavailableError
from services.augment.engine.translators.batching import plan_batches

log = structlog.get_logger(__name__)
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
HUB_PROBE_TIMEOUT_S = 3.0


def local_files_only(spec: ModelSpec, offline: bool) -> bool:
    """Decide up front whether loading may touch the network, so a missing model fails at once
    with a clear message instead of retrying against an unreachable hub."""
    if spec.is_local or offline or hub_constants.HF_HUB_OFFLINE:
        return True
    if isinstance(try_to_load_from_cache(spec.model, "config.json", revision=spec.revision), str):
        return True
    endpoint = urlparse(hub_constants.ENDPOINT)
    try:
        socket.create_connection(
            (endpoint.hostname or "", endpoint.port or 443), timeout=HUB_PROBE_TIMEOUT_S
        ).close()
    except OSError as error:
        raise ModelUnavailableError(
            spec.model,
            spec.setting,
            f"not in the local cache and {endpoint.hostname} is unreachable: {error}",
        ) from None
    return False


class HFTranslator:
    """One direction served by one model, loaded once and kept for the life of the process."""

    def __init__(self, spec: ModelSpec, settings: EngineSettings):
        self.spec, self.settings = spec, settings
        self.source_lang, self.target_lang = spec.source_lang, spec.target_lang
        self.model, self.revision = spec.model, effective_revision(spec)
        self.output_settings = output_settings(settings, spec)
        self.generate_calls = 0
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

    def translate(self, texts: Sequence[str], decoding: DecodingSettings) -> list[list[str]]:
        if not texts:
            return []
        tokenizer, model, extra = self._load()
        encoded = tokenizer(list(texts), truncation=True, max_length=self.settings.max_source_tokens)[
            "input_ids"
        ]
        plan = plan_batches(
            texts,
            [len(ids) for ids in encoded],
            max_tokens=self.settings.max_tokens_per_batch,
            max_batch_size=self.settings.max_batch_size,
        )
        first_of = {u: i for i, u in reversed(list(enumerate(plan.index_of)))}
        unique_outputs: list[list[str]] = [[] for _ in plan.unique_texts]
        torch.manual_seed(decoding.seed)
        kwargs = decoding.generate_kwargs() | extra
        with torch.inference_mode():
            for batch in plan.batches:
                features = tokenizer.pad(
                    {"input_ids": [encoded[first_of[u]] for u in batch]}, return_tensors="pt"
                ).to(self.settings.device)
                generated = model.generate(**features, **kwargs)
                self.generate_calls += 1
                generated = generated.masked_fill(
                    torch.isin(generated, self._hidden_ids.to(generated.device)), tokenizer.pad_token_id
                )
                decoded = tokenizer.batch_decode(generated, skip_special_tokens=True)
                per = decoding.num_return_sequences
                for slot, unique_index in enumerate(batch):
                    unique_outputs[unique_index] = [t.strip() for t in decoded[slot * per : (slot + 1) * per]]
        return [unique_outputs[u] for u in plan.index_of]
