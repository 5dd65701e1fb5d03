"""The project's own wheel, packed from the installed package for the logged model."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import advisory
from advisory.tracking._wheel import pack_wheel


def test_wheel_holds_the_package_its_metadata_and_a_true_record(tmp_path: Path) -> None:
    wheel = pack_wheel(tmp_path)
    assert wheel.name == f"advisory-{advisory.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"advisory-{advisory.__version__}.dist-info"
        package = Path(advisory.__file__).parent
        expected = {
            f"advisory/{p.relative_to(package).as_posix()}"
            for p in package.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        }
        assert expected <= names
        assert "advisory/reference/explain/reference.toml" in names
        assert "advisory/py.typed" in names
        assert not any("__pycache__" in n for n in names)
        metadata = archive.read(f"{info}/METADATA").decode()
        assert "Requires-Dist: numpy" in metadata
        assert "advisory = advisory.cli:main" in archive.read(f"{info}/entry_points.txt").decode()
        record = archive.read(f"{info}/RECORD").decode().splitlines()
        assert len(record) == len(names)
        for line in record:
            name, digest, size = line.rsplit(",", 2)
            if name.endswith("RECORD"):
                continue
            data = archive.read(name)
            expected_digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == f"sha256={expected_digest.decode()}", name
            assert int(size) == len(data)
    assert pack_wheel(tmp_path).read_bytes() == wheel.read_bytes()  # reproducible


@pytest.mark.slow
def test_pip_installs_the_wheel_and_it_imports(tmp_path: Path) -> None:
    wheel = pack_wheel(tmp_path)
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import advisory, advisory.definitions as d; print(advisory.__file__, d.reference_root())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(target), "PATH": ""},
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert str(target) in out.split()[0]
    assert str(target) in out.split()[1]
