from __future__ import annotations

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, CreatedMixin


class Blob(CreatedMixin, Base):
    """Raw uploaded bytes, content-addressed by SHA-256 and stored once whoever sends them."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
