"""A team's API keys, for its admins: list them (prefixes only) and revoke one."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from services.api.deps import AdminDep, UowDep, forget_key
from services.catalog import keys_service

router = APIRouter(prefix="/v1/keys", tags=["keys"])


class KeyRead(BaseModel):
    prefix: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None


class KeyList(BaseModel):
    items: list[KeyRead]


@router.get("", response_model=KeyList)
def list_keys(uow: UowDep, caller: AdminDep) -> KeyList:
    return KeyList(items=[KeyRead(**vars(k)) for k in keys_service.list_keys(uow.session, caller.team_id)])


@router.post("/{prefix}/revoke", response_model=KeyRead)
def revoke_key(prefix: str, uow: UowDep, caller: AdminDep) -> KeyRead:
    """Revokes one of this team's keys (named by its first characters) and ends its /ui sessions.
    It stops working at once on this API process and within 30 s on the others (their key cache)."""
    info, key_hash = keys_service.revoke_key(uow.session, prefix, team_id=caller.team_id)
    uow.commit()
    forget_key(key_hash)
    return KeyRead(**vars(info))
