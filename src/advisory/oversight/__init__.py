"""Oversight: what practitioners do with the prompts, recorded and watched.

The library's promise is that prompts support professional judgement and
never replace it. This subpackage keeps the evidence:

- :class:`Store` — an append-only, hash-chained trail in a real database
  (SQLite file by default, PostgreSQL by URL; schema migrated with Alembic):
  the review issued (case id, review id and hash, model version, definitions
  hashes, snapshot date, prompt ids), the practitioner's **own view before
  the prompts are shown**, each prompt's response with a reason and the time
  taken, and the human decision. No review text, no names: team and
  practitioner are pseudonymous ids from the host. :meth:`Store.verify`
  finds any altered record. A model version switched off in the trail gives
  no more reviews (:func:`check_model_version`).
- :func:`monitor` — agreement and disagreement by prompt, factor, group of
  the child, team and month with Wilson intervals and small-cell
  suppression; time to respond; reviews where every prompt was agreed within
  seconds; own view first; disagreement reasons; prompts nobody finds
  relevant; plain findings for the board — observations about how the
  prompts are used, never a judgement of a worker.
- :func:`link_decisions` — practitioners' answers to "records to confirm"
  (a review's ``confirm:<record>`` prompts) as
  :class:`advisory.linkage.LinkDecisions` for the next linkage run: agreed
  is confirmed, disagreed is rejected.
- :func:`drift` — population stability per factor of new cases against the
  audited ones (bootstrap intervals), calibration drift once outcomes
  arrive, and a plain statement when a re-audit is due under the audit
  policy's declared limits.

Needs the ``oversight`` extra (``pip install 'advisory[oversight]'``).
"""

from __future__ import annotations

from advisory.oversight._adapter import ReviewPrompts, review_hash, review_prompts
from advisory.oversight._decisions import link_decisions
from advisory.oversight._drift import Calibration, DriftCheck, drift
from advisory.oversight._errors import ModelSwitchedOffError, OversightError, StoreVersionError
from advisory.oversight._monitor import Finding, OversightMonitor, monitor
from advisory.oversight._simulated import record_simulated
from advisory.oversight._store import Store, Verification, check_model_version

__all__ = [
    "Calibration",
    "DriftCheck",
    "Finding",
    "ModelSwitchedOffError",
    "OversightError",
    "OversightMonitor",
    "ReviewPrompts",
    "Store",
    "StoreVersionError",
    "Verification",
    "check_model_version",
    "drift",
    "link_decisions",
    "monitor",
    "record_simulated",
    "review_hash",
    "review_prompts",
]
