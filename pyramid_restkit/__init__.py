"""pyramid_restkit: REST resources for Pyramid.

``config.include('pyramid_restkit')`` adds the ``add_resource`` and
``add_media_type`` directives, the method override tween, a view deriver
for resource views, the built-in media types and the problem details error
views of restkit routes.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from pyramid.exceptions import PredicateMismatch, URLDecodeError
from pyramid.httpexceptions import HTTPError
from pyramid.interfaces import PHASE3_CONFIG
from pyramid.settings import aslist
from pyramid.tweens import MAIN
from pyramid.viewderivers import INGRESS

from .config import setup_registry
from .config.media_types import (
    add_builtin_media_types,
    add_media_type,
    remove_media_type,
)
from .config.resources import add_resource
from .config.yaml import load_resources
from .decorators import operation, resource
from .derivers import restkit_resource_view
from .errors import ParseError, ValidationFailure
from .openapi import get_openapi
from .openapi.config import (
    add_json_schema_type,
    add_json_schema_validator,
    add_openapi_security_scheme,
    setup_openapi,
)
from .pagination import (
    CursorPagination,
    LimitOffsetPagination,
    Page,
    PageNumberPagination,
    Pagination,
)
from .predicates import (
    FormatPredicate,
    FormatSuffixPredicate,
    RestkitAuthenticatedPredicate,
    RestkitRoutePredicate,
)
from .problems import (
    http_error_view,
    internal_error_view,
    method_not_allowed_view,
    register_application_contexts,
    url_decode_error_view,
)
from .problems import respond_problem as problem_response
from .schemas import RequestSchema
from .schemas.files import File, UploadedFile
from .versioning import api_version
from .views import ORIGINAL_METHOD

try:
    __version__ = version('pyramid_restkit')
except PackageNotFoundError:  # pragma: no cover (not installed)
    __version__ = '0+unknown'

__all__ = [
    'CursorPagination',
    'File',
    'LimitOffsetPagination',
    'Page',
    'PageNumberPagination',
    'Pagination',
    'ParseError',
    'RequestSchema',
    'UploadedFile',
    'ValidationFailure',
    'api_version',
    'get_openapi',
    'includeme',
    'operation',
    'original_method',
    'problem_response',
    'resource',
]


def original_method(request: Any) -> str:
    """The verb the client sent, before any method override."""
    return str(request.environ.get(ORIGINAL_METHOD, request.method))


def includeme(config: Any) -> None:
    """Set up pyramid_restkit in a Pyramid configurator."""
    config.add_directive('add_resource', add_resource, action_wrap=True)
    config.add_directive('add_media_type', add_media_type, action_wrap=True)
    config.add_directive(
        'remove_media_type', remove_media_type, action_wrap=True
    )
    for directive in (
        add_openapi_security_scheme,
        add_json_schema_type,
        add_json_schema_validator,
    ):
        config.add_directive(directive.__name__, directive, action_wrap=True)
    # Not an action itself: it reads the file at once and calls the
    # directives above, each its own action.
    config.add_directive('load_resources', load_resources, action_wrap=False)
    setup_registry(config)
    config.add_view_predicate('restkit_route', RestkitRoutePredicate)
    config.add_view_predicate('format', FormatPredicate)
    config.add_view_predicate(
        'restkit_authenticated', RestkitAuthenticatedPredicate
    )
    config.add_route_predicate('format_suffix', FormatSuffixPredicate)
    # NOTE: over Pyramid's secured_view, so that it can let OPTIONS
    # through the permission check (see restkit_resource_view).
    config.add_view_deriver(
        restkit_resource_view, under=INGRESS, over='secured_view'
    )
    config.add_tween(
        'pyramid_restkit.tweens.method_override_tween_factory', over=MAIN
    )
    add_builtin_media_types(config)
    setup_openapi(config)
    # NOTE: read at include time, not in an action: loading a file calls
    # directives, which must happen while the configuration is open.
    includer = _includer(config)
    for spec in aslist(config.get_settings().get('restkit.resources', '')):
        includer.load_resources(spec)
    # The kit's error views only apply on its own routes (restkit_route);
    # the most specific context wins, so the 405 view is found before the
    # generic one, and an application's forbidden or not-found view
    # (a more specific context) before either.
    config.add_exception_view(
        method_not_allowed_view, context=PredicateMismatch, restkit_route=True
    )
    config.add_exception_view(
        http_error_view, context=HTTPError, restkit_route=True
    )
    config.add_exception_view(
        internal_error_view, context=Exception, restkit_route=True
    )
    # A path that is not UTF-8 fails before routing: restkit_route then
    # matches the raw path against the kit's patterns.
    config.add_exception_view(
        url_decode_error_view, context=URLDecodeError, restkit_route=True
    )
    # NOTE: after every view is registered (the default order, PHASE3):
    # the application's exception views the kit's step aside for.
    registry = config.registry
    config.action(
        ('restkit application error views',),
        lambda: register_application_contexts(registry),
        order=PHASE3_CONFIG + 1,
    )


def _includer(config: Any) -> Any:
    """A configurator acting as the one that included the kit.

    The files of ``restkit.resources`` are the application's
    configuration, not the kit's: Pyramid lets an including configuration
    override its includes' actions of the same discriminator, so with
    this configurator's include path an app's ``add_resource`` or scan
    would silently replace a YAML entry.  With the includer's path they
    conflict, and the files may replace the kit's built-in media types,
    as a ``load_resources`` call of the app does.  Relative specs are
    relative to the root package, as those of ``pyramid.includes`` are.

    NOTE(pyramid 2.1): ``Configurator.include`` appends the included
    function's ``module:function`` spec to ``includepath`` and
    ``with_package`` copies it; there is no public way to act as the
    includer.  Pinned by tests/test_pyramid_internals.py.
    """
    includer = config.with_package(config.root_package)
    if config.includepath[-1:] == (f'{__name__}:{includeme.__name__}',):
        includer.includepath = config.includepath[:-1]
    return includer
