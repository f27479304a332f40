"""Tables of the Roundtrip store. Every change here comes with a migration in migrations/versions."""

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, JsonType


class TranslationLeg(Base):
    """One cached translation leg (e.g. ko→en) of one normalised source text.

    Keyed by a hash of everything that determines the output, so one row serves every job and
    team that asks for the same text, model, revision and decoding settings.
    """

    __tablename__ = "translation_legs"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_text: Mapped[str] = mapped_column(Text)
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(512))
    revision: Mapped[str] = mapped_column(String(128))
    decoding: Mapped[dict[str, Any]] = mapped_column(JsonType)
    outputs: Mapped[list[str]] = mapped_column(JsonType)
    produced_by: Mapped[str | None] = mapped_column(String(128), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
