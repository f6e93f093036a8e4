"""Showing text that came from data or a URL safely (never as HTML or markdown)."""

from __future__ import annotations

import re
import unicodedata

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object, limit: int = 80) -> str:
    """`text` escaped so markdown shows it literally, without control, direction or invisible
    characters (a right-to-left override cannot reverse the message), cut to `limit` characters."""
    value = "".join(c for c in str(text) if unicodedata.category(c) not in ("Cc", "Cf"))
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return _MARKDOWN.sub(r"\\\1", value)


def rows(n: int) -> str:
    """A count of rows in words: "1 row", "1,204 rows"."""
    return f"{n:,} row" if n == 1 else f"{n:,} rows"
