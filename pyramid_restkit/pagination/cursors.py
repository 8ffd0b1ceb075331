"""Cursor (keyset) pagination and its signed, opaque cursors.

A cursor says where a page starts: a direction (``'next'``: the items
after the position; ``'prev'``: those before it) and the values of the
ordering's keys at that position.  It is bound to the route and the
ordering that issued it and signed with HMAC-SHA256 over the
``restkit.secret`` setting; any cursor that fails those checks is a 400
naming ``cursor``.

Encoding: ``base64url(JSON payload) "." base64url(HMAC)``; the payload is
``[route, ordering, direction, values]`` with each value tagged with its
type (so ints, strings, floats, booleans, ``None``, datetimes, dates,
Decimals and UUIDs come back as they went).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ResourceConfigurationError
from ..settings import Settings
from . import (
    Pagination,
    PaginationParameters,
    bad_parameter,
    int_parameter,
    parse_ordering,
    query_value,
)
from .sources import Ordering, Source

#: Type tag -> (the type, how a value is written, how it is read).
_ENCODERS: dict[str, tuple[type, Callable[[Any], Any], Callable[[Any], Any]]]
_ENCODERS = {
    # NOTE: bool before int (a bool is an int); datetime before date.
    'b': (bool, bool, lambda raw: _typed(raw, bool)),
    'i': (int, int, lambda raw: _typed(raw, int)),
    'f': (float, repr, float),
    's': (str, str, lambda raw: _typed(raw, str)),
    't': (
        datetime.datetime,
        datetime.datetime.isoformat,
        datetime.datetime.fromisoformat,
    ),
    'd': (datetime.date, datetime.date.isoformat, datetime.date.fromisoformat),
    'm': (decimal.Decimal, str, decimal.Decimal),
    'u': (uuid.UUID, str, uuid.UUID),
}


def _typed(raw: Any, kind: type) -> Any:
    if type(raw) is not kind:
        raise ValueError(raw)
    return raw


@dataclasses.dataclass(frozen=True)
class Cursor:
    """A decoded cursor: ``direction`` (``'next'``/``'prev'``) and the
    ordering keys' ``values``, in order."""

    direction: str
    values: tuple[Any, ...]


def _encode_value(value: Any) -> list[Any]:
    if value is None:
        return ['n']
    for tag, (kind, write, _) in _ENCODERS.items():
        if isinstance(value, kind):
            return [tag, write(value)]
    raise TypeError(
        f'a cursor cannot hold {type(value).__name__} values: {value!r}'
    )


def _decode_value(raw: Any) -> Any:
    if raw == ['n']:
        return None
    tag, text = raw  # a ValueError/TypeError unless a pair
    return _ENCODERS[tag][2](text)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


class CursorCodec:
    """Signs and checks the cursors of one route and ordering."""

    def __init__(self, secret: str, route: str, ordering: Ordering) -> None:
        self.key = hashlib.sha256(
            b'pyramid_restkit cursor\0' + secret.encode('utf-8')
        ).digest()
        self.binding = [route, [[k, d] for k, d in ordering]]

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.key, payload, hashlib.sha256).digest()

    def encode(self, cursor: Cursor) -> str:
        payload = json.dumps(
            [
                *self.binding,
                cursor.direction,
                [_encode_value(v) for v in cursor.values],
            ],
            separators=(',', ':'),
        ).encode('utf-8')
        return f'{_b64(payload)}.{_b64(self._mac(payload))}'

    def decode(self, token: str) -> Cursor:
        """The cursor ``token`` holds; a 400 naming ``cursor`` unless
        this route and ordering issued it, unchanged."""
        try:
            head, _, mac = token.partition('.')
            payload = _unb64(head)
            if not hmac.compare_digest(_unb64(mac), self._mac(payload)):
                raise ValueError('signature')
            route, ordering, direction, values = json.loads(payload)
            if [route, ordering] != self.binding:
                raise ValueError('binding')
            if direction not in ('next', 'prev'):
                raise ValueError('direction')
            decoded = tuple(_decode_value(raw) for raw in values)
            if len(decoded) != len(ordering):
                raise ValueError('values')
        except (ValueError, TypeError, KeyError, binascii.Error):
            raise bad_parameter(
                'cursor', 'cursor is not a cursor this list issued.'
            ) from None
        return Cursor(direction, decoded)


class CursorPagination(Pagination):
    """``?cursor=`` (opaque, from the links) and ``?limit=``: keyset
    pagination over ``ordering`` (keys such as ``('-created_at', 'id')``;
    the last must be unique).  Needs the ``restkit.secret`` setting."""

    style = 'cursor'
    parameters = ('cursor', 'limit')

    def __init__(
        self,
        *,
        ordering: Sequence[str] | None = None,
        default_size: int | None = None,
        max_size: int | None = None,
        count: bool = False,
    ) -> None:
        super().__init__(
            default_size=default_size, max_size=max_size, count=count
        )
        #: ``(key, descending)`` pairs (``None``: not given, which only
        #: model resources allow: they order by the primary key).
        self.ordering: Ordering | None = (
            None
            if ordering is None
            else parse_ordering(ordering, 'CursorPagination(ordering=)')
        )
        self.codecs: dict[str, CursorCodec] = {}
        self.secret: str | None = None

    def __repr__(self) -> str:
        keys = None
        if self.ordering is not None:
            keys = tuple(('-' if d else '') + k for k, d in self.ordering)
        return f'{super().__repr__()[:-1]}, ordering={keys!r})'

    def _key(self) -> tuple[Any, ...]:
        return (*super()._key(), self.ordering)

    def check(self, settings: Settings, where: str) -> None:
        if self.ordering is None:
            raise ResourceConfigurationError(
                f"{where}: pagination='cursor' needs an ordering: "
                "CursorPagination(ordering=('-created_at', 'id'))"
            )
        if settings.secret is None:
            raise ResourceConfigurationError(
                f'{where}: cursor pagination signs its cursors with the '
                'restkit.secret setting, which is not set'
            )
        self.secret = settings.secret

    def codec(self, request: Any) -> CursorCodec:
        """The codec of the request's route (made once per route)."""
        route = request.matched_route.name
        codec = self.codecs.get(route)
        if codec is None:
            codec = self.codecs[route] = CursorCodec(
                self.secret or '',
                route,
                self.ordering or (),
            )
        return codec

    def parse(self, request: Any, settings: Settings) -> PaginationParameters:
        default, maximum = self.sizes(settings)
        limit = int_parameter(request, 'limit', default, 1, maximum)
        if query_value(request, 'sort') is not None:
            raise bad_parameter(
                'sort', 'sort is not available with cursor pagination.'
            )
        token = query_value(request, 'cursor')
        codec = self.codec(request)
        cursor = None if token is None else codec.decode(token)
        return PaginationParameters(cursor=cursor, limit=limit, codec=codec)

    def window(
        self,
        source: Source,
        params: PaginationParameters,
        total: int | None,
    ) -> tuple[list[Any], bool]:
        ordering: Ordering = self.ordering  # type: ignore[assignment]
        cursor, limit = params.cursor, params.limit
        backwards = cursor is not None and cursor.direction == 'prev'
        after = None if cursor is None else cursor.values
        items = source.seek(ordering, after, backwards, limit + 1)
        more = len(items) > limit
        if backwards:
            return items[-limit:] if more else items, more
        return items[:limit], more

    def links(
        self,
        params: PaginationParameters,
        items: Sequence[Any],
        total: int | None,
        more: bool,
        keys: Callable[[Any], tuple[Any, ...]],
    ) -> dict[str, dict[str, str | None] | None]:
        cursor: Cursor | None = params.cursor
        codec: CursorCodec = params.codec
        limit = str(params.limit)
        backwards = cursor is not None and cursor.direction == 'prev'
        has_next = more if not backwards else True
        has_prev = (more if backwards else cursor is not None) and (
            bool(items) or cursor is not None
        )

        def at(direction: str, values: tuple[Any, ...]) -> dict[str, Any]:
            return {
                'cursor': codec.encode(Cursor(direction, values)),
                'limit': limit,
            }

        here = () if cursor is None else cursor.values
        return {
            'next': at('next', keys(items[-1]) if items else here)
            if has_next
            else None,
            'prev': at('prev', keys(items[0]) if items else here)
            if has_prev
            else None,
            'first': {'cursor': None, 'limit': limit},
            'last': None,
        }
