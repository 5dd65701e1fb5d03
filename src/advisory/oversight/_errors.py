"""Errors of the oversight trail."""

from __future__ import annotations

from advisory._errors import AdvisoryError

__all__ = ["ModelSwitchedOffError", "OversightError", "StoreVersionError"]


class OversightError(AdvisoryError, ValueError):
    """A record cannot be added to the trail as given (wrong order, unknown review or prompt)."""


class ModelSwitchedOffError(AdvisoryError, RuntimeError):
    """The model version was switched off in the oversight trail; it gives no more reviews.

    Parameters
    ----------
    model_version : str
        The switched-off version.
    reason : str
        Why it was switched off, as recorded.
    at : str
        When it was switched off (ISO 8601).

    Examples
    --------
    >>> str(ModelSwitchedOffError("m1", "re-audit due", "2026-12-01T09:00:00+00:00"))
    "Model version 'm1' was switched off ... (re-audit due); it gives no more reviews until ..."
    """

    def __init__(self, model_version: str, reason: str, at: str) -> None:
        self.model_version = model_version
        self.reason = reason
        self.at = at
        super().__init__(
            f"Model version {model_version!r} was switched off in the oversight trail at {at} "
            f"({reason}); it gives no more reviews until it is switched on again "
            "(Store.switch_on) or a newer version is deployed."
        )


class StoreVersionError(AdvisoryError, RuntimeError):
    """The database holds a trail written by a newer version of advisory."""
