"""Bytes to text, and a first look at what kind of file we were given."""

from __future__ import annotations

from .errors import LimitExceeded, UnreadableFile
from .records import Limits

_MAGIC = (
    (b"%PDF", "a PDF"),
    (b"PK\x03\x04", "a zip archive or Excel workbook"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
)


def check_size(data: bytes, limits: Limits) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UnreadableFile("the importer needs the file's bytes")
    if len(data) > limits.max_bytes:
        raise LimitExceeded(
            f"the file is {len(data):,} bytes; the limit is {limits.max_bytes:,}"
        )
    if not data.strip():
        raise UnreadableFile("the file is empty")


def binary_kind(data: bytes) -> str | None:
    """Name the kind of a binary file we recognise, or None for text-like files."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def refuse_binary(data: bytes, expected: str) -> None:
    kind = binary_kind(data)
    if kind:
        raise UnreadableFile(f"this looks like {kind}, not {expected}")
    if b"\x00" in data[:4096]:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return  # UTF-16 text; decode() handles it
        raise UnreadableFile(f"this looks like a binary file, not {expected}")


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode strictly: BOM, then the declared charset, then UTF-8, then Windows-1252.

    Returns (text, encoding used). Never decodes with errors="replace": a wrong guess
    should show as a refusal, not as silently damaged payee names.
    """
    data = bytes(data)
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    candidates = [c for c in (declared, "utf-8", "cp1252", "latin-1") if c]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnreadableFile("the file's text encoding could not be recognised")  # pragma: no cover


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"the file says it is {encoding} but byte {exc.start} is not valid {encoding}"
        ) from None
