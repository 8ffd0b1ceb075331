"""Choosing the response media type: pure functions over frozen offers.

A :class:`Negotiator` is built once per operation, when the configuration
is committed, from the media types the operation serves.  The chain, first
that applies wins (the operation's forced type is handled by its caller):

1. a URL suffix, peeled off the path by the ``format_suffix`` route
   predicate into ``request.restkit_suffix``;
2. the ``format`` query parameter;
3. ``Accept`` by RFC 9110 (q-values, ``q=0``, specificity) through WebOb's
   ``acceptparse``; since parsing a header costs several microseconds and
   clients send a handful of distinct values, each answer is cached by the
   header's exact text (headers longer than :data:`MAX_CACHED_ACCEPT` are
   negotiated without the cache, which they would only fill);
4. the default.

A query string that is not UTF-8 once percent-decoded names no format.
Restkit operations refuse it with a 400 before negotiating
(:func:`pyramid_restkit.views.check_query`); here it only reaches the
error views, which must still choose a format, and the ``format=``
predicate of plain views, which leaves the query to the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from webob.acceptparse import AcceptValidHeader, create_accept_header

from .media import MediaType

#: The query parameter that names a media type.
FORMAT_PARAM = 'format'

#: Distinct Accept values remembered per negotiator before starting over.
CACHE_SIZE = 256

#: Longest Accept header (in characters) whose answer is cached.
MAX_CACHED_ACCEPT = 256


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
        self._types = [media.media_type for media in ordered]
        self._by_type = {media.media_type: media for media in ordered}
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
        if isinstance(header, AcceptValidHeader):
            acceptable = header.acceptable_offers(self._types)
            return self._by_type[acceptable[0][0]] if acceptable else None
        return self.default  # RFC 9110: an invalid Accept counts as absent
