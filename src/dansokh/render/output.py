"""Writing rendered files: all at once, new or existing, text or binary (XLSX, DOCX)."""

from __future__ import annotations

from pathlib import Path

from ..writes import write_bytes_atomic


def write_output(path: Path, data: bytes) -> None:
    write_bytes_atomic(path, data)
