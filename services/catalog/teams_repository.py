"""All SQL on teams and API keys."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db.models import ApiKey, Team


def get_or_create_team(session: Session, *, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def add_key(session: Session, *, team: Team, key_hash: str, prefix: str, scope: str) -> ApiKey:
    key = ApiKey(team_id=team.id, key_hash=key_hash, prefix=prefix, scope=scope)
    session.add(key)
    session.flush()
    return key


def find_active_key(session: Session, *, key_hash: str) -> tuple[ApiKey, Team] | None:
    row = session.execute(
        select(ApiKey, Team)
        .join(Team, Team.id == ApiKey.team_id)
        .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    ).first()
    return (row[0], row[1]) if row else None
