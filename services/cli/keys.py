"""`roundtrip keys create TEAM --scope read|write|admin`: a team's API key, shown once."""

from typing import Annotated

import typer
from rich.console import Console

from services.catalog import keys_service
from services.catalog.keys import Scope
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
    with session_scope(url) as session:
        key = keys_service.create_key(session, team, scope)
    Console(stderr=True).print(f"API key for team {team!r} (scope {scope.value}); it is not shown again:")
    typer.echo(key)
