"""The model registry: what serves each direction, under which licence, and whether a worker is live."""

from fastapi import APIRouter

from services.api.deps import CeleryDep, ReaderDep, SettingsDep, UowDep
from services.api.workers_probe import live_queues
from services.augment.engine.registry import model_spec
from services.augment.jobs.schemas import ModelInfo
from services.augment.jobs.translations import served_model
from shared.queues import queue_for_direction

router = APIRouter(prefix="/v1/models", tags=["models"])
DIRECTIONS = (("ko", "en"), ("en", "ko"), ("ko", "ja"), ("ja", "ko"))
KNOWN_LICENCES = {
    "Helsinki-NLP/opus-mt-ko-en": "CC-BY-4.0",
    "Helsinki-NLP/opus-mt-tc-big-en-ko": "CC-BY-4.0",
    "facebook/m2m100_418M": "MIT",
}


@router.get("", response_model=list[ModelInfo])
def list_models(uow: UowDep, caller: ReaderDep, settings: SettingsDep, celery: CeleryDep) -> list[ModelInfo]:
    live = live_queues(celery)
    infos = []
    for source, target in DIRECTIONS:
        spec = model_spec(settings, source, target)
        model, revision = served_model(uow.session, settings, source, target)
        infos.append(
            ModelInfo(
                direction=spec.direction,
                model=model,
                revision=revision,
                licence=KNOWN_LICENCES.get(model, "see the model card"),
                setting=spec.setting,
                live_worker=queue_for_direction(source, target).value in live,
            )
        )
    return infos
