"""Showing text that came from data or a URL safely (never as HTML or markdown)."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object, limit: int = 80) -> str:
    """`text` escaped so markdown shows it literally, cut to `limit` characters."""
    value = str(text)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return _MARKDOWN.sub(r"\\\1", value)
