"""`roundtrip keys create TEAM --scope read|write|admin`: a team's API key, shown once."""

from typing import Annotated

import typer
from rich.console import Console

from services.augment import teams_repository
from services.augment.auth import Scope, hash_key, new_key
from shared.db.session import session_scope
from shared.settings import CommonSettings

keys_app = typer.Typer(help="API keys for teams of the augmentation service.", no_args_is_help=True)


@keys_app.command("create")
def create_key(
    team: Annotated[str, typer.Argument(help="team name (created if new)")],
    scope: Annotated[Scope, typer.Option(help="read, write or admin")] = Scope.WRITE,
    database_url: Annotated[str | None, typer.Option(help="default: ROUNDTRIP_DATABASE_URL")] = None,
) -> None:
    """Create a key; only its hash is stored, so copy it now."""
    url = database_url or CommonSettings().database_url
    key = new_key()
    with session_scope(url) as session:
        owner = teams_repository.get_or_create_team(session, team)
        teams_repository.add_key(
            session, team=owner, key_hash=hash_key(key), prefix=key[:8], scope=scope.value
        )
    Console(stderr=True).print(f"API key for team {team!r} (scope {scope.value}); it is not shown again:")
    typer.echo(key)
