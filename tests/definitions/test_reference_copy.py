"""The packaged reference definitions are byte-identical to the repository's."""

from __future__ import annotations

import pathlib

import pytest

from advisory.definitions import reference_root

REPO = pathlib.Path(__file__).resolve().parents[2]
FOLDERS = ("models", "explain", "fairness")


def _tomls(base: pathlib.Path) -> dict[str, bytes]:
    return {
        f"{folder}/{path.name}": path.read_bytes()
        for folder in FOLDERS
        for path in sorted((base / folder).glob("*.toml"))
    }


@pytest.mark.skipif(
    not all((REPO / folder).is_dir() for folder in FOLDERS),
    reason="the repository root with models/, explain/ and fairness/ is not present",
)
def test_packaged_copies_match_repository_root() -> None:
    canonical = _tomls(REPO)
    packaged = _tomls(reference_root())
    assert canonical, "no reference definitions at the repository root"
    assert sorted(packaged) == sorted(canonical)
    for name, content in canonical.items():
        assert packaged[name] == content, (
            f"src/advisory/reference/{name} differs from {name}; copy the root file over it."
        )
