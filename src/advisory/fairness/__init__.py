"""Bias and validity audit: assess a tool's scores, calibration and explanations by group.

:func:`audit` takes any tool's outputs — the recorded outcome, the tool's
scores and the cases' sensitive attributes — so an ethics board can audit a
tool this library did not build. It measures threshold-free metrics first
(ROC-AUC, average precision, Brier score, calibration in the large and slope,
mean predicted against observed rate), and metrics at an operating point only
when one is given, labelled as such. Every metric has a bootstrap interval,
by group, for intersections of attributes, and as a difference and ratio to a
reference group. Small or disclosive groups are suppressed, with secondary
suppression so totals cannot reveal them. The result, :class:`Audit`, reports
what was measured and how sure it is: where an interval cannot tell a
difference from none it says "insufficient evidence", never that a score is
fair.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from advisory.fairness import audit
>>> rng = np.random.default_rng(1)
>>> scores = rng.uniform(size=300)
>>> y = (rng.uniform(size=300) < scores).astype(int)
>>> result = audit(y, scores, pd.DataFrame({"sex": rng.choice(["F", "M"], 300)}), n_boot=50)
>>> result.attributes, result.metrics[:2]
(('sex',), ('roc_auc', 'pr_auc'))
"""

from __future__ import annotations

from advisory.fairness._audit import audit, withheld_group_sizes
from advisory.fairness._linkage import LinkageQuality, linkage_quality
from advisory.fairness._metrics import METRICS, Metric
from advisory.fairness._parity import ParityAudit, parity_audit
from advisory.fairness._proxies import ProxyAudit, proxy_audit
from advisory.fairness._result import Audit
from advisory.fairness._sections import label_section, subject_section, validity_section

__all__ = [
    "METRICS",
    "Audit",
    "LinkageQuality",
    "Metric",
    "ParityAudit",
    "ProxyAudit",
    "audit",
    "label_section",
    "linkage_quality",
    "parity_audit",
    "proxy_audit",
    "subject_section",
    "validity_section",
    "withheld_group_sizes",
]
