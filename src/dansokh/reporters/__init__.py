"""Reporters turn one Result into one output format; they never decide anything."""

from __future__ import annotations

from .base import Reporter
from .json import JsonReporter
from .text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {"text": TextReporter, "json": JsonReporter}

__all__ = ["REPORTERS", "Reporter"]
