"""A throw-away PostgreSQL server for tests and benchmarks (Debian's postgresql).

``initdb`` into a temporary folder, ``postgres`` on a free loopback port in
its own process group, readiness polled by connecting, and the whole group
stopped at the end. As root the server runs as the ``postgres`` user
(``initdb`` refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType

__all__ = ["TemporaryPostgres", "find_postgres_bin"]


def find_postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding ``initdb``, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: p.split("/")[4])
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TemporaryPostgres:
    """Start a PostgreSQL server for the duration of a ``with`` block."""

    def __init__(self, *, durable: bool = False) -> None:
        bin_dir = find_postgres_bin()
        if bin_dir is None:
            raise RuntimeError(
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                "run `make postgres` (apt-get install postgresql)."
            )
        self.bin_dir = bin_dir
        self.durable = durable
        self.port = 0
        self.folder = Path(tempfile.mkdtemp(prefix="advisory-pg-"))
        self._process: subprocess.Popen[bytes] | None = None

    def _as_owner(self, *args: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    def __enter__(self) -> TemporaryPostgres:
        data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            self._as_owner(
                str(self.bin_dir / "initdb"),
                "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync",
            ),
            check=True,
            capture_output=True,
        )  # fmt: skip
        self.port = _free_port()
        settings = ["-c", "fsync=off", "-c", "synchronous_commit=off"] if not self.durable else []
        log = (self.folder / "server.log").open("wb")
        self._process = subprocess.Popen(
            self._as_owner(
                str(self.bin_dir / "postgres"),
                "-D", str(data), "-p", str(self.port), "-h", "127.0.0.1",
                "-k", str(self.folder), "-c", "max_connections=50", *settings,
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60.0) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            if self._process is not None and self._process.poll() is not None:
                log = (self.folder / "server.log").read_text(errors="replace")
                raise RuntimeError(f"PostgreSQL stopped while starting:\n{log}")
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def dsn(self, database: str) -> str:
        """A libpq connection string for a database of this server."""
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def new_database(self) -> str:
        """Create an empty database and return its SQLAlchemy URL (psycopg 3)."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # fast shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
