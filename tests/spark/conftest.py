"""One local Spark session for every Spark test (local[2], no UI).

Java 17 and pyspark are part of the test environment (`make test` installs
pyspark from pyproject.toml; the machine image has Java 17): when either is
missing the tests fail with a message saying so, they are not skipped.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail(
            "The Spark tests need Java 17 (java on PATH or JAVA_HOME); install it, "
            "e.g. apt-get install openjdk-17-jre-headless."
        )
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - the dev extra installs pyspark
        pytest.fail(f"The Spark tests need pyspark ({exc}); run `make .venv/.installed-dev`.")
    # the Python workers must run this interpreter (with advisory and pyarrow installed)
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("advisory-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
