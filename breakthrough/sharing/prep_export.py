"""The one-on-one prep sheet as files (docs/coaching.md#one-on-one-prep): one print-friendly HTML page and an
Excel workbook.

The HTML page is the Jinja2 template `templates/prep_sheet.html.j2`, rendered with autoescape: names,
commitments and questions are text, never HTML. The workbook goes through `exports.excel_bytes`, which
neutralises cells a spreadsheet would run as a formula. Commitment texts are left out when the view may not
show them (privacy mode: `visibility.commitment_texts_allowed`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from breakthrough.coaching.prep import Block, Prep
from breakthrough.formatting import day, money
from breakthrough.metrics import drivers
from breakthrough.sharing import exports, links

HIDDEN = "(hidden in privacy mode)"


def deal_link(base_url: str, prep: Prep, block: Block) -> str:
    """Where a rep's deals to inspect are listed: the Pipeline page's hygiene for that rep, that day."""
    return links.view_link(base_url, "pipeline", period=prep.period, as_of=prep.as_of, rep=block.name)


def rep_link(base_url: str, prep: Prep, block: Block) -> str:
    return links.view_link(base_url, "rep", period=prep.period, as_of=prep.as_of, rep=block.name)


def sheet_link(base_url: str, prep: Prep) -> str:
    return links.view_link(base_url, "prep", prep_manager=prep.manager, week=prep.week)


def _deal_amount(amount: float | None, currency: str | None) -> str:
    return money(amount, currency or "USD") if amount is not None else "–"


def html(prep: Prep, base_url: str, created: dt.datetime, commitment_texts: bool = True) -> str:
    """The sheet as one self-contained, print-friendly HTML page."""
    blocks = []
    for n, b in enumerate(prep.blocks, start=1):
        blocks.append(
            {
                "n": n,
                "b": b,
                "focus": b.focus_label,
                "focus_value": money(b.focus_value, prep.currency) if b.focus else "",
                "change": b.change_text(prep.currency),
                "commitments": [
                    {
                        "text": c.text if commitment_texts else HIDDEN,
                        "driver": drivers.label(c.driver),
                        "due": day(c.due_date),
                        "status": c.status,
                    }
                    for c in b.commitments
                ],
                "cadence": [{"label": c.label, "words": c.in_words(), "late": c.late} for c in b.cadence],
                "deals": [
                    {
                        "name": d.name or d.crm_id or f"#{d.id}",
                        "crm": d.crm_id or "",
                        "amount": _deal_amount(d.amount, d.currency),
                        "close": day(d.close_date),
                        "reasons": ", ".join(d.reasons),
                    }
                    for d in b.deals
                ],  # fmt: skip
                "deals_link": deal_link(base_url, prep, b),
                "rep_link": rep_link(base_url, prep, b),
            }
        )
    return (
        exports.templates()
        .get_template("prep_sheet.html.j2")
        .render(
            prep=prep,
            week_words=f"{prep.week} · figures as of {day(prep.as_of)} · {prep.period.label}",
            link=sheet_link(base_url, prep),
            created=created.strftime("%d %b %Y %H:%M"),
            blocks=blocks,
        )
        + "\n"
    )


def rows(prep: Prep, commitment_texts: bool = True) -> pd.DataFrame:
    """The sheet as one table: a row per item (status, focus, commitment, cadence, deal, question) per rep."""
    out: list[dict] = []

    order = {b.rep_id: n for n, b in enumerate(prep.blocks, start=1)}

    def add(b: Block, part: str, item: str, detail: str = "", value: float | None = None) -> None:
        out.append({"Order": order[b.rep_id], "Rep": b.name, "Part": part, "Item": item, "Detail": detail,
                    "Value": value})  # fmt: skip

    for b in prep.blocks:
        add(b, "Status", b.status, b.status_text)
        add(b, "Pace", "weekly pace", b.pace_text)
        add(b, "Focus driver", b.focus_label, b.change_text(prep.currency), b.focus_value if b.focus else None)
        for c in b.commitments:
            text = c.text if commitment_texts else HIDDEN
            add(b, "Commitment", text, f"{c.status}, due {day(c.due_date)}, driver {drivers.label(c.driver)}")
        for k in b.cadence:
            add(b, "Cadence", k.label, k.in_words(), float(k.days_since) if k.days_since is not None else None)
        for d in b.deals:
            add(b, "Deal to inspect", d.name or d.crm_id or f"#{d.id}", f"{', '.join(d.reasons)}; closes {day(d.close_date)}",
                d.amount)  # fmt: skip
        for q in b.questions:
            add(b, "Question", q)
    return pd.DataFrame(out, columns=["Order", "Rep", "Part", "Item", "Detail", "Value"])


def excel(prep: Prep, commitment_texts: bool = True) -> bytes:
    """The sheet as an Excel workbook (one sheet, formulas neutralised)."""
    return exports.excel_bytes(rows(prep, commitment_texts), sheet=f"Prep {prep.week}")


def file_stem(prep: Prep) -> str:
    return exports.file_stem("one-on-one-prep", prep.manager, prep.week)
