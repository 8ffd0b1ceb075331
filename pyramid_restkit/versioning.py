"""API versions: which one a request asks for, and the errors of a wrong one.

``restkit.versioning`` names where a request says its version:

- ``accept``: the ``version`` parameter of an ``Accept`` range
  (``Accept: application/json; version=2``);
- ``path``: a ``{version}`` placeholder of the resource's route pattern
  (``/{version}/posts``), checked before anything else (see
  :func:`pyramid_restkit.derivers.version_guard`);
- ``query``: the ``version`` query parameter (``?version=2``);
- ``header``: the ``Api-Version`` header.

``restkit.versions`` lists the versions, the default first: a request that
names none gets it.  A version that is not listed, or that the operation
does not serve (``versions=``), is refused with the mode's status: ``404``
(path: no such resource), ``406`` (accept: no acceptable
representation) or ``400`` (query, header: a bad parameter).

A :class:`Versioning` is built once, from the settings, when the
configuration is committed; operations of an application without
versioning have none and run no code of this module.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPError,
    HTTPNotAcceptable,
    HTTPNotFound,
)
from webob.acceptparse import AcceptValidHeader, create_accept_header

from .interfaces import IRestkitRoutes
from .negotiation import (
    CACHE_SIZE,
    MAX_CACHED_ACCEPT,
    VERSION_PARAM,
    deciding_range,
    media_ranges,
)

#: The request header of ``header`` versioning, and its WSGI key.
VERSION_HEADER = 'Api-Version'
VERSION_ENVIRON = 'HTTP_API_VERSION'
#: The placeholder of ``path`` versioning (``/{version}/posts``).
VERSION_PLACEHOLDER = 'version'


class Versioning:
    """How this application's requests name their API version.

    ``mode`` is one of ``accept``, ``path``, ``query`` and ``header``;
    ``versions`` the known versions, the default first.
    """

    def __init__(self, mode: str, versions: Sequence[str]) -> None:
        self.mode = mode
        self.versions = tuple(versions)
        self.default = self.versions[0]
        self.known = frozenset(self.versions)
        #: Accept versioning: the answers of :func:`accept_version`, by
        #: the header's text and the chosen media type.
        self._cache: dict[tuple[str, str], str | None] = {}

    def check(
        self, request: Any, media: Any, served: Collection[str] | None
    ) -> bool:
        """Set ``request.api_version`` for an operation that chose ``media``.

        Raises the mode's error (:meth:`refusal`) for a version that is
        not known, or that ``served`` (the operation's versions, ``None``:
        all) lacks.  Returns whether ``Accept`` chose the version (accept
        versioning), which calls for ``Vary: Accept``.  In path mode the
        version was checked before the permission, and is kept.
        """
        mode = self.mode
        if mode == 'path':
            return False
        if mode == 'accept':
            # NOTE: the version depends on Accept, whatever chose the media
            # type: so does the answer, a refusal included.
            request.restkit_vary = True
        version = self.requested(request, media)
        if served is not None and version not in served:
            raise self.refusal(version, request.method, served)
        request.api_version = version
        return mode == 'accept'

    def requested(self, request: Any, media: Any = None) -> str:
        """The known version ``request`` asks for, else the default.

        ``media`` is the media type chosen for the response (accept
        versioning reads the version of the ``Accept`` range that matched
        it).  Raises the mode's error for an unknown version, and a 400
        for a query string with two ``version`` parameters.
        """
        mode = self.mode
        if mode == 'header':
            version = request.environ.get(VERSION_ENVIRON, '').strip(' \t')
        elif mode == 'query':
            version = self._query(request)
        elif mode == 'accept':
            version = self._accept(request, media)
        else:
            version = request.matchdict.get(VERSION_PLACEHOLDER) or ''
        if not version:
            # NOTE: an empty value is an absent one (as for the
            # pagination parameters), hence the default.
            return self.default
        if version not in self.known:
            raise self.refusal(version)
        return str(version)

    def _query(self, request: Any) -> str:
        # PERF: parse the query string only when it may hold the version.
        if VERSION_PARAM + '=' not in request.environ.get('QUERY_STRING', ''):
            return ''
        try:
            values = [v for v in request.GET.getall(VERSION_PARAM) if v]
        except UnicodeError:
            raise HTTPBadRequest(
                detail='The query string is not valid UTF-8.'
            ) from None
        if len(values) > 1:
            raise _bad_request(
                'Send one version parameter, not '
                f'{len(values)}.' + self._listed(),
                'querystring',
                VERSION_PARAM,
                self.versions,
            )
        return values[0] if values else ''

    def _accept(self, request: Any, media: Any) -> str:
        accept = request.environ.get('HTTP_ACCEPT')
        if not accept:
            return ''
        media_type = media.media_type if media is not None else ''
        if len(accept) > MAX_CACHED_ACCEPT:
            return accept_version(accept, media_type) or ''
        key = (accept, media_type)
        try:
            found = self._cache[key]
        except KeyError:
            found = accept_version(accept, media_type)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = found
        return found or ''

    def _listed(self) -> str:
        return f' Versions: {", ".join(self.versions)}.'

    def refusal(
        self,
        version: str,
        method: str | None = None,
        served: Collection[str] | None = None,
    ) -> HTTPError:
        """The error for ``version``: unknown, or not one of ``served``
        (the versions of the operation of ``method``)."""
        if served is None:
            detail = f'There is no API version {version[:40]!r}.'
            available: Sequence[str] = self.versions
        else:
            available = [v for v in self.versions if v in served]
            detail = (
                f'{method} is not available here in API version {version!r}.'
            )
        detail += f' Versions: {", ".join(available)}.'
        mode = self.mode
        exc: HTTPError
        if mode == 'path':
            exc = HTTPNotFound(detail=detail)
        elif mode == 'accept':
            exc = HTTPNotAcceptable(detail=detail)
        elif mode == 'query':
            exc = _bad_request(detail, 'querystring', VERSION_PARAM, available)
        else:
            exc = _bad_request(detail, 'headers', VERSION_HEADER, available)
        exc.problem_extra = {'versions': list(available)}
        return exc


def _bad_request(
    detail: str, location: str, name: str, available: Sequence[str]
) -> HTTPBadRequest:
    exc = HTTPBadRequest(detail=detail)
    exc.errors = [{'location': location, 'name': name, 'description': detail}]
    exc.problem_extra = {'versions': list(available)}
    return exc


def accept_version(accept: str, media_type: str) -> str | None:
    """The version an ``Accept`` header asks for with ``media_type``.

    That of the range that matched ``media_type`` (the one that gives it
    its quality, :func:`~pyramid_restkit.negotiation.deciding_range`),
    else of the first range carrying one, else ``None``.  Ranges with
    ``q=0`` exclude a type and carry no version; an invalid header counts
    as absent (RFC 9110), as it does for the media type.
    """
    header = create_accept_header(accept)
    if not isinstance(header, AcceptValidHeader):
        return None
    ranges = [r for r in media_ranges(header, versioned=True) if r.q > 0]
    type_, _, subtype = media_type.lower().partition('/')
    matched = deciding_range(type_, subtype, ranges)
    if matched is not None and matched.version is not None:
        return matched.version
    return next((r.version for r in ranges if r.version is not None), None)


def api_version(request: Any) -> str | None:
    """The API version of ``request``, on any route.

    On the kit's routes this is ``request.api_version``, which the kit
    sets before calling the resource.  Plain routes are not versioned (no
    request property is added to them, so they cost nothing); a plain
    view that wants the version asks here: it is read as on a resource
    route (path mode: from the route's ``{version}`` placeholder, ``None``
    when it has none; accept mode: for the media type the request
    negotiated, if any), and an unknown version raises the mode's error
    (``HTTPNotFound``, ``HTTPNotAcceptable`` or ``HTTPBadRequest``).
    ``None`` without ``restkit.versioning``.  Example::

        def health(request):
            return {'api': api_version(request)}

    .. versionadded:: 0.1
    """
    if 'api_version' in request.__dict__:
        found: str | None = request.__dict__['api_version']
        return found
    versioning: Versioning | None = request.registry.getUtility(
        IRestkitRoutes
    ).versioning
    if versioning is None:
        return None
    if versioning.mode == 'path' and VERSION_PLACEHOLDER not in (
        request.matchdict or {}
    ):
        return None
    return versioning.requested(
        request, getattr(request, 'restkit_media', None)
    )
