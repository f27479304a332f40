"""What the OpenAPI schema says beyond the routes' own models: every error status the API answers
with (one body shape), and the dataset upload's two bodies (multipart and JSON)."""

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    error: str
    details: Any | None = None


ERROR_DESCRIPTIONS = {
    400: "The request cannot be served as sent.",
    401: "No API key, or an unknown or revoked one.",
    403: "The key's scope does not allow this.",
    404: "No such resource for this team.",
    409: "The resource is not in a state that allows this (e.g. a job that has not succeeded).",
    413: "The request body is over the upload limit.",
    415: "Unsupported content type.",
    422: "Invalid input; `details` names each field and what is wrong with it.",
    503: "A backend (database or broker) is down or does not answer; see Retry-After.",
    504: "No worker answered within the timeout.",
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {
        code: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[code]}
        | ({"headers": RETRY_AFTER} if code == 503 else {})
        for code in codes
    }


API_ERRORS = error_responses(400, 401, 403, 404, 409, 413, 415, 422, 503)

DATASET_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "KLUE-RE rows: .json, .jsonl or .csv",
                        },
                        "name": {"type": "string", "maxLength": 256},
                        "format": {"type": "string", "enum": ["json", "jsonl", "csv"]},
                        "unlabeled": {
                            "type": "string",
                            "enum": ["true", "false"],
                            "description": "a test set without labels",
                        },
                    },
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["name", "rows"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "maxLength": 256},
                        "rows": {"type": "array", "minItems": 1, "items": {"type": "object"}},
                    },
                }
            },
        },
    }
}
