"""The audit report: sections, suppression, escaping, wording, round trip, bad input."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path

import numpy as np
import pytest

from advisory._errors import InputError, ParameterError
from advisory.reports import (
    FILE_NAMES,
    audit_json,
    render_html,
    render_model_card,
    write_report,
)

#: Our prose never calls anything fair or unbiased, nor speaks of a "risk score". The guard
#: is strict on purpose: no word starting with "fair" (so not "fairness" either).
BANNED = re.compile(r"\b(fair\w*|unfair\w*|unbiased|debiased|risk[ -]scores?)\b", re.IGNORECASE)
TEMPLATES = Path(__file__).parents[2] / "src" / "advisory" / "reports" / "templates"


def _text(page: str) -> str:
    """The visible text and attribute values of a page (images dropped)."""
    page = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


SMALL_GROUP = "Other"


@pytest.fixture
def full_html(full_dict) -> str:
    return render_html(full_dict)


@pytest.fixture
def bare_html(bare_dict) -> str:
    return render_html(bare_dict)


HEADINGS = [
    "Summary",
    "What was measured and how sure we are",
    "The outcome label",
    "Validity against simple baselines",
    "How the scores perform in each group",
    "Differences between groups",
    "Proxies: factors that reveal a group",
    "What practitioners see, by group",
    "Suppressed groups",
    "What the model cannot see",
    "Limitations",
    "Glossary",
]


def test_every_section_is_present_in_order(full_html):
    found = re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', full_html)
    assert [html.unescape(h) for h in found] == HEADINGS
    text = _text(full_html)
    assert "Known biases of this label" in text
    assert LABEL_TEXT in text
    assert "not demonstrably better than a plain logistic regression" in text
    assert "Homelessness applications" in text  # a proxy carrier
    assert "Police domestic abuse notifications" in text  # attribution and call-out parity
    assert "<details>" in full_html


LABEL_TEXT = "Child protection plan started within 12 months of the referral"


def test_null_sections_say_plainly_they_were_not_assessed(bare_html, bare_dict):
    text = " ".join(_text(bare_html).split())
    found = re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', bare_html)
    assert [html.unescape(h) for h in found] == HEADINGS
    assert "The outcome label was not described to this audit. Ask the tool's owner" in text
    assert "Validity against simple baselines was not assessed" in text
    assert "The proxies could not be assessed: the audit was given another tool's scores" in text
    assert "attribution and call-out parity could not be assessed" in text
    assert LABEL_TEXT not in text
    card = render_model_card(json.loads(audit_json(bare_dict)))
    assert "ask its owner" in card
    assert "The outcome label was not described" in card


@pytest.mark.parametrize("section", ["label", "validity", "proxies", "parity"])
def test_each_section_alone_can_be_null(full_dict, section):
    full_dict[section] = None
    text = _text(render_html(full_dict))
    assert "could not be assessed" in text or "not assessed" in text or "not described" in text
    card = render_model_card(full_dict)
    assert card.startswith("# Model card: cp\\_plan\\_12m additive\\_boosting model")


def test_model_card_has_its_sections(full_dict):
    card = render_model_card(full_dict)
    headings = re.findall(r"^## (.+)$", card, flags=re.MULTILINE)
    assert headings == [
        "Intended use",
        "Out-of-scope uses",
        "The outcome label",
        "Validity against simple baselines",
        "Audit summary",
        "Suppression",
        "What the model cannot see",
        "Limitations",
    ]
    assert "prompts for a practitioner's review" in card
    assert "never makes a decision" in card


# -- suppression -----------------------------------------------------------------------------


def _hidden_numbers(audit_dict, audit_data) -> dict[str, set[str]]:
    """For every suppressed group: its true rates, as the report would print them."""
    y, scores, sensitive = audit_data
    sensitive = sensitive.assign(
        **{"ethnicity x sex": sensitive["ethnicity"] + " & " + sensitive["sex"]}
    )
    hidden: dict[str, set[str]] = {}
    for g in audit_dict["groups"]:
        if not g["suppressed"]:
            continue
        rows = (sensitive[g["attribute"]] == g["group"]).to_numpy()
        n = int(rows.sum())
        assert n > 0
        observed, mean = y[rows].mean(), scores[rows].mean()
        # as the report prints an estimate: followed by its interval
        hidden[f"{g['attribute']}: {g['group']}"] = {
            f"{100 * observed:.1f}% (",
            f"{100 * mean:.1f}% (",
            f"{100 * (mean - observed):+.1f} points (",
            f'"estimate": {float(observed)!r},',
            f'"n": {n},',
        }
    return hidden


def test_the_fixture_suppresses_the_small_group_and_a_second_one(full_dict):
    hidden = {
        g["group"] for g in full_dict["groups"] if g["suppressed"] and g["attribute"] == "ethnicity"
    }
    assert SMALL_GROUP in hidden
    assert len(hidden) >= 2  # secondary suppression


def test_suppressed_groups_show_no_count_or_estimate_anywhere(full_dict, audit_data):
    page = render_html(full_dict)
    card = render_model_card(full_dict)
    document = json.loads(audit_json(full_dict))
    hidden = _hidden_numbers(full_dict, audit_data)
    assert hidden
    texts = {"html": _text(page), "markdown": card, "json": json.dumps(document, indent=1)}
    for name, text in texts.items():
        for group, numbers in hidden.items():
            for number in numbers:
                assert number not in text, f"{name} shows {number} of suppressed {group}"
    # every table row about a suppressed group says so and has no digit besides its name
    marked = [
        row
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.DOTALL)
        if "suppressed: fewer than" in row
    ]
    assert len(marked) >= len(hidden)  # each suppressed group has at least one row
    for row in marked:
        cells = re.sub(r"<[^>]+>", "|", row)
        assert "suppressed: fewer than 10 cases or disclosive" in cells
        shown = cells.replace("fewer than 10 cases", "")
        assert not re.search(r"\d", shown), row
    # the JSON's suppressed entries carry nothing but their name
    for section in (document["groups"], document["proxies"], document["parity"]["attribution"]):
        for entry in section:
            if entry["suppressed"]:
                assert set(entry) <= {"attribute", "group", "factor", "suppressed"}


def test_suppressed_groups_are_marked_in_every_table(full_dict):
    page = render_html(full_dict)
    n_hidden = sum(1 for g in full_dict["groups"] if g["suppressed"])
    n_metrics = len(next(g for g in full_dict["groups"] if not g["suppressed"])["metrics"])
    marks = page.count('<td class="suppressed"')
    # every metric table, plus one hidden proxy and one hidden parity cell
    assert marks == n_hidden * n_metrics + 2
    assert "(suppressed)" not in page  # charts mark them in the image, not the text


# -- wording and numbers -----------------------------------------------------------------------


def test_templates_never_use_the_banned_words():
    for path in TEMPLATES.iterdir():
        assert not BANNED.search(path.read_text(encoding="utf-8")), path.name


@pytest.mark.parametrize("which", ["full", "bare"])
def test_rendered_prose_never_uses_the_banned_words(full_dict, bare_dict, which):
    data = full_dict if which == "full" else bare_dict
    for text in (_text(render_html(data)), render_model_card(data)):
        found = BANNED.findall(text)
        assert not found, found
    assert BANNED.search("a fair model") and BANNED.search("the risk score")
    assert BANNED.search("fairness") and BANNED.search("Risk-Scores")
    assert not BANNED.search("public affairs; riskier scores")  # whole words only


NUMBER = re.compile(r"(?<![\w.])[+-]?\d+\.\d{3}\b|(?<![\w.])[+-]?\d+\.\d%|[+-]\d+\.\d points")


def test_no_estimate_without_its_interval(full_dict):
    """Every printed estimate (3 decimals, a percentage or points) sits next to an interval."""
    text = " ".join(_text(render_html(full_dict)).split())
    found = [m.group() for m in NUMBER.finditer(text)]
    # the page prints estimates in each of the three forms; a pattern that matched none
    # of them would let this test pass on a page without a single interval
    assert any(re.fullmatch(r"[+-]?\d+\.\d{3}", n) for n in found), found[:10]
    assert any(n.endswith("%") for n in found), found[:10]
    assert any(n.endswith("points") for n in found), found[:10]
    for match in NUMBER.finditer(text):
        around = text[max(0, match.start() - 80) : match.end() + 60]
        assert "interval" in around, around


def test_a_metric_that_could_not_be_estimated_says_so(full_dict):
    group = next(g for g in full_dict["groups"] if not g["suppressed"])
    metric = next(iter(group["metrics"]))
    group["metrics"][metric] = {
        "kind": "threshold-free",
        "estimate": 0.61,
        "interval": [None, None],
    }
    text = _text(render_html(full_dict))
    assert "could not be estimated" in text
    assert "0.610" not in text


# -- escaping ----------------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> $a$ | *b* [c](d)'


def test_hostile_group_names_are_escaped(full_dict):
    for entry in full_dict["groups"] + full_dict["disparities"]:
        if entry["group"] == "Asian":
            entry["group"] = HOSTILE
    full_dict["subject"]["description"] = "<img src=x onerror=alert(1)>"
    page = render_html(full_dict)
    assert "<script" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    card = render_model_card(full_dict)
    assert "<script" not in card and "<img" not in card
    assert "# Model card: &lt;img src=x onerror=alert(1)&gt;" in card


def test_model_card_escapes_markdown(full_dict):
    full_dict["label"]["known_biases"] = ["a | b *c* [d](e) # f &amp;"]
    card = render_model_card(full_dict)
    assert r"a \| b \*c\* \[d\](e) \# f &amp;amp;" in card


# -- JSON, schema and round trip -----------------------------------------------------------------


def test_json_round_trip_gives_the_same_report(full_dict, tmp_path):
    first = write_report(full_dict, tmp_path / "a", title="Board report")
    loaded = json.loads(first.json.read_text(encoding="utf-8"))
    second = write_report(loaded, tmp_path / "b", title="Board report")
    assert first.html.read_text() == second.html.read_text()
    assert first.model_card.read_text() == second.model_card.read_text()
    assert first.json.read_text() == second.json.read_text()
    assert loaded["schema"] == "urn:advisory:audit:v1"
    assert re.fullmatch(r"advisory \S+", loaded["generated_by"])
    written = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert written == sorted([*FILE_NAMES.values(), ".advisory-complete.json"])


def test_an_audit_and_its_dict_give_the_same_report(real_audit):
    assert render_html(real_audit) == render_html(real_audit.to_dict())
    assert audit_json(real_audit) == audit_json(json.loads(audit_json(real_audit)))


def test_the_report_is_self_contained(full_html):
    assert "<script" not in full_html
    assert not re.search(r"""(src|href)=["'](?!data:image/png;base64,|#)""", full_html)
    assert "@import" not in full_html and "url(" not in full_html
    assert full_html.count("<img ") == len(re.findall(r'alt="Chart of [^"]+"', full_html))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("groups", 0, "n"), "many", r"groups\[0\]\.n must be of type integer; got str"),
        (("disparities", 1, "assessment"), "fair", r"disparities\[1\]\.assessment must be one of"),
        (("confidence",), 1.5, r"confidence must be < 1"),
        (("validity", "split"), "sideways", r"validity\.split must be one of"),
        (("parity", "units", "extra"), "x", r"parity\.units has keys the schema does not allow"),
        (("subject", "kind"), "oracle", r"subject\.kind must be one of"),
    ],
)
def test_a_dict_that_breaks_the_schema_names_the_key(full_dict, path, value, message):
    target = full_dict
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InputError, match=message):
        render_html(full_dict)
    with pytest.raises(InputError, match=r"audit\.schema\.json"):
        audit_json(full_dict)


def test_a_suppressed_entry_with_a_count_is_rejected(full_dict):
    proxy = copy.deepcopy(full_dict)
    entry = next(g for g in full_dict["groups"] if g["suppressed"])
    entry["n"] = 7
    with pytest.raises(
        InputError, match=r"groups\[\d+\] has keys the schema does not allow \['n'\]"
    ):
        audit_json(full_dict)
    proxy["proxies"][2]["auc"] = {"estimate": 0.9, "interval": [0.8, 1.0]}
    with pytest.raises(InputError, match=r"proxies\[2\] has keys the schema does not allow"):
        audit_json(proxy)


def test_a_missing_section_key_is_named(full_dict):
    del full_dict["parity"]
    with pytest.raises(InputError, match="the top level lacks the required key 'parity'"):
        write_report(full_dict, "unused-folder-never-created")
    assert not Path("unused-folder-never-created").exists()


def test_nan_and_other_schemas_are_rejected(full_dict):
    bad = copy.deepcopy(full_dict)
    bad["disparities"][0]["estimate"] = float("nan")
    with pytest.raises(InputError, match="null for a value that could not be estimated"):
        audit_json(bad)
    full_dict["schema"] = "urn:advisory:audit:v0"
    with pytest.raises(InputError, match="written for schema 'urn:advisory:audit:v0'"):
        audit_json(full_dict)
    with pytest.raises(ParameterError, match="'audit' parameter of render_html"):
        render_html(np.zeros(3))  # type: ignore[arg-type]


def test_a_folder_that_is_a_file_is_refused(full_dict, tmp_path):
    target = tmp_path / "report"
    target.write_text("not a folder")
    with pytest.raises(ParameterError, match="'folder' parameter of write_report must be a folder"):
        write_report(full_dict, target)
    assert target.read_text() == "not a folder"


def test_write_report_creates_nested_folders(full_dict, tmp_path):
    files = write_report(full_dict, tmp_path / "x" / "y")
    assert files.html.exists() and files.json.exists() and files.model_card.exists()
