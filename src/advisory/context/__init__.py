"""Case context from multi-agency records, as of each case's reference date.

:func:`build_context` turns records (people, household memberships,
relationships, events, coverage, cases) into the factors of a model
specification, with provenance for every value, every household member
surfaced separately and every data gap stated. Unknown is never zero.
:func:`index_records` prepares records once for fast single-case look-ups;
given a :class:`RecordsSummary` of all the records, an index of a part of them
(one group of households) gives its cases the context the whole would give.
The records contract (tables, columns, vocabularies) is written out in
``docs/records.md`` and as JSON Schema (:func:`records_schema`);
:func:`find_problems` lists every problem of a set of records at once.
"""

from __future__ import annotations

from advisory.context._build import RecordIndex, build_context, index_records
from advisory.context._contract import ID_PATTERN, LINK_COLUMNS, RELATIONSHIPS, records_schema
from advisory.context._io import read_records, read_snapshot_date
from advisory.context._mapping import RecordMapping, apply_mapping, read_mapping
from advisory.context._records import SCHEMA, Records, check_records, find_problems
from advisory.context._result import CaseContext
from advisory.context._sql import read_records_sql
from advisory.context._summary import RecordsSummary

__all__ = [
    "ID_PATTERN",
    "LINK_COLUMNS",
    "RELATIONSHIPS",
    "SCHEMA",
    "CaseContext",
    "RecordIndex",
    "RecordMapping",
    "Records",
    "RecordsSummary",
    "apply_mapping",
    "build_context",
    "check_records",
    "find_problems",
    "index_records",
    "read_mapping",
    "read_records",
    "read_records_sql",
    "read_snapshot_date",
    "records_schema",
]
