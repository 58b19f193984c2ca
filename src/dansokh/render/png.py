"""Bars as small PNG pictures, for the Word report: written with the standard library (zlib), so
that no imaging or plotting package is needed.  A picture holds no text: the document writes the
label and the figure beside it, in its own font, so that they read and search as text.

A bar is a grey track 150 % of the target wide, the share filled in the verdict's colour, a black
line at the target (100 %) and an amber one at the share expected by now; a stacked bar is a
row of coloured parts (a unit's indicators: achieved, on track, short, without a result).
"""

from __future__ import annotations

import struct
import zlib

RGB = tuple[int, int, int]
COLOURS: dict[str, RGB] = {  # as the HTML report draws them (templates/report.css.j2)
    "achieved": (0x2F, 0x85, 0x5A),
    "on track": (0x31, 0x82, 0xCE),
    "behind": (0xC5, 0x30, 0x30),
    "not achieved": (0xC5, 0x30, 0x30),
    "missing": (0xBD, 0xBD, 0xBD),
    "track": (0xF0, 0xF0, 0xF0),
    "target": (0x00, 0x00, 0x00),
    "pace": (0xD6, 0x9E, 0x2E),
    "white": (0xFF, 0xFF, 0xFF),
}
WIDTH, HEIGHT = 600, 36  # pixels; the document sets the printed size
SCALE = 150.0  # the track's width, in % of the target


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode(rows: list[list[RGB]]) -> bytes:
    """An RGB picture, row by row, as a PNG file."""
    height, width = len(rows), len(rows[0])
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")


def _x(share: float) -> int:
    return max(0, min(WIDTH, round(WIDTH * share / SCALE)))


def bar(share: float, verdict: str, expected: float | None = None) -> bytes:
    """One indicator: ``share`` % of the target (capped at 150), a line at 100 % and one at ``expected``."""
    top, bottom = 6, HEIGHT - 6
    filled = _x(share)
    colour = COLOURS.get(verdict, COLOURS["missing"])
    band = [colour] * filled + [COLOURS["track"]] * (WIDTH - filled)
    margin = [COLOURS["white"]] * WIDTH
    rows = [list(band if top <= y < bottom else margin) for y in range(HEIGHT)]
    marks = [(_x(100.0), COLOURS["target"], 2)]
    if expected is not None:
        marks.append((_x(expected), COLOURS["pace"], 4))
    for x, mark, thickness in marks:
        for y in range(HEIGHT):
            for dx in range(thickness):
                column = min(WIDTH - 1, max(0, x - thickness // 2 + dx))
                rows[y][column] = mark
    return encode(rows)


def stacked(parts: list[tuple[str, int]]) -> bytes:
    """A unit's indicators as one bar of coloured parts, in proportion to their counts."""
    top, bottom = 6, HEIGHT - 6
    count = sum(n for _kind, n in parts) or 1
    band: list[RGB] = []
    done = 0
    for kind, n in parts:
        done += n
        band += [COLOURS[kind]] * (round(WIDTH * done / count) - len(band))
    band += [COLOURS["track"]] * (WIDTH - len(band))
    margin = [COLOURS["white"]] * WIDTH
    return encode([band if top <= y < bottom else margin for y in range(HEIGHT)])
