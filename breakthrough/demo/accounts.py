"""The accounts, and which rep works which of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from breakthrough.demo import names as nm
from breakthrough.demo.org import Org


@dataclass
class Accounts:
    """Account names and tiers, and each rep's territory split into target and other accounts."""

    names: np.ndarray
    target: np.ndarray
    tier: np.ndarray
    territory: tuple[np.ndarray, np.ndarray]  # (targets, others): (reps, width) padded account indexes
    sizes: tuple[np.ndarray, np.ndarray]  # how many of each a rep has

    @staticmethod
    def make(rng: np.random.Generator, n: int, org: Org) -> Accounts:
        """`n` distinct accounts, a third tier "A" targets, dealt out to the reps as territories."""
        words = [(a, b, c) for a in nm.ACCOUNT_WORDS for b in nm.ACCOUNT_TRADES for c in nm.ACCOUNT_FORMS]
        picked = rng.permutation(len(words))[:n]
        names = np.array([" ".join(words[i]) for i in picked], dtype=object)
        target = np.arange(n) % 3 == 0
        tier = np.where(target, "A", np.where(rng.random(n) < 0.5, "B", "C")).astype(object)
        pools = [np.nonzero(target)[0], np.nonzero(~target)[0]]
        dealt = [_deal(rng, pool, org.n) for pool in pools]
        return Accounts(names, target, tier, (dealt[0][0], dealt[1][0]), (dealt[0][1], dealt[1][1]))

    def pick(self, rng: np.random.Generator, reps: np.ndarray, share_target: np.ndarray) -> np.ndarray:
        """An account from each rep's territory, a target one with the rep's target share."""
        use_target = (rng.random(len(reps)) < share_target[reps]) & (self.sizes[0][reps] > 0)
        which = use_target.astype(int)
        u = rng.random(len(reps))
        t_idx = (u * self.sizes[0][reps]).astype(int)
        o_idx = (u * self.sizes[1][reps]).astype(int)
        picked_t = self.territory[0][reps, np.minimum(t_idx, self.territory[0].shape[1] - 1)]
        picked_o = self.territory[1][reps, np.minimum(o_idx, self.territory[1].shape[1] - 1)]
        return np.where(which == 1, picked_t, picked_o)

    def rows(self) -> list[dict]:
        return [
            {"id": i + 1, "name": name, "tier": tier, "is_target": bool(t)}
            for i, (name, tier, t) in enumerate(zip(self.names, self.tier, self.target))
        ]


def _deal(rng: np.random.Generator, pool: np.ndarray, n_reps: int) -> tuple[np.ndarray, np.ndarray]:
    """Deal `pool` round-robin to the reps: a padded (reps, width) index array and each rep's count."""
    shuffled = rng.permutation(pool)
    width = max(1, -(-len(shuffled) // n_reps))
    grid = np.full((n_reps, width), -1, dtype=int)
    owner = np.arange(len(shuffled)) % n_reps
    grid[owner, np.arange(len(shuffled)) // n_reps] = shuffled
    return grid, np.bincount(owner, minlength=n_reps)
