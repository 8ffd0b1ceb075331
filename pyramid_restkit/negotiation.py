"""Choosing the response media type: pure functions over frozen offers.

A :class:`Negotiator` is built once per operation, when the configuration
is committed, from the media types the operation serves.  RFC 9110
semantics (q-values, ``q=0``, specificity) come from WebOb's
``acceptparse``; since parsing an Accept header costs several
microseconds and clients send a handful of distinct values, each answer is
cached by the header's exact text.
"""

from __future__ import annotations

from collections.abc import Sequence

from webob.acceptparse import AcceptValidHeader, create_accept_header

from .media import MediaType

#: Distinct Accept values remembered per negotiator before starting over.
CACHE_SIZE = 256


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
        self._cache: dict[str, MediaType | None] = {}

    def choose(self, accept: str | None) -> MediaType | None:
        """Return the media type to render, or ``None`` for a 406."""
        if not accept:
            return self.default
        try:
            return self._cache[accept]
        except KeyError:
            pass
        header = create_accept_header(accept)
        if isinstance(header, AcceptValidHeader):
            acceptable = header.acceptable_offers(self._types)
            chosen = self._by_type[acceptable[0][0]] if acceptable else None
        else:  # RFC 9110: an invalid Accept counts as absent
            chosen = self.default
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[accept] = chosen
        return chosen
