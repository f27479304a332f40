"""Web pages under /ui for people who would rather look than read: datasets with their report,
augmentation jobs with live progress, runs with their curves and errors, comparisons with CIs.
Server-rendered HTML with inline SVG charts; the one script polls a job's progress."""

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Cookie, Form, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.api.deps import SettingsDep, UowDep
from services.api.routes import augmentations, datasets
from services.api.ui.auth import COOKIE, PageCallerDep, cookie_is_secure
from services.augment.jobs import service as jobs_service
from services.catalog import datasets_service, keys_service
from services.evidence import charts
from services.train import trainings_service
from shared.re_data.labels import NO_RELATION

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/ui", include_in_schema=False)
icon_router = APIRouter(include_in_schema=False)  # browsers ask for /favicon.ico whatever the page says


@icon_router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, error: str | None = None) -> HTMLResponse:
    return _page(request, "login.html", error=error)


@router.post("/login")
def login(
    request: Request, uow: UowDep, settings: SettingsDep, key: Annotated[str, Form(max_length=256)]
) -> Response:
    token = keys_service.start_ui_session(
        uow.session, key.strip(), timedelta(hours=settings.ui_session_hours)
    )
    if token is None:
        message = "unknown or revoked API key"
        return RedirectResponse(f"/ui/login?{urlencode({'error': message})}", status.HTTP_303_SEE_OTHER)
    uow.commit()
    response = RedirectResponse("/ui", status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", secure=cookie_is_secure(request, settings),
        max_age=int(settings.ui_session_hours * 3600),
    )  # fmt: skip
    return response


@router.get("/logout")
def logout(uow: UowDep, roundtrip_session: Annotated[str | None, Cookie()] = None) -> Response:
    """Ends the session on the server (the id is useless from now on), then forgets the cookie."""
    if roundtrip_session and len(roundtrip_session) <= 128:
        keys_service.end_ui_session(uow.session, roundtrip_session)
        uow.commit()
    response = RedirectResponse("/ui/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE)
    return response


@router.get("", response_class=HTMLResponse)
def overview(request: Request, uow: UowDep, caller: PageCallerDep) -> HTMLResponse:
    session = uow.session
    return _page(
        request, "overview.html", caller=caller,
        datasets=datasets_service.list_datasets(session, caller.team_id),
        jobs=jobs_service.list_job_records(session, caller.team_id),
        runs=trainings_service.list_runs(session, caller.team_id),
    )  # fmt: skip


@router.get("/datasets/{dataset_id}", response_class=HTMLResponse)
async def dataset_page(dataset_id: str, request: Request, uow: UowDep, caller: PageCallerDep) -> HTMLResponse:
    def render() -> dict[str, Any]:
        dataset, report = datasets.report_of(uow.session, dataset_id, caller.team_id)
        return {
            "dataset": dataset,
            "report": report,
            "charts": {
                "labels": charts.to_svg(charts.counts_bar(report.labels, "Labels", highlight=NO_RELATION)),
                "lengths": charts.to_svg(
                    charts.histogram(report.length_histogram, "Sentence length", "characters")
                ),
                "pairs": charts.to_svg(charts.counts_bar(report.entity_type_pairs, "Entity-type pairs")),
            },
        }

    return _page(request, "dataset.html", caller=caller, **await run_in_threadpool(render))


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: str, request: Request, uow: UowDep, caller: PageCallerDep) -> HTMLResponse:
    job = jobs_service.get_job(uow.session, job_id, caller.team_id)
    return _page(request, "job.html", caller=caller, status=jobs_service.job_status(uow.session, job))


@router.get("/jobs/{job_id}/status")
async def job_status(job_id: str, uow: UowDep, caller: PageCallerDep) -> Response:
    """What the job page polls: the API's status (and its 1 s cache), authenticated by the cookie."""
    return await augmentations.get_augmentation(job_id, uow, caller)


@router.get("/jobs/{job_id}/result")
def job_result(
    job_id: str, uow: UowDep, caller: PageCallerDep, format: Literal["jsonl", "csv"] = "jsonl"
) -> Response:
    """The API's download, authenticated by the page's cookie."""
    return augmentations.download_result(job_id, uow, caller, format)


@router.get("/datasets/{dataset_id}/report.json")
def dataset_report_json(dataset_id: str, uow: UowDep, caller: PageCallerDep) -> dict[str, Any]:
    return datasets.dataset_report(dataset_id, uow, caller)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
async def run_page(run_id: str, request: Request, uow: UowDep, caller: PageCallerDep) -> HTMLResponse:
    def render() -> dict[str, Any]:
        run = trainings_service.get_run(uow.session, run_id, caller.team_id)
        metrics, drawn = run.metrics or {}, {}
        if run.history:
            drawn["curves"] = charts.to_svg(charts.metric_curves(run.history))
        if metrics.get("per_label"):
            figure = charts.per_label_f1(metrics["per_label"], metrics["micro_f1"], metrics["auprc"])
            drawn["per_label"] = charts.to_svg(figure)
        if metrics.get("confusion"):
            drawn["confusion"] = charts.to_svg(charts.confusion(metrics["confusion"]))
        if metrics.get("test_estimate"):
            drawn["priors"] = charts.to_svg(charts.priors(metrics["test_estimate"]["prior"]))
        return {"run": run, "metrics": metrics, "charts": drawn}

    return _page(request, "run.html", caller=caller, **await run_in_threadpool(render))


@router.get("/compare", response_class=HTMLResponse)
async def compare_page(
    request: Request, uow: UowDep, caller: PageCallerDep, ids: str, baseline: str | None = None
) -> HTMLResponse:
    def render() -> dict[str, Any]:
        result = trainings_service.compare_runs(uow.session, caller.team_id, ids.split(","), baseline)
        return {
            "comparison": result,
            "chart": charts.to_svg(charts.differences(result["arms"], result["baseline"])),
        }

    return _page(request, "compare.html", caller=caller, **await run_in_threadpool(render))
