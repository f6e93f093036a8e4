"""Text from a URL or a file is shown literally: no markdown, no direction tricks."""

import pytest

from components.widgets.text import plain


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("Sam Lowe", "Sam Lowe"),
        ("**bold**", "\\*\\*bold\\*\\*"),
        ("[x](http://evil)", "\\[x\\]\\(http\\:\\/\\/evil\\)".replace("\\/", "/")),
        ("<b>hi</b>", "\\<b\\>hi\\</b\\>"),
        ("abc\u202edcba", "abcdcba"),  # right-to-left override removed
        ("zero\u200bwidth", "zerowidth"),  # zero-width space removed
        ("tab\tand\nnewline", "tabandnewline"),
        ("x" * 100, "x" * 79 + "…"),
    ],
)
def test_plain(raw, shown):
    assert plain(raw) == shown
