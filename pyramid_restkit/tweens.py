"""The method override tween.

Clients that can only send GET and POST (HTML forms, some proxies) tunnel
other verbs through POST: an ``X-HTTP-Method-Override`` header, or a
``_method`` field of a urlencoded or multipart body.  The tween sits just
over Pyramid's router (``over=MAIN``), so routing, ``request_method``
predicates and CSRF checks all see the overridden verb.  The original
verb stays in ``environ['restkit.original_method']``
(:func:`pyramid_restkit.original_method`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import MethodOverrideError, problem
from .interfaces import IRestkitSettings
from .settings import Settings
from .views import ORIGINAL_METHOD, OVERRIDE_FIELD, problem_response

HEADER = 'HTTP_X_HTTP_METHOD_OVERRIDE'
FIELD = OVERRIDE_FIELD
_FORMS = ('application/x-www-form-urlencoded', 'multipart/form-data')

Handler = Callable[[Any], Any]


def method_override_tween_factory(handler: Handler, registry: Any) -> Handler:
    """Return the tween, or ``handler`` itself when overrides are off."""
    settings: Settings = registry.getUtility(IRestkitSettings)
    if not settings.method_override:
        return handler
    allowed = settings.method_override_methods

    def method_override_tween(request: Any) -> Any:
        environ = request.environ
        if environ['REQUEST_METHOD'] == 'POST':
            try:
                target = _target(request, environ)
            except MethodOverrideError as exc:
                return _refuse(request, exc)
            if target is not None:
                method = target.strip().upper()
                if method not in allowed:
                    return _refuse(
                        request,
                        MethodOverrideError(
                            f'The method override {target[:20]!r} is not '
                            f'allowed; allowed: {", ".join(sorted(allowed))}.'
                        ),
                    )
                environ[ORIGINAL_METHOD] = 'POST'
                environ['REQUEST_METHOD'] = method
        return handler(request)

    return method_override_tween


def _target(request: Any, environ: dict[str, Any]) -> str | None:
    target: str | None = environ.get(HEADER)
    if target is not None:
        return target
    content_type = environ.get('CONTENT_TYPE', '').lower()
    if not content_type.startswith(_FORMS):
        return None
    try:
        form = request.POST
    except ValueError:  # a malformed multipart body
        raise MethodOverrideError('The form body is malformed.') from None
    if FIELD not in form:
        return None
    values = form.getall(FIELD)
    del form[FIELD]
    if len(values) != 1 or not isinstance(values[0], str):
        raise MethodOverrideError('Send exactly one _method field.')
    return str(values[0])


def _refuse(request: Any, exc: MethodOverrideError) -> Any:
    # NOTE: routing has not run yet, so no exception view can tell a kit
    # route from another; the kit's own error is rendered here.
    body = problem(400, 'Bad Request', str(exc.detail), exc.problem_type)
    return problem_response(request, body)
