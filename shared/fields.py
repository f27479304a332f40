"""Bounded field types for request schemas: every id, name and text has a length a column holds."""

from typing import Annotated

from pydantic import Field, StringConstraints

Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=256)]
ModelName = Annotated[str, StringConstraints(min_length=1, max_length=512)]
Revision = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Pivot = Annotated[str, Field(min_length=2, max_length=8)]
