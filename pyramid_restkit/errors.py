"""Errors raised by pyramid_restkit.

The hierarchy::

    pyramid.exceptions.ConfigurationError
     └── ResourceConfigurationError       bad arguments to a directive

    pyramid.httpexceptions.HTTPBadRequest
     ├── ParseError                       a body that cannot be parsed
     ├── MethodOverrideError              a refused method override
     └── ValidationFailure                schema validation (400 or 422)

    ResponseValidationError               output breaks ``response_schema``
                                          (a programming error: logged 500)

    UserWarning
     └── ResourceConfigurationWarning     a likely mistake that still works
                                          (a method named like a verb)

Request-time errors carry what the problem details body needs: a
``title``, a ``detail`` and, for validation, a list of ``errors``.  Each is
rendered as RFC 9457 problem details by :mod:`pyramid_restkit.problems`.
"""

from __future__ import annotations

from typing import Any, TypedDict

from pyramid.exceptions import ConfigurationError
from pyramid.httpexceptions import HTTPBadRequest

PROBLEM_TYPE_PREFIX = 'tag:pyramid-restkit,2026:'


class FieldError(TypedDict):
    """One entry of the ``errors`` member of a validation problem."""

    location: str
    name: str
    description: str


class ResourceConfigurationError(ConfigurationError):  # type: ignore[misc]
    """A directive received a value it cannot work with."""


class ResourceConfigurationWarning(UserWarning):
    """A declaration that works but is likely a mistake.

    For example a resource method named ``colection_get``: it answers no
    verb.  Filter it like any warning (``warnings.filterwarnings``).
    """


class ParseError(HTTPBadRequest):  # type: ignore[misc]
    """The request body is not well-formed for its media type.

    Parsers raise this and nothing else; ``detail`` says what is wrong
    without echoing more than a short excerpt of the input.
    """

    problem_type = PROBLEM_TYPE_PREFIX + 'malformed-body'

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)


class MethodOverrideError(HTTPBadRequest):  # type: ignore[misc]
    """A method override names a verb that is not allowed."""

    problem_type = PROBLEM_TYPE_PREFIX + 'method-override'

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)


class ValidationFailure(HTTPBadRequest):  # type: ignore[misc]
    """Input did not match the operation's schema.

    ``status`` follows the ``restkit.validation_status`` setting (400 or
    422); ``errors`` lists every problem found, not only the first.
    """

    problem_type = PROBLEM_TYPE_PREFIX + 'validation'

    def __init__(self, errors: list[FieldError], status: int = 400) -> None:
        super().__init__(detail='The request is not valid.')
        self.errors = errors
        if status != 400:
            self.code = status
            self.status = '422 Unprocessable Content'
            self.title = 'Unprocessable Content'


class ResponseValidationError(Exception):
    """A resource returned data that its ``response_schema`` refuses.

    This is the server's fault: it becomes a logged 500.
    """

    def __init__(self, name: str, description: str) -> None:
        super().__init__(f'{name or "(root)"}: {description}')
        self.name = name
        self.description = description


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    type_: str = 'about:blank',
    **extra: Any,
) -> dict[str, Any]:
    """Return the members of an RFC 9457 problem details object."""
    body: dict[str, Any] = {'type': type_, 'title': title, 'status': status}
    if detail:
        body['detail'] = detail
    body.update(extra)
    return body
