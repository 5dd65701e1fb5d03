"""The error raised when a tracking server cannot be reached."""

from __future__ import annotations

from advisory._errors import AdvisoryError

__all__ = ["TrackingServerError"]


class TrackingServerError(AdvisoryError, ConnectionError):
    """The MLflow tracking server at a URI did not answer.

    Parameters
    ----------
    uri : str
        The tracking URI that was tried.
    reason : str
        What went wrong, in a few words.

    Examples
    --------
    >>> error = TrackingServerError("http://127.0.0.1:9", "connection refused")
    >>> str(error).split(". ")[0]
    'The MLflow tracking server at http://127.0.0.1:9 did not answer (connection refused)'
    >>> "mlflow server --host 127.0.0.1 --port 9" in str(error)
    True
    """

    def __init__(self, uri: str, reason: str) -> None:
        self.uri = uri
        self.reason = reason
        port = uri.rsplit(":", 1)[-1].split("/")[0]
        port_hint = f" --port {port}" if port.isdigit() else ""
        super().__init__(
            f"The MLflow tracking server at {uri} did not answer ({reason}). "
            "Check that it runs at that address (locally: mlflow server --host 127.0.0.1"
            f"{port_hint}), or pass another tracking_uri / set MLFLOW_TRACKING_URI; leave "
            "both unset for the local store sqlite:///<cwd>/mlflow.db."
        )
