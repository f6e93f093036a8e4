"""Columns of text made by Arrow: the dtype pandas infers for text (`str`), without its inference.

Its own module, importing nothing of ours, so that the rollups' readers (`open_pack`) and the page reads
(`queries`, which imports the rollups) can both use it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own `str` dtype, as it infers text columns


def text_column(values):
    """A column of text (None or NaN: missing) with the dtype pandas would infer for it (`str`), built
    straight from an Arrow array: several times faster than pandas' own inference. A column with no text
    at all, or with values that are not text, is left to pandas (the values come back as they are)."""
    try:
        found = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return values
    return values if found.null_count == len(found) else pd.arrays.ArrowStringArray(found, dtype=TEXT)
