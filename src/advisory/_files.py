"""Writing files so that nothing is lost or half-written.

- A file is written to a temporary file in the same folder and moved into
  place with :func:`os.replace` only when complete (:func:`atomic_file`), so a
  failure or Ctrl-C leaves the previous file, or nothing.
- A folder of outputs is written into a temporary sibling folder, ends with
  the marker file :data:`COMPLETE_MARKER` written last, and is then moved into
  place (:func:`atomic_folder`); a reader can tell a complete folder by it.
- :func:`check_output` runs before any work: it refuses an output that is also
  an input, an existing output unless ``force``, and a place that cannot be
  written (under a file, a read-only or virtual file system such as /proc).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Final, Literal

from advisory._errors import OutputError

__all__ = [
    "COMPLETE_MARKER",
    "atomic_file",
    "atomic_folder",
    "check_output",
    "is_complete",
    "make_folder",
    "mark_complete",
    "write_bytes",
    "write_text",
]

#: Written last into every folder of outputs; its presence means the folder is complete.
COMPLETE_MARKER: Final = ".advisory-complete.json"


def _writable_parent(path: Path, what: str) -> None:
    parent = path.parent
    for ancestor in [parent, *parent.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputError(
                    f"The {what} {path} cannot be written: {ancestor} is a file, not a folder. "
                    "Choose another path."
                )
            break
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=parent, prefix=f".{path.name}.", suffix=".check"):
            pass
    except OSError as exc:
        raise OutputError(
            f"The {what} {path} cannot be written in {parent} ({exc.strerror or exc}). "
            "Choose a folder you can write to."
        ) from exc


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    force: bool = False,
    kind: Literal["file", "folder"] = "file",
    what: str = "output",
) -> Path:
    """Check an output path before any work is done; return it resolved.

    Parameters
    ----------
    path : str or os.PathLike
        The output file or folder.
    inputs : iterable of path
        Files and folders the same run reads; the output may not be one of
        them, hold one of them, or lie inside an input folder.
    force : bool, default False
        Replace an existing output (otherwise refused).
    kind : {"file", "folder"}
        What the output is.
    what : str
        How to name the output in messages (``"--out"``).

    Raises
    ------
    advisory.OutputError
        Naming the path and the fix.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "cases.csv").write_text("case_id")
    7
    >>> check_output(folder / "cases.csv", inputs=[folder])
    Traceback (most recent call last):
    ...
    advisory._errors.OutputError: The output ... is also an input (...); ...
    """
    out = Path(path).expanduser().absolute()
    resolved = out.resolve()
    for given in inputs:
        source = Path(given).expanduser().resolve()
        if _inside(resolved, source) or _inside(source, resolved):
            raise OutputError(
                f"The {what} {out} is also an input ({source}); writing it would destroy the "
                "input. Choose an output outside the inputs."
            )
    if out.exists() or out.is_symlink():
        if kind == "file" and not out.is_file():
            raise OutputError(f"The {what} {out} exists and is not a file; choose a file name.")
        if kind == "folder" and not out.is_dir():
            raise OutputError(f"The {what} {out} exists and is not a folder; choose a folder.")
        if not force and not (kind == "folder" and not any(out.iterdir())):
            raise OutputError(
                f"The {what} {out} already exists; nothing was changed. Pass --force "
                "(force=True) to replace it, or choose another path."
            )
    _writable_parent(out, what)
    return out


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], mode: Literal["w", "wb"] = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; move it to ``path`` only when the block succeeds.

    On any exception, including ``KeyboardInterrupt``, the temporary file is
    removed and ``path`` is left as it was.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_file(path) as handle:
    ...     _ = handle.write("done")
    >>> path.read_text()
    'done'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        encoding = None if "b" in mode else "utf-8"
        handle: IO[Any]
        with os.fdopen(fd, str(mode), encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path) as handle:
        handle.write(text)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path, "wb") as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; move its files in place, marked complete.

    Everything is written into the temporary folder first, so an exception or
    Ctrl-C during the work leaves ``path`` exactly as it was (the temporary
    folder is removed). On success a new ``path`` is the renamed temporary
    folder; into an existing ``path`` (its files replaced only with
    ``force``; other files are kept) the marker :data:`COMPLETE_MARKER` is
    removed first, each file is renamed into place, and the marker is written
    last, so a reader can always tell a complete folder.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "report"
    >>> with atomic_folder(target) as folder:
    ...     _ = (folder / "a.txt").write_text("a")
    >>> sorted(p.name for p in target.iterdir()), is_complete(target)
    (['.advisory-complete.json', 'a.txt'], True)
    """
    target = Path(path).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(
        tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    )
    try:
        yield temporary
        if not target.exists():
            mark_complete(temporary)
            os.replace(temporary, target)
            return
        files = [p for p in sorted(temporary.rglob("*")) if not p.is_dir()]
        clashes = [p for p in files if (target / p.relative_to(temporary)).exists()]
        if clashes and not force:
            raise OutputError(
                f"The output folder {target} already has {clashes[0].relative_to(temporary)}; "
                "nothing was replaced. Pass --force (force=True) to replace it."
            )
        (target / COMPLETE_MARKER).unlink(missing_ok=True)
        for source in files:
            destination = target / source.relative_to(temporary)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, destination)
        mark_complete(target)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def make_folder(path: str | os.PathLike[str], what: str = "output folder") -> Path:
    """Create ``path`` (and its parents) or raise :class:`~advisory.OutputError` naming it.

    Examples
    --------
    >>> make_folder("/proc/advisory-cannot-be-here")
    Traceback (most recent call last):
    ...
    advisory._errors.OutputError: The output folder /proc/advisory-cannot-be-here cannot be ...
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"The {what} {folder} cannot be created ({exc.strerror or exc}); "
            "choose a folder you can write to."
        ) from exc
    return folder


def mark_complete(folder: str | os.PathLike[str]) -> None:
    """Write the marker :data:`COMPLETE_MARKER` into ``folder``; call it after every other file."""
    marker = {"complete": True, "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    write_text(Path(folder) / COMPLETE_MARKER, json.dumps(marker) + "\n")


def is_complete(folder: str | os.PathLike[str]) -> bool:
    """Return whether ``folder`` holds the marker written last by :func:`atomic_folder`."""
    return (Path(folder) / COMPLETE_MARKER).is_file()
