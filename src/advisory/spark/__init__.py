"""Context, reviews and audit counts from records held as Spark DataFrames.

National and regional analyses keep their records on Spark. This package
runs the library's own pandas code on Spark, not a second implementation:
cases are grouped by household, each group receives every record its cases
can read (each table with its own columns), and a Python worker computes
the group exactly as on one machine (``applyInArrow``). What only all the
records can say (each agency's recording days, the first day of its
coverage, the snapshot date) is computed once and handed to every group. A
fitted model travels as its skops bundle.

Needs the ``spark`` extra (``pip install 'advisory[spark]'``) and Java 17.
"""

from __future__ import annotations

from advisory.spark._context import SparkCaseContext, context_on_spark
from advisory.spark._counts import audit_counts_on_spark
from advisory.spark._io import read_records_on_spark
from advisory.spark._reviews import reviews_on_spark

__all__ = [
    "SparkCaseContext",
    "audit_counts_on_spark",
    "context_on_spark",
    "read_records_on_spark",
    "reviews_on_spark",
]
