"""The shared translation cache: bulk look-ups, and small batches translated by a worker."""

from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeout
from fastapi import APIRouter

from services.api.deps import CeleryDep, ReaderDep, SettingsDep, UowDep, WriterDep
from services.augment.jobs import translations as translations_service
from services.augment.jobs.schemas import LookupResult, TranslationRequest, TranslationResult
from shared.errors import GatewayTimeout
from shared.queues import TaskName, queue_for_direction

router = APIRouter(prefix="/v1/translations", tags=["translations"])


@router.post("/lookup", response_model=LookupResult)
def lookup(
    request: TranslationRequest, uow: UowDep, caller: ReaderDep, settings: SettingsDep
) -> LookupResult:
    """Which texts are cached for this direction, model, revision and decoding; never translates."""
    return translations_service.lookup(uow.session, settings, request)


@router.post("", response_model=TranslationResult)
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
        translated: list[list[str]] = result.get(timeout=timeout)
        return translated
    except CeleryTimeout:
        result.revoke()
        raise GatewayTimeout(f"no worker translated within {timeout:.0f} s; try again later") from None
