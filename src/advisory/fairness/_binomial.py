"""Wilson score intervals for proportions, vectorised (no scipy: cheap to import)."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from advisory._result import DEFAULT_CONFIDENCE

__all__ = ["wilson_interval"]


def wilson_interval(
    successes: npt.ArrayLike, n: npt.ArrayLike, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Wilson score interval of proportions ``successes / n``.

    Honest at small counts and at 0 and 1 (the interval never leaves [0, 1]
    and is not empty at the edges). Where ``n`` is 0 both ends are NaN.

    Parameters
    ----------
    successes, n : array-like of int
        Counts, element by element.
    confidence : float, default 0.9
        The interval's level (the library's one default, ``DEFAULT_CONFIDENCE``).

    Returns
    -------
    tuple of ndarray
        Lower and upper ends.

    Examples
    --------
    >>> low, high = wilson_interval([0, 5, 10], [10, 10, 10], confidence=0.95)
    >>> [round(float(x), 3) for x in low], [round(float(x), 3) for x in high]
    ([0.0, 0.237, 0.722], [0.278, 0.763, 1.0])
    """
    k = np.asarray(successes, dtype=np.float64)
    m = np.asarray(n, dtype=np.float64)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / m
        denom = 1 + z * z / m
        centre = (p + z * z / (2 * m)) / denom
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / denom
    # exact ends at 0 and 1 (no rounding residue such as 1e-19)
    low = np.where(m > 0, np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0)), np.nan)
    high = np.where(m > 0, np.where(k >= m, 1.0, np.clip(centre + half, 0.0, 1.0)), np.nan)
    return low, high
