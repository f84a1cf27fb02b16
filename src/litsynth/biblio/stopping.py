"""When can a reviewer stop screening? A statistical stopping rule with a recall target.

The rule is Callaghan & Müller-Hansen (2020), "Statistical stopping criteria for automated
screening in systematic reviews" (Systematic Reviews 9:273), in its ranked form. Treat the last
n records screened as a sample drawn from the urn of records that were unseen just before them
(N_urn = N − seen + n). Prioritised screening puts likely includes first, so such a sample
holds includes no less often than a random one would, which makes the test conservative.

- ρ_seen: includes found so far. ρ_AL: includes found before the sample. k: includes in it.
- H0 is "recall < τ". Its smallest case leaves K_tar = ⌊ρ_seen/τ − ρ_AL⌋ + 1 includes in the
  urn.
- p = P(X ≤ k) for X ~ Hypergeometric(N_urn, K_tar, n). When p < α for some window, H0 is
  rejected: recall ≥ τ with confidence 1 − α.
- Only windows that begin just after an include need testing. Widening a window over
  excludes only adds evidence; widening it over an include raises both k and K_tar. These
  starting points plus the whole screened run are the candidates.

Worked example: N = 1,000 records, 600 screened in priority order, 50 includes found, the last
of them the 450th record, τ = 0.95. Take the window of the last 150 records (k = 0):
N_urn = 400 + 150 = 550. Then ρ_AL = 50, K_tar = ⌊50/0.95 − 50⌋ + 1 = 3, and
p = C(547,150) / C(550,150) ≈ 0.384 for that window. The rule takes the smallest p over all
the windows; if the other 49 includes were the first 49 records, the window after them gives
0.203. Either way: do not stop yet.

`more_to_screen` answers "how many more?": how many further excludes in a row would let the
rule say stop, if no include turns up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

RULE = "callaghan-mueller-hansen-2020.ranked"


def p_text(p: float) -> str:
    """'p = 0.031', or 'p < 0.001' where three decimals would print a p of 0.000."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


@dataclass(frozen=True)
class StoppingVerdict:
    """What the rule says after `seen` records with `found` includes."""

    stop: bool
    p_value: float  # the smallest over the candidate windows (1.0 before any include)
    target_recall: float
    alpha: float
    seen: int
    found: int
    n_records: int
    more_to_screen: int | None  # further excludes in a row that would let it stop; None: never

    def summary(self) -> str:
        goal = f"{self.target_recall:.0%} recall with {1 - self.alpha:.0%} confidence"
        if self.n_records == 0:
            return "no records at this stage yet: nothing to screen"
        if self.seen >= self.n_records:
            return "stop: every record is screened, so none is left to find"
        if self.stop:
            return f"stop: {goal} is reached ({p_text(self.p_value)})"
        if self.found == 0:
            # recall is a share of the includes: until one is found, nothing bounds it
            return (
                f"keep screening: no include yet, so {goal} can be shown only once one is"
                " found (or every record is screened)"
            )
        if self.more_to_screen is None:
            return f"keep screening: {goal} cannot be shown before the end"
        return f"keep screening: about {self.more_to_screen} more excludes in a row to show {goal}"

    def to_json(self) -> dict[str, object]:
        return {"rule": RULE, **self.__dict__, "summary": self.summary()}


def p_value(
    labels: Sequence[int],
    n_records: int,
    target_recall: float = 0.95,
    random_from: int | None = None,
) -> float:
    """The smallest p over the candidate windows of the screened labels (1 = include), in
    screening order; 1.0 before the first include (nothing to test).

    `random_from`: the labels from that position on are a random sample of the records not
    screened before it (the paper's switch to random sampling). Then that window alone is
    tested, and exactly: the ranked windows are conservative only while the ranking still
    finds includes.
    """
    from scipy.stats import hypergeom  # here, not at import: the CLI starts without SciPy

    seen = len(labels)
    found = int(sum(labels))
    if found == 0 or seen == 0:
        return 1.0
    if random_from is not None and 0 <= random_from < seen:
        # With a random sample, only the sample is tested, exactly, as in the paper. A window
        # chosen to start just after an include inside it is a biased sample (with such
        # windows the rule stopped short of the target in 4 runs of 10 on Kwok 2020, without
        # them in 2). A ranked window running into the sample is conservative only while the
        # ranking still puts includes first, which is no longer so once it has been given up.
        windows = [(random_from, int(sum(labels[:random_from])))]
    else:
        positions = [i for i, y in enumerate(labels) if y]
        # Windows begin at 0 (nothing found before it) or just after the j-th include.
        windows = [(0, 0), *((p + 1, j) for j, p in enumerate(positions, start=1))]
    best = 1.0
    for start, rho_al in windows:
        n = seen - start
        if n <= 0:
            continue
        k = found - rho_al
        k_tar = math.floor(found / target_recall - rho_al) + 1
        n_urn = n_records - seen + n
        if k_tar > n_urn:
            return 0.0  # H0 would need more includes than records left: recall ≥ τ for sure
        best = min(best, float(hypergeom.cdf(k, n_urn, k_tar, n)))
    return best


def verdict(
    labels: Sequence[int],
    n_records: int,
    *,
    target_recall: float = 0.95,
    alpha: float = 0.05,
    random_from: int | None = None,
) -> StoppingVerdict:
    """The rule's verdict on the screened labels (1 = include, 0 = exclude) in order;
    `random_from` as in `p_value`."""
    p = p_value(labels, n_records, target_recall, random_from)
    found = int(sum(labels))
    done = 0 < n_records <= len(labels)  # nothing unseen: recall is whole, whatever p says
    more: int | None = 0
    if p >= alpha and not done:
        more = _more_to_screen(list(labels), n_records, target_recall, alpha, random_from)
    stop = p < alpha or done
    return StoppingVerdict(stop, p, target_recall, alpha, len(labels), found, n_records, more)


def _more_to_screen(
    labels: list[int],
    n_records: int,
    target_recall: float,
    alpha: float,
    random_from: int | None = None,
) -> int | None:
    """Further excludes in a row until p < α (binary search: p falls as excludes are added)."""
    left = n_records - len(labels)
    if left <= 0 or not sum(labels):
        return None
    if p_value(labels + [0] * left, n_records, target_recall, random_from) >= alpha:
        return None
    low, high = 1, left
    while low < high:
        mid = (low + high) // 2
        if p_value(labels + [0] * mid, n_records, target_recall, random_from) < alpha:
            high = mid
        else:
            low = mid + 1
    return low
