"""Settings every Roundtrip process shares, read from ROUNDTRIP_* variables and `.env`."""

from functools import lru_cache
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "ROUNDTRIP_"


def default_database_url() -> str:
    """The embedded store: one SQLite file in the user's cache directory."""
    path = Path(user_cache_dir("roundtrip")) / "roundtrip.db"
    return f"sqlite:///{path}"


class CommonSettings(BaseSettings):
    """Settings of the store and logging, shared by the CLI, the API and the workers."""

    # Empty values (as in a copied .env.example) mean "use the default".
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", env_ignore_empty=True
    )

    database_url: str = Field(default_factory=default_database_url)
    redis_url: str = "redis://localhost:6379/0"
    # A task not acknowledged within this many seconds is handed to another worker (Redis broker).
    broker_visibility_timeout_s: int = 3600
    # Where training runs keep checkpoints, predictions and plots (shared by API and train workers).
    artifacts_dir: Path = Field(default_factory=lambda: Path(user_data_dir("roundtrip")) / "artifacts")
    log_level: str = "INFO"
    log_json: bool = False

    # Fail fast: a database or broker that does not answer is an error within these bounds.
    db_connect_timeout_s: int = Field(default=5, ge=1)
    db_statement_timeout_s: int = Field(default=120, ge=1)
    db_pool_timeout_s: int = Field(default=5, ge=1)
    redis_socket_timeout_s: float = Field(default=5.0, gt=0)

    # Delivery: a worker holding a chunk or run renews its lease every `heartbeat_s`; a lease not
    # renewed for `lease_s` has lapsed and the sweeper (every `sweep_interval_s`, in each worker)
    # hands the work out again. Work not sent `outbox_grace_s` after it was accepted is sent.
    heartbeat_s: float = Field(default=10.0, gt=0)
    lease_s: float = Field(default=60.0, gt=0)
    sweep_interval_s: float = Field(default=15.0, gt=0)
    outbox_grace_s: float = Field(default=10.0, ge=0)
    # A training run whose worker dies this many times fails with the reason.
    run_max_attempts: int = Field(default=2, ge=1)


@lru_cache
def get_common_settings() -> CommonSettings:
    return CommonSettings()
