"""Cohen's kappa, the one way every stage computes it: two reviewers' screening decisions,
two coders' codes, two appraisers' overall judgements.

scikit-learn computes it (imported here, when a kappa is asked for, not at start-up); where
it is 0/0 (both raters used one and the same label throughout) the answer is None, which the
messages say as "undefined", never a number.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence


def cohen_kappa(a: Sequence[object], b: Sequence[object]) -> float | None:
    """Cohen's kappa of two equal-length label lists, None where it is undefined (0/0)."""
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    if not a:
        return None
    with warnings.catch_warnings():
        # A label both raters use on every item (or on none) has p_e = 1: kappa is 0/0.
        # scikit-learn warns and returns nan; the callers say "undefined" instead.
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(
            [str(x) for x in a], [str(x) for x in b], replace_undefined_by=np.nan
        )
    return None if math.isnan(value) else float(value)
