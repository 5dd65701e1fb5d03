"""The ethics-board report of an audit: HTML, JSON with a schema, and a model card.

:func:`write_report` writes three files from an :class:`advisory.fairness.Audit`
(or from a dict loaded from a report's own JSON, so a saved audit can be
rendered again):

- ``audit_report.html``: one self-contained page for non-specialists (inline
  CSS, charts as embedded PNG images, no scripts or links), summary first,
  every number with its interval, suppressed groups marked;
- ``audit.json``: the audit's dict with ``schema`` (``urn:advisory:audit:v1``,
  see :func:`audit_schema`) and ``generated_by``;
- ``model_card.md``: the same facts, compactly, in Markdown.

:func:`write_oversight_report` writes the board's oversight section (how the
prompts are used, and drift since the audit) from :mod:`advisory.oversight`'s
results.

Everything is rendered from ``Audit.to_dict()``, so both inputs give the same
report. The report assesses and describes; where an interval cannot tell a
difference from none it says "insufficient evidence of a difference".

Examples
--------
>>> import numpy as np, pandas as pd
>>> from advisory.fairness import audit
>>> from advisory.reports import render_html
>>> rng = np.random.default_rng(0)
>>> s = rng.uniform(size=300)
>>> y = (rng.uniform(size=300) < s).astype(int)
>>> result = audit(y, s, pd.DataFrame({"sex": rng.choice(["F", "M"], 300)}), n_boot=20)
>>> render_html(result).startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

from advisory.reports._oversight import render_oversight_html, write_oversight_report
from advisory.reports._render import audit_json, render_html, render_model_card
from advisory.reports._schema import SCHEMA_ID, audit_schema, check_audit_document
from advisory.reports._write import FILE_NAMES, ReportFiles, write_report

__all__ = [
    "FILE_NAMES",
    "SCHEMA_ID",
    "ReportFiles",
    "audit_json",
    "audit_schema",
    "check_audit_document",
    "render_html",
    "render_model_card",
    "render_oversight_html",
    "write_oversight_report",
    "write_report",
]
