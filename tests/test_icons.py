"""No emoji in what the dashboard shows (issue #19, item 6): many company laptops and projectors have no emoji
font and draw them as empty boxes. Icons are Streamlit's Material icons (`:material/…:`), which ship with
Streamlit; a status is always said in words as well.

Every string literal (f-strings too) of app.py, components/, pages/ and the domain package is scanned for
pictographs; comments are not shown and are not scanned. The importing code is left out: it reads check
marks (✓, ☑) that people type in their spreadsheets.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = [ROOT / "app.py", *sorted((ROOT / "components").rglob("*.py")), *sorted((ROOT / "pages").rglob("*.py"))]
SCANNED += [p for p in sorted((ROOT / "breakthrough").rglob("*.py")) if "importing" not in p.parts]

# Pictographs and the symbol blocks emoji come from; U+FE0F asks for the emoji form of the character before it.
PICTOGRAPHS = [(0x1F000, 0x1FAFF), (0x2300, 0x23FF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0xFE0F, 0xFE0F)]
TEXT_SYMBOLS = {"★"}  # a plain text star, in DejaVu Sans (Linux) and Segoe UI Symbol (Windows): the heatmap's focus


def pictographs(text: str) -> list[str]:
    return [c for c in text if any(lo <= ord(c) <= hi for lo, hi in PICTOGRAPHS) and c not in TEXT_SYMBOLS]


def strings(path: Path):
    """(line, text) of every string literal in `path`; Python 3.11 tokenizes an f-string as one STRING."""
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type == tokenize.STRING:
            yield tok.start[0], tok.string


@pytest.mark.parametrize(
    ("text", "found"),
    [("🔗 Copy link", ["🔗"]), ("⬇️ CSV", ["⬇", "\ufe0f"]), ("⛔ behind", ["⛔"]), ("⏳", ["⏳"]), ("★ focus", [])],
)
def test_the_scan_finds_emoji_and_leaves_text_symbols(text, found):
    assert pictographs(text) == found


def test_no_string_the_dashboard_shows_holds_an_emoji():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:80]}"
        for path in SCANNED
        for line, text in strings(path)
        if pictographs(text)
    ]
    assert found == [], "use a Material icon (icon=':material/…:' or ':material/…:' in a label) instead"
