"""The host system's object: reviews and their renderings, nothing numeric per case."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from advisory._advisor import load_advisor

if TYPE_CHECKING:
    from advisory._advisor import Advisor
    from advisory.context import RecordIndex
    from advisory.definitions import Definitions
    from advisory.oversight import Store
    from advisory.prompts import Review

__all__ = ["Reviewer", "load"]


def load(
    path: str | os.PathLike[str],
    *,
    trusted: Iterable[str] = (),
    oversight: Store | str | os.PathLike[str] | None = None,
) -> Reviewer:
    """Load a bundle for a host system: a score-free :class:`advisory.Reviewer`.

    The reviewer gives reviews and their renderings only, nothing that returns
    a number per case (no margin, probability or SHAP value, no estimator).
    Data scientists open the full model with :meth:`advisory.Advisor.load`.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.
    trusted : iterable of str, optional
        Extra types to trust beyond the library's reviewed list
        (``advisory._bundle.BUNDLE_TYPES``), after reviewing them.
    oversight : advisory.oversight.Store, str or os.PathLike, optional
        The oversight trail (a store, or its URL or SQLite path; needs the
        ``oversight`` extra). When given, every review first checks that the
        model version has not been switched off there (for example because a
        re-audit is due) and refuses with
        :class:`advisory.oversight.ModelSwitchedOffError` if it has.

    Returns
    -------
    advisory.Reviewer
        Reviews and their renderings for the bundle's model; nothing numeric per case.

    Raises
    ------
    advisory.BundleError, advisory.UntrustedTypesError
        As :meth:`advisory.Advisor.load`.

    Examples
    --------
    >>> import advisory
    >>> advisory.load("no/such/folder")
    Traceback (most recent call last):
    ...
    advisory._bundle.BundleError: no/such/folder is not a model bundle: ...
    """
    store = None
    if oversight is not None:
        from advisory.oversight import Store

        store = oversight if isinstance(oversight, Store) else Store.open(os.fspath(oversight))
    return Reviewer(load_advisor(path, trusted=trusted), oversight=store)


class Reviewer:
    """What a host system gets from :func:`advisory.load`: reviews, never a score.

    It gives each case's pre-visit brief (review schema v2) as an object, a
    dict, text or HTML, and nothing that returns a number per case: no
    margin, probability, SHAP value or estimator. Data scientists open the
    full model with :meth:`advisory.Advisor.load`.

    Parameters
    ----------
    advisor : advisory.Advisor
        A fitted advisor, kept private (use :func:`advisory.load` to make one).
    oversight : advisory.oversight.Store, optional
        The oversight trail whose switch-off of this model version stops reviews.

    Examples
    --------
    >>> import tempfile
    >>> import advisory
    >>> from advisory import Advisor
    >>> from advisory.datasets import make_multiagency
    >>> from advisory.definitions import reference_root
    >>> data = make_multiagency(n_cases=300, seed=0)
    >>> folder = Advisor.from_definitions(
    ...     reference_root(), model_params={"n_resamples": 4}
    ... ).fit(data).save(tempfile.mkdtemp() + "/bundle")
    >>> reviewer = advisory.load(folder)
    >>> [d["schema"] for d in reviewer.review_dicts(data, ["C0000010"])]
    ['urn:advisory:review:v2']
    >>> hasattr(reviewer, "decision_function"), hasattr(reviewer, "explain")
    (False, False)
    """

    __slots__ = ("__advisor", "__oversight")

    def __init__(self, advisor: Advisor, *, oversight: Store | None = None) -> None:
        self.__advisor = advisor
        self.__oversight = oversight

    def _check_switched_on(self) -> None:
        # a version switched off in the oversight trail stops producing reviews
        if self.__oversight is not None:
            self.__oversight.check_model_version(self.model_version)

    def __repr__(self) -> str:
        return f"<Reviewer of {self.model_version}: pre-visit briefs, no scores>"

    @property
    def model_version(self) -> str:
        """The model's name and version, as the briefs show it."""
        version: str = self.__advisor.model_version_
        return version

    def index(self, data: object) -> RecordIndex:
        """Validate and index records once, for fast reviews of single cases.

        Parameters
        ----------
        data : records
            The six record tables (as attributes or a mapping).

        Returns
        -------
        advisory.context.RecordIndex
            Pass it as ``data`` to :meth:`review` and the other methods.
        """
        return self.__advisor.index(data)

    def review(self, data: object, case_ids: Iterable[str] | None = None) -> list[Review]:
        """Return each case's brief as a :class:`~advisory.prompts.Review`.

        Parameters
        ----------
        data : records, advisory.context.RecordIndex or advisory.context.CaseContext
            The records holding the cases, or their index (:meth:`index`).
        case_ids : iterable of str, optional
            Which cases, in the order wanted (default: every case).

        Returns
        -------
        list of advisory.prompts.Review
            One brief per case (see :meth:`advisory.Advisor.review`).
        """
        self._check_switched_on()
        return self.__advisor.review(data, case_ids)

    def review_dicts(
        self,
        data: object,
        case_ids: Iterable[str] | None = None,
        *,
        pause_collector: bool = False,
    ) -> list[dict[str, Any]]:
        """Return each case's brief as plain JSON types (``review.schema.json``), for a batch.

        Parameters
        ----------
        data : records, advisory.context.RecordIndex or advisory.context.CaseContext
            The records holding the cases, or their index (:meth:`index`).
        case_ids : iterable of str, optional
            Which cases, in the order wanted (default: every case).
        pause_collector : bool, default False
            Pause Python's cyclic garbage collector while a large batch is
            built (an opt-in; it is restored after).

        Returns
        -------
        list of dict
            One dict per case, schema ``urn:advisory:review:v2``.
        """
        self._check_switched_on()
        return self.__advisor.review_dicts(data, case_ids, pause_collector=pause_collector)

    def review_text(self, data: object, case_ids: Iterable[str] | None = None) -> list[str]:
        """Return each case's brief as plain text.

        Parameters
        ----------
        data : records, advisory.context.RecordIndex or advisory.context.CaseContext
            The records holding the cases, or their index (:meth:`index`).
        case_ids : iterable of str, optional
            Which cases, in the order wanted (default: every case).

        Returns
        -------
        list of str
            One text per case, built from its dict.
        """
        from advisory.prompts import render_text

        return [render_text(d) for d in self.review_dicts(data, case_ids)]

    def review_html(self, data: object, case_ids: Iterable[str] | None = None) -> list[str]:
        """Return each case's brief as an accessible HTML fragment.

        Parameters
        ----------
        data : records, advisory.context.RecordIndex or advisory.context.CaseContext
            The records holding the cases, or their index (:meth:`index`).
        case_ids : iterable of str, optional
            Which cases, in the order wanted (default: every case).

        Returns
        -------
        list of str
            One HTML fragment per case, built from its dict.
        """
        from advisory.prompts import render_html

        return [render_html(d) for d in self.review_dicts(data, case_ids)]


def definitions_of(reviewer: Reviewer) -> Definitions:
    """Return the definitions a host bundle was trained with (for the command line's mapping).

    Not a method of :class:`Reviewer`, whose public surface is reviews and
    renderings only.
    """
    definitions: Definitions = reviewer._Reviewer__advisor.definitions  # type: ignore[attr-defined]
    return definitions
