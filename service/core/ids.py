"""Id parameters in paths and queries, bounded to what the databases can hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from service.core.schemas import MAX_ID

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
