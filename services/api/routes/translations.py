"""The shared translation cache: bulk look-ups, and small batches translated by a worker."""

from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeout
from fastapi import APIRouter

from services.api.deps import CeleryDep, ReaderDep, SettingsDep, UowDep, WriterDep
from services.api.openapi_docs import error_responses
from services.api.workers_probe import recently_live_queues
from services.augment.jobs import translations as translations_service
from services.augment.jobs.schemas import LookupResult, TranslationRequest, TranslationResult
from shared.errors import GatewayTimeout, Unavailable
from shared.queues import TaskName, queue_for_direction

router = APIRouter(prefix="/v1/translations", tags=["translations"])


@router.post("/lookup", response_model=LookupResult)
def lookup(
    request: TranslationRequest, uow: UowDep, caller: ReaderDep, settings: SettingsDep
) -> LookupResult:
    """Which texts are cached for this direction, model, revision and decoding; never translates."""
    return translations_service.lookup(uow.session, settings, request)


@router.post("", response_model=TranslationResult, responses=error_responses(504))
def translate(
    request: TranslationRequest, uow: UowDep, caller: WriterDep, settings: SettingsDep, celery: CeleryDep
) -> TranslationResult:
    """Cached texts come from the cache; the rest go to a worker, waited for up to the timeout."""

    def remote(req: TranslationRequest, texts: list[str]) -> list[list[str]]:
        return _remote(celery, req, texts, caller.team, settings.translate_timeout_s)

    return translations_service.translate(uow.session, settings, request, remote)


def _remote(
    celery: Celery, request: TranslationRequest, texts: list[str], team: str, timeout: float
) -> list[list[str]]:
    queue = queue_for_direction(request.source_lang, request.target_lang)
    if queue not in recently_live_queues(celery):  # nobody would answer: say so now, not after the timeout
        raise Unavailable(
            f"no worker serves {request.source_lang}→{request.target_lang} right now; try again later"
        )
    result = celery.send_task(
        TaskName.TRANSLATE_TEXTS,
        args=[
            request.source_lang,
            request.target_lang,
            texts,
            request.decoding.model_dump(mode="json"),
            team,
        ],
        queue=queue_for_direction(request.source_lang, request.target_lang),
    )
    try:
        translated = result.get(timeout=timeout, propagate=False)
    except CeleryTimeout:
        result.revoke()
        raise GatewayTimeout(f"no worker translated within {timeout:.0f} s; try again later") from None
    if result.failed():  # the worker refused (e.g. its model is missing): its reason, as a 503
        raise Unavailable(f"the worker could not translate: {str(translated)[:300]}")
    return translated  # type: ignore[no-any-return]
