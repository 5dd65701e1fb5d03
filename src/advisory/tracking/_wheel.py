"""The installed ``advisory`` package as a wheel, logged with the model.

``mlflow models serve`` (with the ``virtualenv`` or ``uv`` environment
manager) installs the model's pip requirements into a fresh environment.
``advisory`` is on no package index a council or vendor uses, so the run
carries its own wheel and the requirements point at it. The wheel is packed
from the installed package itself (its files and its installed metadata),
offline and without build tools, so it holds exactly the code that trained
the model, whether ``advisory`` was installed from a wheel or in editable
mode.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import zipfile
from pathlib import Path
from typing import Final

__all__ = ["pack_wheel"]

_PACKAGE: Final = "advisory"
#: A fixed time stamp for every member, so the same code gives the same wheel.
_DATE_TIME: Final = (1980, 1, 1, 0, 0, 0)
_SKIP_SUFFIXES: Final = (".pyc", ".pyo")


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode('ascii')}"


def _package_files(root: Path) -> list[tuple[str, bytes]]:
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in _SKIP_SUFFIXES:
            continue
        files.append((f"{_PACKAGE}/{path.relative_to(root).as_posix()}", path.read_bytes()))
    return files


def pack_wheel(folder: Path) -> Path:
    """Write the installed ``advisory`` package as a pure-Python wheel into ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        An existing folder.

    Returns
    -------
    pathlib.Path
        The wheel, ``advisory-<version>-py3-none-any.whl``: the package's
        files (code, definitions, schemas, templates), the installed
        ``METADATA`` (with its dependency ranges), entry points, licence
        files and a ``RECORD`` of SHA-256 hashes.

    Examples
    --------
    >>> import tempfile, zipfile
    >>> wheel = pack_wheel(Path(tempfile.mkdtemp()))
    >>> wheel.name.endswith("-py3-none-any.whl")
    True
    >>> "advisory/tracking/_wheel.py" in zipfile.ZipFile(wheel).namelist()
    True
    """
    distribution = importlib.metadata.distribution(_PACKAGE)
    version = distribution.version
    info = f"{_PACKAGE}-{version}.dist-info"
    members = _package_files(Path(__file__).resolve().parents[1])
    metadata = distribution.read_text("METADATA") or f"Name: {_PACKAGE}\nVersion: {version}\n"
    members.append((f"{info}/METADATA", metadata.encode("utf-8")))
    entry_points = distribution.read_text("entry_points.txt")
    if entry_points:
        members.append((f"{info}/entry_points.txt", entry_points.encode("utf-8")))
    for file in distribution.files or ():
        if file.parts[0] == f"{_PACKAGE}-{version}.dist-info" and "licenses" in file.parts:
            members.append((file.as_posix(), Path(str(file.locate())).read_bytes()))
    wheel_text = (
        "Wheel-Version: 1.0\nGenerator: advisory.tracking\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n"
    )
    members.append((f"{info}/WHEEL", wheel_text.encode("utf-8")))
    record = [f"{name},{_record_hash(data)},{len(data)}" for name, data in members]
    record.append(f"{info}/RECORD,,")
    members.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    path = folder / f"{_PACKAGE}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            member = zipfile.ZipInfo(name, date_time=_DATE_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            archive.writestr(member, data)
    return path
