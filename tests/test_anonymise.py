"""Privacy mode: other reps become "Rep A", "Rep B"… consistently; the selected rep keeps their name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from breakthrough.sharing import anonymise

# SHA-256 of "breakthrough-rep-<id>" starts with: 1 → 45f563, 2 → f464bb, 3 → 742019, 4 → 30e058,
# 5 → 79c9ba, 6 → 375cf2, 7 → f19bf9; sorted: 4 (30…), 6 (37…), 1 (45…), 3 (74…), 5 (79…), 7 (f1…), 2 (f4…).
HASH_ORDER = [4, 6, 1, 3, 5, 7, 2]
PEOPLE = {1: "Ann Lee", 2: "Bob Stone", 3: "Cy Park", 4: "Di Moss"}


@pytest.mark.parametrize(
    "n, expected",
    [
        (0, "A"),
        (1, "B"),
        (25, "Z"),
        (26, "AA"),  # 27th: one full alphabet, then A again → AA
        (27, "AB"),
        (51, "AZ"),
        (52, "BA"),
        (701, "ZZ"),  # 26 + 26 × 26 = 702 two-or-fewer-letter names: the last is ZZ
        (702, "AAA"),
    ],
)
def test_letters_count_like_spreadsheet_columns(n, expected):
    assert anonymise.letters(n) == expected


def test_order_follows_the_hash_not_the_id_or_the_name():
    assert anonymise.order(range(1, 8)) == HASH_ORDER
    assert anonymise.order([2, 4]) == [4, 2]  # the same relative order for any subset


@pytest.mark.parametrize(
    "scope, keep, expected",
    [
        # everyone in view, hash order 4, 1, 3, 2 → Di A, Ann B, Cy C, Bob D
        ([1, 2, 3, 4], None, {"Di Moss": "Rep A", "Ann Lee": "Rep B", "Cy Park": "Rep C", "Bob Stone": "Rep D"}),
        # Ann selected: she keeps her name and nobody takes her letter B
        ([1, 2, 3, 4], 1, {"Di Moss": "Rep A", "Cy Park": "Rep C", "Bob Stone": "Rep D"}),
        # a team of Bob and Cy: they get the first letters (3 before 2), the others follow (4 before 1)
        ([2, 3], None, {"Cy Park": "Rep A", "Bob Stone": "Rep B", "Di Moss": "Rep C", "Ann Lee": "Rep D"}),
        # nobody in view: the whole list in hash order
        ([], None, {"Di Moss": "Rep A", "Ann Lee": "Rep B", "Cy Park": "Rep C", "Bob Stone": "Rep D"}),
    ],
)
def test_aliases_by_hash_order_view_first_selected_rep_named(scope, keep, expected):
    assert anonymise.aliases(PEOPLE, scope, keep) == expected


def test_aliases_are_the_same_every_time_and_never_shared():
    names = {i: f"Person {i}" for i in range(1, 801)}
    first = anonymise.aliases(names, range(1, 801))
    assert first == anonymise.aliases(dict(reversed(names.items())), reversed(range(1, 801)))
    assert len(set(first.values())) == 800  # 800 reps, 800 different letters
    assert set(first.values()) == {f"Rep {anonymise.letters(n)}" for n in range(800)}


def test_two_reps_with_one_name_share_one_alias():
    # 1 (45…) comes before 2 (f4…): the name takes 1's letter A; 2's letter B is left unused
    assert anonymise.aliases({1: "Sam Lee", 2: "Sam Lee"}) == {"Sam Lee": "Rep A"}


MAPPING = {"Ann": "Rep A", "Ann Lee": "Rep B", "Sofía Álvarez": "Rep C", "O'Neil": "Rep D"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ann", "Rep A"),
        ("Ann Lee", "Rep B"),  # the longer name wins
        ("Annabel met Ann.", "Annabel met Rep A."),  # whole words only
        ("Call with Ann Lee, then Ann", "Call with Rep B, then Rep A"),
        ("Sofía Álvarez's deal", "Rep C's deal"),  # accents are letters too
        ("O'Neil", "Rep D"),  # punctuation inside a name
        ("ann", "ann"),  # names are matched as written
        ("", ""),
    ],
)
def test_names_are_replaced_as_whole_words(text, expected):
    assert anonymise.text(text, MAPPING) == expected


def test_frame_replaces_cells_headers_and_index_and_leaves_numbers():
    data = pd.DataFrame(
        {"Rep": ["Ann", "Bob", None], "Quota": [1.0, 2.0, 3.0], "Ann Lee": ["x", "y", "z"]}, index=["Ann", "b", "c"]
    )
    out = anonymise.frame(data, MAPPING)
    assert list(out["Rep"].iloc[:2]) == ["Rep A", "Bob"] and pd.isna(out["Rep"].iloc[2])
    assert list(out.columns) == ["Rep", "Quota", "Rep B"]
    assert list(out.index) == ["Rep A", "b", "c"]
    assert list(out["Quota"]) == [1.0, 2.0, 3.0]
    assert list(data["Rep"].iloc[:2]) == ["Ann", "Bob"]  # the input is not changed


def test_no_mapping_leaves_the_frame_as_it_is():
    data = pd.DataFrame({"Rep": ["Ann"]})
    assert anonymise.frame(data, {}) is data


def test_figure_labels_hover_legend_and_annotations_are_replaced():
    fig = go.Figure(
        go.Bar(
            y=np.array(["Ann", "Bob"], dtype=object),
            x=[1, 2],
            name="Ann Lee",
            customdata=np.array([["behind", 7], ["on track", 8]], dtype=object),
            hovertext=["Ann: 1 call", "Bob: 2 calls"],
        )
    )
    fig.add_annotation(text="Sofía Álvarez is behind", x=1, y=0)
    out = anonymise.figure(fig, MAPPING)
    assert list(out.data[0].y) == ["Rep A", "Bob"]
    assert out.data[0].name == "Rep B"
    assert list(out.data[0].hovertext) == ["Rep A: 1 call", "Bob: 2 calls"]
    assert [list(row) for row in out.data[0].customdata] == [["behind", 7], ["on track", 8]]
    assert out.layout.annotations[0].text == "Rep C is behind"
    assert list(out.data[0].x) == [1, 2]
    assert list(fig.data[0].y) == ["Ann", "Bob"]  # the input is not changed


@pytest.mark.parametrize("keep, expected", [
    # reps 1, 3 and 4 in hash order 4 (30…), 1 (45…), 3 (74…); manager 2 is never a letter
    (None, {"Di Moss": "Rep A", "Ann Lee": "Rep B", "Cy Park": "Rep C"}),
    (1, {"Di Moss": "Rep A", "Cy Park": "Rep C"}),  # the kept rep's letter B goes unused
])  # fmt: skip
def test_the_directory_gives_letters_to_reps_only(keep, expected):
    people = pd.DataFrame(
        {"name": ["Ann Lee", "Bob Stone", "Cy Park", "Di Moss"], "role": ["rep", "manager", "rep", "rep"]},
        index=[1, 2, 3, 4],
    )
    assert anonymise.of_reps(people, [1, 3, 4], keep) == expected
