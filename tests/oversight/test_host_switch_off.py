"""A model version switched off in the oversight trail stops producing reviews for a host."""

from __future__ import annotations

import pytest

import advisory
from advisory import Advisor
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.oversight import ModelSwitchedOffError, Store


@pytest.fixture(scope="module")
def data():
    return make_multiagency(n_cases=300, seed=1)


@pytest.fixture(scope="module")
def bundle(data, tmp_path_factory):
    advisor = Advisor.from_definitions(reference_root(), model_params={"n_resamples": 4})
    return advisor.fit(data).save(tmp_path_factory.mktemp("host") / "bundle")


def test_switched_off_version_refuses_reviews_until_switched_on(data, bundle, tmp_path):
    url = f"sqlite:///{tmp_path / 'trail.db'}"
    store = Store.open(url)
    reviewer = advisory.load(bundle, oversight=store)
    case = [str(data.cases["case_id"].iloc[0])]
    assert len(reviewer.review_dicts(data, case)) == 1

    store.switch_off(reviewer.model_version, reason="a re-audit is due", by="board-1")
    for call in (reviewer.review, reviewer.review_dicts, reviewer.review_text):
        with pytest.raises(ModelSwitchedOffError, match="re-audit is due"):
            call(data, case)
    # a host that opens the trail by URL sees the same stop
    with pytest.raises(ModelSwitchedOffError):
        advisory.load(bundle, oversight=url).review_html(data, case)

    store.switch_on(reviewer.model_version, reason="re-audited", by="board-1")
    assert reviewer.review_text(data, case)[0].strip()
    store.close()


def test_without_a_trail_nothing_is_checked(data, bundle):
    case = [str(data.cases["case_id"].iloc[0])]
    assert advisory.load(bundle).review_dicts(data, case)[0]["schema"] == "urn:advisory:review:v2"
