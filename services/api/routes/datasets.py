"""Upload and inspect datasets. A rejected upload stores nothing."""

import json
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from services.api.deps import ReaderDep, UowDep, WriterDep
from services.api.openapi_docs import DATASET_UPLOAD_BODY
from services.catalog import datasets_service
from services.catalog.schemas import DatasetCreate, DatasetList, DatasetRead
from services.evidence.report import DataReport, build_report
from shared.db.models import Dataset
from shared.errors import Unprocessable, UnsupportedMediaType
from shared.re_data.formats import DataFormat

router = APIRouter(prefix="/v1/datasets", tags=["datasets"])


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=DatasetRead, openapi_extra=DATASET_UPLOAD_BODY
)
async def upload_dataset(request: Request, uow: UowDep, caller: WriterDep) -> DatasetRead:
    """Multipart (`file`, optional `name`, `format`: json, jsonl or csv, and `unlabeled=true` for a
    test set without labels) or a JSON body `{name, rows}`."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Unprocessable("multipart upload needs a 'file' field")
        data = await upload.read()
        filename = upload.filename or "upload"
        name = str(form.get("name") or filename)
        fmt = _format(form.get("format"))
        unlabeled = str(form.get("unlabeled") or "").lower() in ("1", "true", "yes")

        def create() -> DatasetRead:
            dataset = datasets_service.create_dataset(
                session=uow.session, team_id=caller.team_id, name=name, data=data, filename=filename, fmt=fmt,
                allow_unlabeled=unlabeled,
            )  # fmt: skip
            uow.commit()
            return DatasetRead.model_validate(dataset)

    elif content_type == "application/json":
        try:
            body = DatasetCreate.model_validate(json.loads(await request.body()))
        except ValidationError as error:
            details = [
                {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
                for e in error.errors()
            ]
            raise Unprocessable("invalid request", details=details) from None
        except ValueError as error:
            raise Unprocessable(f"invalid JSON body: {str(error).splitlines()[0]}") from None

        def create() -> DatasetRead:
            dataset = datasets_service.create_from_rows(
                session=uow.session, team_id=caller.team_id, name=body.name, rows=body.rows
            )
            uow.commit()
            return DatasetRead.model_validate(dataset)

    else:
        raise UnsupportedMediaType(
            f"unsupported content type {content_type or '(none)'!r}; "
            "use multipart/form-data or application/json"
        )
    return await run_in_threadpool(create)


@router.get("", response_model=DatasetList)
def list_datasets(uow: UowDep, caller: ReaderDep) -> DatasetList:
    items = [
        DatasetRead.model_validate(d) for d in datasets_service.list_datasets(uow.session, caller.team_id)
    ]
    return DatasetList(items=items, total=len(items))


@router.get("/{dataset_id}", response_model=DatasetRead)
def get_dataset(dataset_id: str, uow: UowDep, caller: ReaderDep) -> DatasetRead:
    dataset = datasets_service.get_dataset(uow.session, dataset_id, caller.team_id)
    return DatasetRead.model_validate(dataset)


@router.get("/{dataset_id}/report")
def dataset_report(dataset_id: str, uow: UowDep, caller: ReaderDep) -> dict[str, Any]:
    """Labels, lengths, entity-type pairs, duplicates and conflicts, prefix contradictions."""
    _, report = report_of(uow.session, dataset_id, caller.team_id)
    return report.as_dict()


def report_of(session: Session, dataset_id: str, team_id: int) -> tuple[Dataset, DataReport]:
    """A team's dataset and its data report: the catalog's rows through the evidence package
    (the one place the two meet, so neither imports the other)."""
    dataset, rows = datasets_service.dataset_rows(session, dataset_id, team_id)
    return dataset, build_report(rows)


def _format(value: object) -> DataFormat | None:
    if value in (None, ""):
        return None
    try:
        return DataFormat(str(value))
    except ValueError:
        raise Unprocessable(f"unknown format {value!r}; use json, jsonl or csv") from None
