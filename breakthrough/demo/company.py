"""The company's shape: its norms, sizes (`SCALES`), regions and teams, currencies and stages.

Northwind runs on team norms (`Norms`); each rep gets modest noise around them (`NOISE`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LEADER = "Catherine Vance"
DOMAIN = "northwind.example"
SOURCE = "demo"
CHUNK = 50_000
LEAD_IN_DAYS = 120  # opportunities (no activities) before the data start, so early quarters close deals
EUR_PER_USD = 1 / 1.08
REGION_CURRENCY = {"Europe": "EUR", "DACH": "EUR", "Nordics": "EUR", "Benelux": "EUR", "UK & Ireland": "GBP"}
GBP_PER_USD = 1 / 1.27
STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")
STAGE_PROBABILITY = (0.1, 0.2, 0.5, 0.75)


@dataclass(frozen=True)
class Norms:
    """What an ordinary rep does: per week volumes, conversion rates, deal size (USD), cycle."""

    calls_week: float = 50.0
    emails_week: float = 25.0
    c2m: float = 0.12
    m2o: float = 0.5
    win_rate: float = 0.30
    deal_size: float = 25_000.0
    cycle_days: float = 45.0
    target_share: float = 0.4

    def monthly_won(self) -> float:
        """Closed-won amount an ordinary rep produces per month in steady state."""
        opps_week = self.calls_week * self.c2m * self.m2o
        return opps_week * self.win_rate * self.deal_size * 52 / 12


@dataclass(frozen=True)
class Scale:
    """Size of the organisation: regions with their teams, reps per team, accounts, norms."""

    regions: tuple[tuple[str, tuple[str, ...]], ...]
    reps_per_team: int
    accounts: int
    norms: Norms = field(default_factory=Norms)


def _grid(n_regions: int, n_teams: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Regions named from `REGIONS`, each with `n_teams` segment teams."""
    return tuple((r, tuple(f"{r} {s}" for s in SEGMENTS[:n_teams])) for r in REGIONS[:n_regions])


REGIONS = (
    "Americas",
    "Europe",
    "APAC",
    "LATAM",
    "Middle East & Africa",
    "Nordics",
    "DACH",
    "UK & Ireland",
    "Benelux",
    "ANZ",
)
SEGMENTS = (
    "Enterprise",
    "Mid-Market",
    "Commercial",
    "SMB",
    "Strategic",
    "Public Sector",
    "Healthcare",
    "Financial Services",
    "Retail",
    "Manufacturing",
)
BIG = Norms(calls_week=80.0, emails_week=20.0, c2m=0.25)  # M and L: busier reps, for benchmarks
SCALES: dict[str, Scale] = {
    "S": Scale((("Americas", ("Enterprise East", "Enterprise West", "Mid-Market")), ("Europe", ("EMEA",))), 6, 300),
    "M": Scale(_grid(5, 4), 10, 2_500, BIG),
    "L": Scale(_grid(10, 10), 10, 10_000, BIG),
}

NOISE = {
    "calls_week": 0.12,
    "emails_week": 0.15,
    "c2m": 0.12,
    "m2o": 0.10,
    "win_rate": 0.12,
    "deal_size": 0.15,
    "cycle_days": 0.15,
    "target_share": 0.25,
}
