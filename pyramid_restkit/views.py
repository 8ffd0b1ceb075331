"""Runtime of restkit routes: the per-route view and the error views.

Each route of a resource gets one view whose ``request_method`` predicate
lists the verbs the class defines, so ``proutes`` shows them and Pyramid
answers any other verb with a ``PredicateMismatch`` that
:func:`method_not_allowed_view` turns into a 405.  The view picks the
:class:`Operation` for the verb from a dict built at commit: choosing costs
the same for every verb.

Pyramid checks each verb's permission (the views of a route are grouped
by permission, so ``pviews`` and ``pyramid.debug_authorization`` see
it); then an operation checks, in the order API.md fixes: its budget
(429, :mod:`pyramid_restkit.throttling`), media type (406), the API
version with ``restkit.versioning`` (406 or 400, see
:mod:`pyramid_restkit.versioning`; a path version is checked before the
permission), body size (413), Content-Type (415), a malformed body (400),
preconditions (428/412, :mod:`pyramid_restkit.conditional`), then the
schema.  A PATCH document (merge patch, JSON Patch) is applied in that
last step, to the current representation (:mod:`pyramid_restkit.patch`).
Every error is raised, so Pyramid's exception views (the application's
first, then the kit's :func:`http_error_view`) render it and transaction
managers see ``request.exception``.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPError,
    HTTPNotAcceptable,
    HTTPRequestEntityTooLarge,
    HTTPUnsupportedMediaType,
)
from pyramid.response import Response
from webob.multidict import MultiDict

from .conditional import Conditional
from .media import MediaType, ParseOptions, Renderer
from .negotiation import Negotiator
from .patch import PatchDocument, PatchDocuments
from .schemas import Output, Validator
from .streaming import StreamBody, is_stream, render_stream
from .versioning import Versioning

if TYPE_CHECKING:
    from .throttling import Throttle

#: ``environ`` key holding the verb sent before a method override, and the
#: form field that carries an override (the tween owns both).
ORIGINAL_METHOD = 'restkit.original_method'
OVERRIDE_FIELD = '_method'

log = logging.getLogger('pyramid_restkit')

#: Verbs in the order ``Allow`` lists them.
VERB_ORDER = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')

#: Which request header advertises accepted bodies in a 415, per verb.
ACCEPT_HEADER = {'POST': 'Accept-Post', 'PATCH': 'Accept-Patch'}


#: Longest Content-Length value read as a number: more digits than this
#: are over any size limit (and Python refuses to parse thousands).
_MAX_LENGTH_DIGITS = 18

View = Callable[[Any, Any], Response]


class RouteInfo:
    """What the kit knows about one of its routes at request time."""

    def __init__(self, allow: str) -> None:
        self.allow = allow
        self.operations: dict[str, View] = {}
        #: Chooses the format of errors raised before an operation chose.
        self.negotiator: Negotiator | None = None
        #: The route's full pattern (route prefix included).
        self.pattern = ''
        #: With versioning (empty without): each version the route serves
        #: -> the ``Allow`` of that version, and each verb -> the versions
        #: that serve it (``HEAD`` as ``GET``, ``OPTIONS`` as any verb).
        self.allow_by_version: dict[str, str] = {}
        self.verb_versions: dict[str, frozenset[str]] = {}
        #: The ``Accept-Patch`` of a route with PATCH.
        self.accept_patch: str | None = None


class Operation:
    """One verb of one resource route, ready to run.

    Everything that does not depend on the request (negotiator, parsers,
    prepared schemas, output filter, permission) is computed when the
    configuration is committed.
    """

    def __init__(
        self,
        *,
        cls: type,
        attr: str,
        takes_context: bool,
        status: int,
        permission: str | None,
        negotiator: Negotiator | None,
        forced: MediaType | None,
        validator: Validator | None,
        parsers: dict[str, MediaType],
        output: Output | None,
        max_body_size: int,
        max_depth: int,
        max_fields: int = 1000,
        media_options: Mapping[str, Mapping[str, Any]] | None = None,
        versioning: Versioning | None = None,
        versions: frozenset[str] | None = None,
        conditional: Conditional | None = None,
    ) -> None:
        self.cls = cls
        self.attr = attr
        self.takes_context = takes_context
        self.status = status
        self.permission = permission
        self.negotiator = negotiator
        self.forced = forced
        self.validator = validator
        self.parsers = parsers
        self.output = output
        self.max_body_size = max_body_size
        self.max_depth = max_depth
        self.max_fields = max_fields
        self.media_options = media_options or {}
        #: ``None`` without ``restkit.versioning`` (no version code runs).
        self.versioning = versioning
        #: The versions that serve the operation; ``None``: every one.
        self.versions = versions
        #: Preconditions, validators and caching headers (None: none).
        self.conditional = conditional
        #: PATCH documents (RFC 7396, 6902), on PATCH operations whose
        #: route has a GET (set at commit, config/operations.py).
        self.documents: PatchDocuments | None = None
        #: The budget the operation spends (``throttle=``; set at commit,
        #: config/operations.py, with a class that spends it first:
        #: :class:`pyramid_restkit.throttling.Throttled`); ``None``: not
        #: throttled, and nothing runs.
        self.throttle: Throttle | None = None

    def __call__(self, context: Any, request: Any) -> Response:
        # NOTE: first, so that nothing after it (a security policy, the
        # negotiation, the schema, the resource) meets a query string
        # that request.GET cannot decode.
        check_query(request)
        media = self.forced
        vary = False
        if media is None:
            negotiator: Negotiator = self.negotiator  # type: ignore[assignment]
            media, vary = negotiator.select(request)
            if vary:
                request.restkit_vary = True
            if media is None:
                raise not_acceptable(negotiator, request)
        request.restkit_media = media
        versioning = self.versioning
        if versioning is None:
            request.api_version = None
        elif versioning.check(request, media, self.versions):
            vary = True  # the version came from Accept
        validator = self.validator
        # API.md's order: the body is parsed (413, 415, 400), then one
        # instance is made, then preconditions (428/412) are checked,
        # then the body is validated.
        body: Any = None
        present = typed = False
        if validator is not None and validator.wants_body:
            present, body, typed = self._parse(request)
        request.validated = {}
        instance = self._instance(context, request)
        conditional = self.conditional
        if conditional is not None:
            # PERF: operations without conditional behaviour (most GETs)
            # pay this one test; see pyramid_restkit.conditional.
            return conditional(
                self, request, instance, media, vary, (body, present, typed)
            )
        if validator is not None:
            request.validated = self.validate(
                request, instance, body, present, typed
            )
        result = getattr(instance, self.attr)()
        return self.respond(request, media, result, vary)

    def validate(
        self,
        request: Any,
        instance: Any,
        body: Any,
        present: bool,
        typed: bool,
    ) -> Any:
        """``request.validated`` from the parsed body and the request.

        A PATCH document (decided at commit: ``self.documents``) is applied
        to the instance's current representation first.
        """
        documents = self.documents
        if documents is not None and isinstance(body, PatchDocument):
            # NOTE: after the preconditions: a conditional PATCH applies
            # to the state it checked.
            return documents.validate(request, instance, body)
        validator: Validator = self.validator  # type: ignore[assignment]
        return validator.validate(request, body, present, typed)

    def _instance(self, context: Any, request: Any) -> Any:
        """The one resource instance of this request."""
        if self.takes_context:
            return self.cls(request, context)
        return self.cls(request)

    def _parse(self, request: Any) -> tuple[bool, Any, bool]:
        environ = request.environ
        raw = read_body(request, self.max_body_size)
        content_type = environ.get('CONTENT_TYPE', '')
        if not raw and not content_type:
            return False, None, False
        mimetype, _, params = content_type.partition(';')
        media = self.parsers.get(mimetype.strip().lower())
        if media is None:
            raise unsupported(
                request.method,
                self.parsers,
                f'{mimetype.strip() or "A body without a Content-Type"} '
                'is not accepted here.',
            )
        charset = charset_param(params)
        if charset is not None and media.charsets:
            if charset not in media.charsets:
                raise unsupported(
                    request.method,
                    self.parsers,
                    f'The charset {charset[:40]!r} is not accepted; '
                    'send UTF-8.',
                )
        options = ParseOptions(
            self.max_depth, charset, request, content_type, self.max_fields
        )
        value = media.parser(raw, options)  # type: ignore[misc]
        if isinstance(value, MultiDict) and ORIGINAL_METHOD in environ:
            # The override's own field is not data (the tween already
            # took it out of request.POST).
            value.pop(OVERRIDE_FIELD, None)
        return True, value, media.typed

    def respond(
        self, request: Any, media: MediaType, result: Any, vary: bool = False
    ) -> Any:
        """Turn a resource method's return value into the response."""
        if isinstance(result, HTTPError):
            # NOTE: returned, valid in Pyramid: as if raised, so that the
            # exception views (the application's, else the kit's) answer.
            raise result
        if isinstance(result, Response):
            return result
        response = created_response(request)
        if response is None:
            # PERF: the common case, a new response built from a header
            # list, costs a third of WebOb's setters.
            headers = [('Vary', 'Accept')] if vary else []
            if result is None:
                return Response(status=204, headerlist=headers)
            headers.append(('Content-Type', media.content_type))
            body = self._render(request, media, result)
            if type(body) is StreamBody:
                return Response(
                    app_iter=body, status=self.status, headerlist=headers
                )
            return Response(body=body, status=self.status, headerlist=headers)
        # The resource used request.response: keep its headers, cookies and
        # a status it set (200 is the default, so it cannot count).
        if result is None:
            if response.status_int == 200:
                response.status = 204
            del response.content_type
            response.body = b''
        else:
            body = self._render(request, media, result)
            if response.status_int == 200:
                response.status = self.status
            response.content_type = media.content_type
            if type(body) is StreamBody:
                response.app_iter = body
            else:
                response.body = body
        if vary:
            response.vary = vary_accept(response.vary)
        return response

    def _render(
        self, request: Any, media: MediaType, result: Any
    ) -> bytes | StreamBody:
        if is_stream(result):
            opts = self.media_options.get(media.name) or {}
            return render_stream(request, media, result, self.output, opts)
        if self.output is not None:
            result = self.output(result)
        renderer: Renderer = media.renderer  # type: ignore[assignment]
        options = self.media_options.get(media.name)
        if options:
            return renderer.dumps(result, request, **options)
        return renderer.dumps(result, request)


def vary_accept(current: Any) -> tuple[str, ...]:
    if not current:
        return ('Accept',)
    if any(item.lower() == 'accept' for item in current):
        return tuple(current)
    return (*current, 'Accept')


def declared_length(environ: dict[str, Any]) -> int | None:
    """The request's Content-Length: ``None`` if absent, -1 if invalid.

    Digits only (RFC 9110), where WebOb's ``int()`` takes ``-1`` or ``+5``;
    more than :data:`_MAX_LENGTH_DIGITS` of them read as ``sys.maxsize``.
    """
    value = environ.get('CONTENT_LENGTH')
    if value is None:
        return None
    value = value.strip(' \t')
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        return -1
    if len(value) > _MAX_LENGTH_DIGITS:
        return sys.maxsize
    return int(value)


def read_body(request: Any, limit: int) -> bytes:
    """The request body, never reading more than ``limit`` bytes.

    ``b''`` when there is none.  Raises ``413`` for a body over the limit
    (a Content-Length over it is not read at all; of a chunked body one
    byte past it is read, and put back in front of the rest of the
    stream) and ``400`` for an invalid Content-Length (WebOb reads ``-1``
    as -1, and ``read(-1)`` is the whole stream).  A body read is put
    back as ``request.body``, so the application can still read it.
    """
    environ = request.environ
    length = declared_length(environ)
    if length is None:
        if not environ.get('wsgi.input_terminated'):
            return b''
        # NOTE: chunked: read one byte past the limit, never the rest.
        stream = request.body_file_raw
        raw: bytes = stream.read(limit + 1)
        if len(raw) > limit:
            environ['wsgi.input'] = io.BufferedReader(_Replay(raw, stream))
            raise too_large(limit)
    elif length < 0:
        raise HTTPBadRequest(
            detail='The Content-Length header is not a valid length.'
        )
    elif length > limit:
        raise too_large(limit)
    elif not length:
        return b''
    elif environ.get('webob.is_body_seekable'):
        body: bytes = request.body
        return body
    else:
        # NOTE: read it ourselves: request.body would spool large bodies
        # to a temporary file first.
        raw = request.body_file_raw.read(length)
    request.body = raw
    return raw


class _Replay(io.RawIOBase):
    """Bytes already read from a stream, then the rest of that stream."""

    def __init__(self, head: bytes, rest: Any) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        if self._head:
            count = min(size, len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data: bytes = self._rest.read(size)
        buffer[: len(data)] = data
        return len(data)


def check_query(request: Any) -> None:
    """Refuse, as a 400, a query string that is not UTF-8 once decoded.

    WebOb's ``request.GET`` raises ``UnicodeDecodeError`` for ``%ff``.
    PERF: only a query with ``%`` or a non-ASCII character can fail.
    """
    query = request.environ.get('QUERY_STRING')
    if query and ('%' in query or not query.isascii()):
        try:
            _ = request.GET
        except UnicodeError:
            raise HTTPBadRequest(
                detail='The query string is not valid UTF-8.'
            ) from None


def charset_param(params: str) -> str | None:
    """The ``charset`` of Content-Type parameters, lowercased, if any."""
    for param in params.split(';'):
        key, _, value = param.partition('=')
        if key.strip().lower() == 'charset':
            return value.strip().strip('"').lower()
    return None


def options_view(allow: str, accept_patch: str | None = None) -> View:
    """The automatic OPTIONS: 204 with ``Allow``.

    ``accept_patch``: the ``Accept-Patch`` of a route with PATCH (RFC
    5789 section 3.1), the body types its PATCH takes.
    """

    def options(context: Any, request: Any) -> Response:
        response = Response(status=204)
        del response.content_type
        response.allow = allow
        if accept_patch is not None:
            response.headers['Accept-Patch'] = accept_patch
        return response

    return options


def versioned_options_view(route: RouteInfo, versioning: Versioning) -> View:
    """The automatic OPTIONS of a versioned route: 204 with the ``Allow``
    of the request's version.

    The version is read as an operation reads it (in path mode the
    deriver has checked it); one the route does not serve gets the mode's
    error.
    """
    served = frozenset(route.allow_by_version)

    def options(context: Any, request: Any) -> Response:
        headers = []
        if versioning.mode != 'path':
            media = None
            if versioning.mode == 'accept':
                headers.append(('Vary', 'Accept'))
                request.restkit_vary = True  # for a refusal too
                if route.negotiator is not None:
                    media = route.negotiator.select(request)[0]
            version = versioning.requested(request, media)
            if version not in served:
                raise versioning.refusal(version, 'OPTIONS', served)
            request.api_version = version
        allow = route.allow_by_version[request.api_version]
        if route.accept_patch is not None and 'PATCH' in allow.split(', '):
            headers.append(('Accept-Patch', route.accept_patch))
        response = Response(status=204, headerlist=headers)
        response.allow = allow
        return response

    return options


def not_acceptable(negotiator: Negotiator, request: Any) -> HTTPNotAcceptable:
    """406 listing the media types served and a URL for each."""
    available = [media.media_type for media in negotiator.offers]
    path = request.path
    suffix = getattr(request, 'restkit_suffix', None)
    if suffix is not None:
        # NOTE: the path still ends in the suffix that was refused.
        path = path[: path.rfind('.')]
    alternates = [
        {'type': media.media_type, 'href': path + media.suffixes[0]}
        for media in negotiator.offers
        if media.suffixes
    ]
    exc = HTTPNotAcceptable(
        detail='None of the available media types is acceptable: '
        + ', '.join(available)
        + '.'
    )
    exc.problem_extra = {'available': available, 'alternates': alternates}
    return exc


def too_large(limit: int) -> HTTPRequestEntityTooLarge:
    return HTTPRequestEntityTooLarge(
        detail=f'The body is larger than {limit} bytes.'
    )


def unsupported(
    method: str, parsers: dict[str, MediaType], detail: str
) -> HTTPUnsupportedMediaType:
    accepted = ', '.join(parsers)
    header = ACCEPT_HEADER.get(method, 'Accept')
    exc = HTTPUnsupportedMediaType(detail=detail, headers={header: accepted})
    exc.problem_extra = {'accepted': list(parsers)}
    return exc


def created_response(request: Any) -> Any:
    """``request.response`` if something created it, else ``None``.

    Reading ``request.response`` would create it (a ``reify`` property),
    and a response built from a header list costs a third of WebOb's
    setters.  NOTE(pyramid 2.1): ``reify`` keeps the computed value in
    the instance ``__dict__``; there is no public way to ask whether it
    was computed.  Pinned by tests/test_pyramid_internals.py.
    """
    return request.__dict__.get('response')
