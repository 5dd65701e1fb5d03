"""Write the report's three files to a folder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from advisory._errors import ParameterError
from advisory._files import COMPLETE_MARKER, make_folder, mark_complete, write_text
from advisory.reports._render import _html, _markdown, audit_document

if TYPE_CHECKING:
    import os

    from advisory.fairness import Audit

__all__ = ["FILE_NAMES", "ReportFiles", "write_report"]

#: The files :func:`write_report` writes, by role.
FILE_NAMES: Final = {
    "html": "audit_report.html",
    "json": "audit.json",
    "model_card": "model_card.md",
}


@dataclass(frozen=True)
class ReportFiles:
    """Where :func:`write_report` wrote the report.

    Attributes
    ----------
    html : pathlib.Path
        The self-contained HTML report.
    json : pathlib.Path
        The audit as JSON (schema ``urn:advisory:audit:v1``).
    model_card : pathlib.Path
        The Markdown model card.
    """

    html: Path
    json: Path
    model_card: Path


def write_report(
    audit: Audit | Mapping[str, Any],
    folder: str | os.PathLike[str],
    *,
    title: str | None = None,
) -> ReportFiles:
    """Write the HTML report, its JSON and the model card to ``folder``.

    Parameters
    ----------
    audit : advisory.fairness.Audit or mapping
        An audit, or a dict from ``Audit.to_dict()`` or loaded from a
        report's JSON (to render a saved audit again).
    folder : str or path-like
        Created if missing; files already there with the same names are
        replaced, each whole or not at all (a temporary file, then a rename),
        and the marker ``.advisory-complete.json`` is written last.
    title : str, optional
        The report's title (default "Bias and validity audit").

    Returns
    -------
    ReportFiles
        The paths of the three files written.

    Raises
    ------
    advisory.ParameterError
        When ``folder`` is an existing file, or ``audit`` is neither an
        audit nor a dict.
    advisory.InputError
        When a dict does not follow ``audit.schema.json`` (naming the key).

    Examples
    --------
    >>> import json, tempfile, numpy as np, pandas as pd
    >>> from advisory.fairness import audit
    >>> rng = np.random.default_rng(0)
    >>> s = rng.uniform(size=300)
    >>> y = (rng.uniform(size=300) < s).astype(int)
    >>> result = audit(y, s, pd.DataFrame({"sex": rng.choice(["F", "M"], 300)}), n_boot=20)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     files = write_report(result, folder)
    ...     again = write_report(json.loads(files.json.read_text()), folder)
    ...     sorted(p.name for p in files.html.parent.iterdir())
    ['.advisory-complete.json', 'audit.json', 'audit_report.html', 'model_card.md']
    """
    import json

    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise ParameterError(
            "folder", "write_report", "a folder (existing or to be created)", f"the file {path}"
        )
    document = audit_document(audit, "write_report")
    html, markdown = _html(document, title), _markdown(document, title)
    make_folder(path, "report folder")
    files = ReportFiles(**{role: path / name for role, name in FILE_NAMES.items()})
    (path / COMPLETE_MARKER).unlink(missing_ok=True)
    write_text(files.json, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    write_text(files.html, html)
    write_text(files.model_card, markdown)
    mark_complete(path)
    return files
