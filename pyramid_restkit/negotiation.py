"""Choosing the response media type: pure functions over frozen offers.

A :class:`Negotiator` is built once per operation, when the configuration
is committed, from the media types the operation serves.  The chain, first
that applies wins (the operation's forced type is handled by its caller):

1. a URL suffix, peeled off the path by the ``format_suffix`` route
   predicate into ``request.restkit_suffix``;
2. the ``format`` query parameter;
3. ``Accept`` by RFC 9110 (q-values, ``q=0``, specificity), parsed by
   WebOb's ``acceptparse``; since parsing a header costs several
   microseconds and clients send a handful of distinct values, each answer
   is cached by the header's exact text (headers longer than
   :data:`MAX_CACHED_ACCEPT` are negotiated without the cache, which they
   would only fill);
4. the default.

Matching reads no parameter of a media range (:func:`media_ranges`):
``Accept: application/json; charset=utf-8`` (or ``; indent=4``) gets JSON.
WebOb's own ``acceptable_offers`` matches a range with parameters only to
an offer with the same ones, which refused such clients with a 406; the
kit therefore ranks the offers itself over WebOb's parse, with the
precedence of RFC 9110 section 12.5.1: the most specific range that
matches an offer gives its quality (``type/subtype``, then ``type/*``,
then ``*/*``), ``q=0`` excludes, and among ranges that differ only by
ignored parameters one without parameters (the served type's exact match)
decides, else the highest quality.

A query string that is not UTF-8 once percent-decoded names no format.
Restkit operations refuse it with a 400 before negotiating
(:func:`pyramid_restkit.views.check_query`); here it only reaches the
error views, which must still choose a format, and the ``format=``
predicate of plain views, which leaves the query to the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from webob.acceptparse import AcceptValidHeader, create_accept_header

from .media import MediaType

#: The query parameter that names a media type.
FORMAT_PARAM = 'format'

#: Distinct Accept values remembered per negotiator before starting over.
CACHE_SIZE = 256

#: Longest Accept header (in characters) whose answer is cached.
MAX_CACHED_ACCEPT = 256


class MediaRange(NamedTuple):
    """One range of an Accept header, as matching reads it."""

    #: Lowercased; ``'*'`` for a wildcard.
    type: str
    subtype: str
    #: The quality, ``0.0`` to ``1.0``.
    q: float
    #: The range had no media type parameters.
    bare: bool
    #: Its ``version`` parameter, read only for accept versioning
    #: (:func:`media_ranges`); ``None`` when it has none.
    version: str | None = None


#: The one media type parameter the kit reads (accept versioning).
VERSION_PARAM = 'version'


def media_ranges(
    header: AcceptValidHeader, versioned: bool = False
) -> list[MediaRange]:
    """The ranges of a valid header, parameters dropped for matching.

    ``versioned`` (``restkit.versioning = accept``): each range keeps its
    ``version`` parameter (:func:`range_version`).
    """
    ranges = []
    for media_range, q, params, _extensions in header.parsed:
        type_, _, subtype = (
            media_range.partition(';')[0].lower().partition('/')
        )
        # NOTE: API.md ("Details fixed"): the only parameter the kit reads
        # is ``version``, and only with ``restkit.versioning = accept``;
        # every other one (``charset``, ``indent``...) is ignored here,
        # and ``version`` too for matching: it chooses the API version,
        # not the media type.
        version = range_version(params) if versioned else None
        ranges.append(MediaRange(type_, subtype, q, not params, version))
    return ranges


def range_version(params: Sequence[tuple[str, str]]) -> str | None:
    """The ``version`` parameter of a range's parameters, if any.

    The name is case-insensitive (RFC 9110); WebOb has unquoted the value
    (``version="2"`` is ``2``).  An empty value is an absent one, like an
    empty query parameter; a range that gives different values has them
    joined with ``", "``, which no version is (a 406).
    """
    values = [
        value
        for name, value in params
        if name.lower() == VERSION_PARAM and value
    ]
    if not values:
        return None
    return ', '.join(dict.fromkeys(values))


def deciding_range(
    type_: str, subtype: str, ranges: Sequence[MediaRange]
) -> MediaRange | None:
    """The range that gives ``type_/subtype`` its quality, if any.

    The most specific matching range decides (RFC 9110 section 12.5.1);
    among equally specific ones, a range without parameters, then the
    highest quality, then the first.
    """
    best: tuple[int, bool, float] | None = None
    chosen = None
    for media_range in ranges:
        if media_range.type == type_ and media_range.subtype == subtype:
            specificity = 3
        elif media_range.subtype == '*' and media_range.type in (type_, '*'):
            specificity = 2 if media_range.type == type_ else 1
        else:
            continue
        key = (specificity, media_range.bare, media_range.q)
        if best is None or key > best:
            best, chosen = key, media_range
    return chosen


def quality(type_: str, subtype: str, ranges: Sequence[MediaRange]) -> float:
    """The quality ``ranges`` give the media type ``type_/subtype``.

    That of :func:`deciding_range`; ``0.0`` when no range matches.
    """
    found = deciding_range(type_, subtype, ranges)
    return 0.0 if found is None else found.q


class Negotiator:
    """Pick one of ``offers`` for an Accept header.

    ``default`` wins ties and answers when the client states no preference
    (no header, an empty or an invalid one); the other offers keep their
    order, which is the server's preference.
    """

    def __init__(self, offers: Sequence[MediaType], default: MediaType):
        ordered = [default] + [m for m in offers if m is not default]
        self.offers = tuple(ordered)
        self.default = default
        # Offers match on type and subtype alone, like the ranges; a
        # type's aliases match for it (the best of its names counts).
        self._offers = [
            (
                media,
                [
                    _type_subtype(name)
                    for name in (media.media_type, *media.aliases)
                ],
            )
            for media in ordered
        ]
        self.by_name = {media.name: media for media in ordered}
        self._cache: dict[str, MediaType | None] = {}

    def select(self, request: Any) -> tuple[MediaType | None, bool]:
        """Run the chain for ``request``.

        Returns the media type (``None``: nothing the client asked for is
        served, a 406) and whether ``Accept`` decided, which calls for
        ``Vary: Accept``.
        """
        suffix = getattr(request, 'restkit_suffix', None)
        if suffix is not None:
            return self.by_name.get(suffix), False
        environ = request.environ
        # PERF: parse the query string only when it may name a format.
        if FORMAT_PARAM + '=' in environ.get('QUERY_STRING', ''):
            try:
                name = request.GET.get(FORMAT_PARAM)
            except UnicodeError:  # see the module docstring
                name = None
            if name is not None:
                return self.by_name.get(name), False
        return self.choose(environ.get('HTTP_ACCEPT')), True

    def choose(self, accept: str | None) -> MediaType | None:
        """Return the media type to render, or ``None`` for a 406."""
        if not accept:
            return self.default
        if len(accept) > MAX_CACHED_ACCEPT:
            return self._negotiate(accept)
        try:
            return self._cache[accept]
        except KeyError:
            pass
        chosen = self._negotiate(accept)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[accept] = chosen
        return chosen

    def _negotiate(self, accept: str) -> MediaType | None:
        header = create_accept_header(accept)
        if not isinstance(header, AcceptValidHeader):
            return self.default  # RFC 9110: an invalid Accept counts as absent
        ranges = media_ranges(header)
        chosen: MediaType | None = None
        best = 0.0
        # Offers in server preference order (the default first): the first
        # of the highest quality wins ties.
        for media, names in self._offers:
            q = max(quality(type_, sub, ranges) for type_, sub in names)
            if q > best:
                chosen, best = media, q
        return chosen


def _type_subtype(media_type: str) -> tuple[str, str]:
    type_, _, subtype = media_type.partition(';')[0].partition('/')
    return type_.strip().lower(), subtype.strip().lower()
