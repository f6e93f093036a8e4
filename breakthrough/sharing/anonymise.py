"""Privacy mode (docs/sharing.md#privacy-mode, `anon=1`): other reps' names become "Rep A", "Rep B"…

A team can look at the spread of figures without anyone being singled out.
The selected rep keeps their name. The letters are the same in every table and
chart of the view, and on every visit: reps in the view get the first letters,
in an order fixed by a hash of their person id — so the letters follow neither
the alphabet nor the order people were imported in, yet "Rep C" is the same
person all through a meeting. The selected rep's letter is not given to anyone
else, so the others keep their letters when a rep is picked.

Names are replaced wherever they stand as whole words: table cells, column
names, index labels, and every label, hover text and legend entry of a chart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def letters(n: int) -> str:
    """Spreadsheet-style letters for position `n`: 0 → A, 25 → Z, 26 → AA, 27 → AB, 702 → AAA."""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = ALPHABET[rest] + text
    return text


def order(ids: Iterable[int]) -> list[int]:
    """Person ids in a fixed order unrelated to names or import order (their SHA-256)."""
    return sorted(ids, key=lambda i: hashlib.sha256(f"breakthrough-rep-{int(i)}".encode()).hexdigest())


def aliases(names: Mapping[int, str], scope: Iterable[int] = (), keep: int | None = None) -> dict[str, str]:
    """Real name → "Rep X" for every rep in `names` (person id → name) but `keep`; `scope` gets the first letters."""
    in_view = set(scope) & set(names)
    ranked = order(in_view) + order(set(names) - in_view)
    kept = names.get(keep) if keep is not None else None
    result: dict[str, str] = {}
    for n, person in enumerate(ranked):
        name = names[person]
        if person != keep and name != kept and name:
            result.setdefault(name, f"Rep {letters(n)}")
    return result


def of_reps(people: pd.DataFrame, scope: Iterable[int] = (), keep: int | None = None) -> dict[str, str]:
    """`aliases` for every rep in the people directory (`queries.people`: indexed by id, `role`, `name`)."""
    reps = people.loc[people["role"] == "rep", "name"]
    return aliases({int(i): str(n) for i, n in reps.items()}, scope, keep)


WORD = re.compile(r"\w+")


@lru_cache(maxsize=256)
def _pattern(names: tuple[str, ...]) -> re.Pattern:
    """One regex matching any of `names` as whole words, longest first (so `Ann Lee` wins over `Ann`)."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@lru_cache(maxsize=32)
def _by_first_word(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Names grouped by their first word, so a text is searched only for names whose first word it holds."""
    index: dict[str, list[str]] = {}
    for name in names:
        words = WORD.findall(name)
        index.setdefault(words[0] if words else "", []).append(name)
    return {word: tuple(group) for word, group in index.items()}


def text(value: str, mapping: Mapping[str, str]) -> str:
    """`value` with every real name in `mapping` replaced by its alias."""
    if not mapping or not value:
        return value
    if value in mapping:
        return mapping[value]
    index = _by_first_word(tuple(sorted(mapping)))
    words = set(WORD.findall(value)) | {""}
    candidates = tuple(sorted(n for w in words & index.keys() for n in index[w]))
    if not candidates:
        return value
    return _pattern(candidates).sub(lambda m: mapping[m.group(0)], value)


def _value(value: object, mapping: Mapping[str, str]) -> object:
    return text(value, mapping) if isinstance(value, str) else value


def frame(data: pd.DataFrame, mapping: Mapping[str, str]) -> pd.DataFrame:
    """A copy of `data` with names replaced in text cells, column names and the index."""
    if not mapping:
        return data
    out = data.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            replaced = {v: _value(v, mapping) for v in col.dropna().unique() if isinstance(v, str)}
            out.isetitem(i, col.map(lambda v, names=replaced: names.get(v, v) if isinstance(v, str) else v))
    out.columns = [_value(c, mapping) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = [_value(v, mapping) for v in out.index]
    return out


def structure(value: Any, mapping: Mapping[str, str]) -> Any:  # a figure's JSON: any nesting
    """Names replaced in every string of a nested dict / list / tuple / numpy array (a figure's JSON)."""
    if isinstance(value, str):
        return text(value, mapping)
    if isinstance(value, dict):
        return {k: structure(v, mapping) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(structure(v, mapping) for v in value)
    if getattr(value, "dtype", None) is not None and value.dtype == object:
        return [structure(v, mapping) for v in value.tolist()]
    return value


def figure(fig, mapping: Mapping[str, str]):
    """A copy of a Plotly figure with names replaced in its labels, hover texts, legend and annotations."""
    if not mapping:
        return fig
    import plotly.graph_objects as go

    return go.Figure(structure(fig.to_dict(), mapping))


def picker_names(names: Iterable[str], chosen: str | None) -> list[str]:
    """What a rep picker may offer in privacy mode: the chosen rep alone (nobody when none is chosen).

    A widget's options are sent to the browser whole, greyed out or not, so a list of every rep would name
    them all in the page's data even while the list stays closed.
    """
    return [n for n in names if chosen is not None and n == chosen][:1]
