"""The shared translation cache over REST: look texts up, or translate a small batch via a worker."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from services.augment.config import ServiceSettings
from services.augment.engine import cache_repository
from services.augment.engine.cache_key import leg_cache_key, normalise_source
from services.augment.engine.registry import effective_revision, model_spec, output_settings, public_name
from services.augment.jobs import models_repository
from services.augment.jobs.schemas import LookupResult, TranslationHit, TranslationRequest, TranslationResult
from shared.errors import Conflict, Unprocessable

# Sends texts to a worker and waits: (request, texts) → outputs per text.
RemoteTranslate = Callable[[TranslationRequest, list[str]], list[list[str]]]


def served_model(session: Session, settings: ServiceSettings, source: str, target: str) -> tuple[str, str]:
    """The model and revision workers use for a direction (as they recorded it at start-up)."""
    try:
        spec = model_spec(settings, source, target)
    except ValueError as error:
        raise Unprocessable(str(error)) from None
    recorded = models_repository.recorded_revision(session, direction=spec.direction, model=spec.model)
    return public_name(spec.model), recorded or effective_revision(spec)


def lookup(session: Session, settings: ServiceSettings, request: TranslationRequest) -> LookupResult:
    if len(request.texts) > settings.lookup_max_texts:
        raise Unprocessable(f"at most {settings.lookup_max_texts} texts per lookup")
    model, revision = _model_of(session, settings, request)
    spec = model_spec(settings, request.source_lang, request.target_lang)
    outputs = output_settings(settings, spec)
    keys = {text: _key(text, request, model, revision, outputs) for text in dict.fromkeys(request.texts)}
    found = cache_repository.get_outputs(session, keys=keys.values())
    hits = [TranslationHit(text=t, outputs=found[k]) for t, k in keys.items() if k in found]
    misses = [t for t, k in keys.items() if k not in found]
    return LookupResult(model=model, revision=revision, hits=hits, misses=misses)


def translate(
    session: Session, settings: ServiceSettings, request: TranslationRequest, remote: RemoteTranslate
) -> TranslationResult:
    if len(request.texts) > settings.translate_max_texts:
        raise Unprocessable(f"at most {settings.translate_max_texts} texts per translation request")
    served = served_model(session, settings, request.source_lang, request.target_lang)
    if (request.model or served[0], request.revision or served[1]) != served:
        raise Conflict(f"workers serve {served[0]}@{served[1]} for this direction; use lookup for others")
    cached = lookup(session, settings, request)
    outputs = {hit.text: hit.outputs for hit in cached.hits}
    if cached.misses:
        outputs |= dict(zip(cached.misses, remote(request, cached.misses), strict=True))
    return TranslationResult(
        model=cached.model,
        revision=cached.revision,
        translations=[TranslationHit(text=t, outputs=outputs[t]) for t in request.texts],
        from_cache=len(cached.hits),
        translated=len(cached.misses),
    )


def _model_of(session: Session, settings: ServiceSettings, request: TranslationRequest) -> tuple[str, str]:
    if request.source_lang == request.target_lang:
        raise Unprocessable("source_lang and target_lang must differ")
    served_model_id, served_revision = served_model(
        session, settings, request.source_lang, request.target_lang
    )
    model = request.model or served_model_id
    revision = request.revision or (served_revision if model == served_model_id else "main")
    return model, revision


def _key(text: str, request: TranslationRequest, model: str, revision: str, outputs: dict[str, Any]) -> str:
    return leg_cache_key(
        normalise_source(text),
        source_lang=request.source_lang,
        target_lang=request.target_lang,
        model=model,
        revision=revision,
        decoding=request.decoding.canonical(),
        output_settings=outputs,
    )
