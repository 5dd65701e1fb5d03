"""The audit document, and its HTML and Markdown renderings."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from advisory._errors import InputError, ParameterError
from advisory._optional import import_optional
from advisory.reports._plots import metric_chart
from advisory.reports._schema import SCHEMA_ID, check_audit_document
from advisory.reports._view import build_view

if TYPE_CHECKING:
    import jinja2

    from advisory.fairness import Audit

__all__ = ["audit_document", "audit_json", "render_html", "render_model_card"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#])")
#: An ampersand that would start a character reference ("&amp;", "&#60;").
_ENTITY = re.compile(r"&(?=#?\w+;)")


def audit_document(audit: Audit | Mapping[str, Any], owner: str = "audit_json") -> dict[str, Any]:
    """Return the report's JSON document: the audit's dict, ``schema`` and ``generated_by``.

    Parameters
    ----------
    audit : advisory.fairness.Audit or mapping
        An audit, or a dict from ``Audit.to_dict()`` or from a report's JSON.
    owner : str, default="audit_json"
        The public function asking, for error messages.

    Returns
    -------
    dict
        Valid against ``audit.schema.json``.
    """
    from advisory._version import __version__

    if isinstance(audit, Mapping):
        data = dict(audit)
    else:
        from advisory.fairness import Audit

        if not isinstance(audit, Audit):
            raise ParameterError(
                "audit",
                owner,
                "an advisory.fairness.Audit or a dict loaded from a report's JSON",
                type(audit).__name__,
            )
        data = audit.to_dict()
    written = data.pop("schema", SCHEMA_ID)
    if written != SCHEMA_ID:
        raise InputError(
            f"The audit dict was written for schema {written!r}; this version of advisory "
            f"reads {SCHEMA_ID!r}. Re-run the audit with this version."
        )
    data.pop("generated_by", None)
    document = {"schema": SCHEMA_ID, "generated_by": f"advisory {__version__}", **data}
    try:
        text = json.dumps(document, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"The audit dict cannot be written as JSON ({exc}); numbers must be finite "
            "builtins, with null for a value that could not be estimated."
        ) from None
    parsed: dict[str, Any] = json.loads(text)
    check_audit_document(parsed)
    return parsed


def audit_json(audit: Audit | Mapping[str, Any]) -> str:
    """Write the audit as JSON text that validates against ``audit.schema.json``.

    Parameters
    ----------
    audit : advisory.fairness.Audit or mapping
        An audit, or a dict from ``Audit.to_dict()`` or from a report's JSON.

    Returns
    -------
    str
        Indented JSON with ``"schema": "urn:advisory:audit:v1"`` and
        ``"generated_by": "advisory <version>"`` first.

    Raises
    ------
    advisory.InputError
        When a dict does not follow the schema (naming the key path).

    Examples
    --------
    >>> import json, numpy as np, pandas as pd
    >>> from advisory.fairness import audit
    >>> rng = np.random.default_rng(0)
    >>> s = rng.uniform(size=300)
    >>> y = (rng.uniform(size=300) < s).astype(int)
    >>> result = audit(y, s, pd.DataFrame({"sex": rng.choice(["F", "M"], 300)}), n_boot=20)
    >>> json.loads(audit_json(result))["schema"]
    'urn:advisory:audit:v1'
    """
    return json.dumps(audit_document(audit, "audit_json"), indent=2, ensure_ascii=False) + "\n"


@functools.cache
def _environment(kind: str) -> jinja2.Environment:
    jinja = import_optional("jinja2", "fairness", "The audit report")
    loader = jinja.PackageLoader("advisory.reports", "templates")
    if kind == "html":
        env: jinja2.Environment = jinja.Environment(
            loader=loader, autoescape=True, undefined=jinja.StrictUndefined
        )
        env.filters["cell"] = _cell
        return env
    return jinja.Environment(  # type: ignore[no-any-return]
        loader=loader,
        autoescape=False,
        undefined=jinja.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_markdown_text,
    )


def _cell(text: str) -> Any:
    """Lay out a table cell: the estimate, then its interval on a line of its own."""
    from markupsafe import Markup, escape

    head, sep, tail = str(text).partition(" (")
    if not sep:
        return escape(head)
    return escape(head) + Markup('<br><span class="ci">(') + escape(tail) + Markup("</span>")


def _markdown_text(value: object) -> str:
    """Every value printed into the model card, with Markdown and HTML neutralised."""
    text = " ".join(str(value).split())
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _html(document: Mapping[str, Any], title: str | None) -> str:
    view = build_view(document, title=title)
    for table in view["tables"]:  # operating-point metrics too: they are all a tool may give
        table["plot"] = metric_chart(table, view["confidence"])
    return _environment("html").get_template("report.html.j2").render(**view) + "\n"


def _markdown(document: Mapping[str, Any], title: str | None) -> str:
    view = build_view(document, title=title)
    return _environment("markdown").get_template("model_card.md.j2").render(**view)


def render_html(audit: Audit | Mapping[str, Any], *, title: str | None = None) -> str:
    """Render the ethics-board report as one self-contained HTML page.

    Parameters
    ----------
    audit : advisory.fairness.Audit or mapping
        An audit, or a dict from ``Audit.to_dict()`` or from a report's JSON.
    title : str, optional
        The report's title (default "Bias and validity audit").

    Returns
    -------
    str
        HTML with inline CSS and charts as ``data:`` PNG images; no scripts,
        fonts or links to other files.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.fairness import audit
    >>> rng = np.random.default_rng(0)
    >>> s = rng.uniform(size=300)
    >>> y = (rng.uniform(size=300) < s).astype(int)
    >>> result = audit(y, s, pd.DataFrame({"sex": rng.choice(["F", "M"], 300)}), n_boot=20)
    >>> page = render_html(result, title="Audit of tool X")
    >>> '<h2 id="summary">Summary</h2>' in page, "http" in page.replace("https://", "")
    (True, False)
    """
    return _html(audit_document(audit, "render_html"), title)


def render_model_card(audit: Audit | Mapping[str, Any], *, title: str | None = None) -> str:
    """Render the model card: the report's facts, compactly, as Markdown.

    Parameters
    ----------
    audit : advisory.fairness.Audit or mapping
        An audit, or a dict from ``Audit.to_dict()`` or from a report's JSON.
    title : str, optional
        The report's title (default "Bias and validity audit").

    Returns
    -------
    str
        Markdown: intended use, out-of-scope uses, the label card,
        validity, the audit summary, suppression and limitations.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from advisory.fairness import audit
    >>> rng = np.random.default_rng(0)
    >>> s = rng.uniform(size=300)
    >>> y = (rng.uniform(size=300) < s).astype(int)
    >>> result = audit(y, s, pd.DataFrame({"sex": rng.choice(["F", "M"], 300)}), n_boot=20)
    >>> render_model_card(result).startswith("# Model card: ")
    True
    """
    return _markdown(audit_document(audit, "render_model_card"), title)
