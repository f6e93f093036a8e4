"""A small company for the Talent tests, written either as rows straight into the tables or through the
importer from CSV files shaped like the templates (the same records either way).

people: (name, role, team, manager, hire, end); quotas: (name, month start, amount);
deals: (name, created, close, status, amount[, currency: USD if left out]); calls: (name, day, how many).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from breakthrough.importing import upload
from breakthrough.importing.templates import csv_bytes
from breakthrough.importing.write import commit
from breakthrough.store import rollups
from breakthrough.store.models import Activity, Opportunity, Person, Quota, Team

NOW = dt.datetime(2026, 11, 27, 9, 0)
STAGE = {"won": "Closed Won", "lost": "Closed Lost", "open": "Proposal"}


def email(name: str) -> str:
    return f"{name.lower()}@talent.example"


def write(engine, how: str, people, quotas=(), deals=(), calls=()) -> dict[str, int]:
    """Write the company (`how`: "rows" or "import"); its people's ids by name."""
    (_rows if how == "rows" else _import)(engine, people, quotas, deals, calls)
    with engine.connect() as conn:
        return {name: pid for pid, name in conn.execute(select(Person.id, Person.name)).all()}


def _rows(engine, people, quotas, deals, calls) -> None:
    with engine.begin() as conn:
        teams = sorted({p[2] for p in people if p[2]})
        conn.execute(insert(Team), [{"id": i + 1, "name": t} for i, t in enumerate(teams)])
        ids = {p[0]: i + 1 for i, p in enumerate(people)}
        conn.execute(insert(Person), [
            {"id": ids[name], "name": name, "name_key": name.lower(), "email": email(name), "role": role,
             "team_id": teams.index(team) + 1 if team else None, "manager_id": ids.get(manager),
             "hire_date": hire, "end_date": end, "active": end is None}
            for name, role, team, manager, hire, end in people
        ])  # fmt: skip
        if quotas:
            conn.execute(insert(Quota), [{"person_id": ids[n], "period": "month", "period_start": s, "amount": a,
                                          "currency": "USD"} for n, s, a in quotas])  # fmt: skip
        if deals:
            conn.execute(insert(Opportunity), [
                {"source": "t", "external_id": f"O{i}", "owner_id": ids[n], "name": f"Deal {i}", "created_date": c,
                 "close_date": d, "stage": STAGE[s], "status": s, "amount": a, "currency": (*cur, "USD")[0]}
                for i, (n, c, d, s, a, *cur) in enumerate(deals)
            ])  # fmt: skip
        rows = [{"source": "t", "external_id": f"A{name}{day}{k}", "rep_id": ids[name],
                 "ts": dt.datetime.combine(day, dt.time(10)), "day": day, "type": "call", "outcome": "connected"}
                for name, day, n in calls for k in range(n)]  # fmt: skip
        if rows:
            conn.execute(insert(Activity), rows)
        rollups.refresh_activity_daily(conn)
        rollups.refresh_opportunity_rollups(conn)


def _import(engine, people, quotas, deals, calls) -> None:
    files = [("people.csv", [["name", "email", "role", "team", "manager", "hire_date", "end_date", "active"]] + [
        [n, email(n), r, t or "", m or "", h.isoformat() if h else "", e.isoformat() if e else "",
         "no" if e else "yes"] for n, r, t, m, h, e in people])]  # fmt: skip
    if quotas:
        files.append(("quotas.csv", [["person", "period_start", "period", "amount", "currency"]]
                      + [[email(n), s.strftime("%Y-%m"), "month", a, "USD"] for n, s, a in quotas]))  # fmt: skip
    if deals:
        files.append(("opportunities.csv", [["crm_id", "owner", "name", "stage", "amount", "currency", "close_date",
                                             "created_date"]]
                      + [[f"O{i}", n, f"Deal {i}", STAGE[s], a, (*cur, "USD")[0], d.isoformat(), c.isoformat()]
                         for i, (n, c, d, s, a, *cur) in enumerate(deals)]))  # fmt: skip
    if calls:
        files.append(("activities.csv", [["crm_id", "owner", "date", "type", "outcome"]]
                      + [[f"A{n}{day}{k}", n, day.isoformat(), "call", "connected"]
                         for n, day, count in calls for k in range(count)]))  # fmt: skip
    for name, rows in files:
        raw = csv_bytes(rows)
        found = upload.inspect(engine, raw)
        assert not found.questions, (name, [q.header for q in found.questions])
        outcome = commit.commit(engine, raw, found.plan, name, now=NOW)
        assert outcome.accepted == outcome.rows_read > 0, (name, [(r.line, r.reason) for r in outcome.rejects])
