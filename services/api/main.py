"""The Roundtrip augmentation API: `uvicorn services.api.main:app`."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from services.api.body_limit import BodySizeLimit
from services.api.edge import checked_parameters
from services.api.errors import install_handlers
from services.api.json_guard import JsonGuard
from services.api.openapi_docs import API_ERRORS
from services.api.routes import augmentations, datasets, health, keys, models, translations
from services.api.routes import trainings as trainings
from services.api.server_timing import ServerTiming
from services.api.ui import pages
from services.augment.config import get_service_settings
from shared.logging import configure_logging


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Everything imported so far lives as long as the process: keep it out of the garbage
    # collector's full passes, which would otherwise stall every request now and then.
    gc.collect()
    gc.freeze()
    yield


def create_app() -> FastAPI:
    settings = get_service_settings()
    configure_logging(settings.log_level, settings.log_json)
    app = FastAPI(
        title="Roundtrip",
        summary="Back-translation augmentation for KLUE-RE, with a translation cache shared by teams.",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(checked_parameters)],
    )
    app.add_middleware(JsonGuard)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(ServerTiming)  # outermost: times everything below it
    install_handlers(app)
    app.include_router(health.router)
    for module in (datasets, augmentations, translations, models, trainings, keys):
        app.include_router(module.router, responses=API_ERRORS)
    app.include_router(pages.router)
    app.include_router(pages.icon_router)
    app.mount("/ui/static", StaticFiles(directory=pages.HERE / "static"), name="ui-static")
    return app


app = create_app()
