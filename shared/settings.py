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


@lru_cache
def get_common_settings() -> CommonSettings:
    return CommonSettings()
