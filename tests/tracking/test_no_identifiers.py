"""No person or case identifier is written to MLflow: params, metrics, tags, artifacts."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

import pytest

from advisory import Advisor
from advisory.datasets import MultiAgencyData
from advisory.tracking import LoggedRun
from advisory.tracking._wheel import pack_wheel

from .conftest import using_tracking_uri
from .mlflow_warnings import MLFLOW_WARNINGS

pytestmark = [pytest.mark.filterwarnings(w) for w in MLFLOW_WARNINGS]

mlflow = pytest.importorskip("mlflow")

#: The synthetic ids: person, case, household (a letter and 7 digits) and event.
ID_PATTERN = re.compile(r"[PCH]\d{7}|E\d{8}")
#: Any token shaped like an id, to look up among the data's actual ids.
TOKEN = re.compile(r"[A-Z]\d+")


def _known_ids(data: MultiAgencyData) -> set[str]:
    ids = set(data.cases["case_id"]) | set(data.people["person_id"])
    ids |= set(data.memberships["household_id"]) | set(data.events["event_id"])
    return {str(i) for i in ids}


#: Inline images (base64 PNG charts of the audit report): random letters and
#: digits that can happen to look like an id; the charts show group names only.
DATA_URI = re.compile(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+")


def find_ids(text: str, known: set[str]) -> set[str]:
    """Ids in ``text``: anything shaped like a synthetic id, and every known id."""
    text = DATA_URI.sub("data:image", text)
    found = set(ID_PATTERN.findall(text))
    found |= set(TOKEN.findall(text)) & known
    return found


def _texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text; skops zips are opened, PNGs skipped."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        name = str(path.relative_to(folder))
        if path.suffix == ".whl":
            # the package's own code, byte for byte what pack_wheel makes of the installed
            # package (test_wheel.py); its docstrings show synthetic ids on purpose
            assert raw == pack_wheel(Path(tempfile.mkdtemp())).read_bytes()
            continue
        if zipfile.is_zipfile(io.BytesIO(raw)):
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                for member in archive.namelist():
                    texts[f"{name}!{member}"] = archive.read(member).decode("latin-1")
        elif path.suffix != ".png":
            texts[name] = raw.decode("utf-8")
    return texts


def test_scanner_finds_ids_in_a_review(fitted: Advisor, tracked_data: MultiAgencyData) -> None:
    # The check below must be able to fail: a review carries case and person ids.
    case_id = str(tracked_data.cases["case_id"].iloc[0])
    review = fitted.review(tracked_data, [case_id])[0].to_json()
    assert case_id in find_ids(review, _known_ids(tracked_data))
    assert find_ids("seen with H0000042 and event E00000007", set()) == {"H0000042", "E00000007"}
    # ... but not inside an inline image's base64 text, and not next to one
    image = '<img src="data:image/png;base64,iVBORP7444982w0KGgo=" alt="C0000001">'
    assert find_ids(image, set()) == {"C0000001"}


@pytest.mark.parametrize("which", ["local_run", pytest.param("server_run", marks=pytest.mark.slow)])
def test_no_identifier_is_logged(
    which: str, request: pytest.FixtureRequest, tracked_data: MultiAgencyData
) -> None:
    run: LoggedRun = request.getfixturevalue(which)
    known = _known_ids(tracked_data)
    client = mlflow.MlflowClient(tracking_uri=run.tracking_uri)
    data = client.get_run(run.run_id).data
    logged = {
        **{f"param {k}": f"{k}={v}" for k, v in data.params.items()},
        **{f"metric {k}": f"{k}={v}" for k, v in data.metrics.items()},
        **{f"tag {k}": f"{k}={v}" for k, v in data.tags.items()},
    }
    with tempfile.TemporaryDirectory() as folder, using_tracking_uri(run.tracking_uri):
        local = Path(client.download_artifacts(run.run_id, "", f"{folder}/run"))
        artifacts = _texts(local)
        model = mlflow.artifacts.download_artifacts(run.model_uri, dst_path=f"{folder}/model")
        artifacts.update({f"model/{k}": v for k, v in _texts(Path(model)).items()})
    assert "model/artifacts/bundle/manifest.json" in artifacts
    assert "model/input_example.json" in artifacts
    assert "model/MLmodel" in artifacts
    assert any(name.endswith("advisor.skops!schema.json") for name in artifacts)
    logged.update(artifacts)
    leaks = {name: sorted(ids) for name, text in logged.items() if (ids := find_ids(text, known))}
    assert leaks == {}
