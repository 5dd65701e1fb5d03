"""Exception classes shared by every part of :mod:`advisory`.

Each class subclasses a builtin so callers can catch what they already
expect (``ValueError``, ``ImportError``, ``KeyError``), and every message names the thing
that is wrong, what was expected, what was found and the fix.
"""

from __future__ import annotations

__all__ = [
    "AdvisoryError",
    "DefinitionError",
    "InputError",
    "MissingExtraError",
    "OutputError",
    "ParameterError",
    "UnknownNameError",
]


class AdvisoryError(Exception):
    """Base class of every error raised on purpose by :mod:`advisory`."""


class ParameterError(AdvisoryError, ValueError):
    """A function or estimator parameter has an invalid value.

    Parameters
    ----------
    name : str
        The parameter's name.
    owner : str
        The function or class the parameter belongs to.
    expected : str
        What the parameter must be, as words (``"an int >= 1"``).
    got : object
        The value that was passed.

    Examples
    --------
    >>> str(ParameterError("n_cases", "make_multiagency", "an int >= 1", -3))
    "The 'n_cases' parameter of make_multiagency must be an int >= 1; got -3 instead."
    """

    def __init__(self, name: str, owner: str, expected: str, got: object) -> None:
        self.name = name
        self.owner = owner
        self.expected = expected
        self.got = got
        super().__init__(
            f"The {name!r} parameter of {owner} must be {expected}; got {got!r} instead."
        )


class DefinitionError(AdvisoryError, ValueError):
    """A reviewable definition file (TOML) is malformed or inconsistent.

    Parameters
    ----------
    source : str
        The file (or ``"<string>"``) the definition came from.
    where : str
        The dotted key path of the offending entry, e.g. ``"factor[3].window_days"``.
    problem : str
        What is wrong and how to fix it.

    Examples
    --------
    >>> str(DefinitionError("models/spec.toml", "outcome.column", "is missing"))
    'models/spec.toml: outcome.column is missing'
    """

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        super().__init__(f"{source}: {where} {problem}")


class InputError(AdvisoryError, ValueError):
    """Input data (a table, column or value) cannot be used as given."""


class OutputError(AdvisoryError, OSError):
    """An output cannot be written as asked: it is an input, exists, or its place is not writable.

    Nothing was written, and any previous file at the path is unchanged.
    """


class MissingExtraError(AdvisoryError, ImportError):
    """An optional dependency is needed for this feature but is not installed.

    Parameters
    ----------
    module : str
        The module that could not be imported.
    extra : str
        The ``advisory`` extra that installs it.
    feature : str
        What the caller was trying to do.

    Examples
    --------
    >>> print(MissingExtraError("shap", "explain", "SHAP plots"))
    SHAP plots needs the optional dependency 'shap', which is not installed.
    Install it with: pip install 'advisory[explain]'
    """

    def __init__(self, module: str, extra: str, feature: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional dependency {module!r}, which is not installed. "
            f"Install it with: pip install 'advisory[{extra}]'"
        )


class UnknownNameError(AdvisoryError, KeyError):
    """A definition was asked for a name (a factor, a source, an entry) it does not hold.

    A ``KeyError``, so ``except KeyError`` still catches it, but its message
    reads as a sentence rather than a quoted key.

    Parameters
    ----------
    name : str
        The name asked for.
    message : str
        What holds no such name and which names it has.

    Examples
    --------
    >>> error = UnknownNameError("polce", "The catalogue has no source 'polce'; ...")
    >>> print(error)
    The catalogue has no source 'polce'; ...
    >>> isinstance(error, KeyError), error.name
    (True, 'polce')
    """

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message
