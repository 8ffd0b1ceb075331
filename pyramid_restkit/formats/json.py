"""JSON: a strict parser and a renderer that is also a Pyramid renderer.

The parser accepts RFC 8259 JSON in UTF-8 and nothing more: no NaN or
Infinity, no duplicate keys, no number longer than 100 digits or beyond
the range of a float, no lone surrogate escapes, no nesting deeper than
``restkit.max_depth``.  Each of those is a
:class:`~pyramid_restkit.errors.ParseError` (a 400), never a 500.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import json
import math
import re
import uuid
from collections.abc import Callable
from typing import Any

from ..errors import ParseError
from ..media import ParseOptions

MAX_NUMBER_DIGITS = 100
RECURSION_SAFE_DEPTH = 500

_SURROGATE_ESCAPE = re.compile(r'\\u[dD][89a-fA-F]')


def excerpt(text: str, limit: int = 40) -> str:
    """Return at most ``limit`` characters of ``text`` for a message."""
    if len(text) <= limit:
        return text
    return text[: limit - 3] + '...'


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:  # pragma: no branch (a duplicate exists)
            if key in seen:
                raise ParseError(f'Duplicate key {excerpt(key)!r}.')
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    raise ParseError(f'{name} is not a JSON number.')


def _too_long() -> ParseError:
    return ParseError(f'A number has more than {MAX_NUMBER_DIGITS} digits.')


def _int(text: str) -> int:
    if len(text) - text.startswith('-') > MAX_NUMBER_DIGITS:
        raise _too_long()
    return int(text)


def _float(text: str) -> float:
    digits = len(text) - sum(map(text.count, '-+.eE'))
    if digits > MAX_NUMBER_DIGITS:
        raise _too_long()
    value = float(text)
    if math.isinf(value):
        raise ParseError('A number is out of range.')
    return value


_decode = json.JSONDecoder(
    object_pairs_hook=_pairs,
    parse_constant=_constant,
    parse_int=_int,
    parse_float=_float,
).decode


def _check(value: Any, max_depth: int, strings: bool) -> None:
    """Walk ``value`` without recursion: depth, and UTF-8 of strings."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
            if strings:
                for key in item:
                    _encodable(key)
        elif isinstance(item, list):
            children = item
        else:
            if strings and isinstance(item, str):
                _encodable(item)
            continue
        if depth > max_depth:
            raise ParseError(
                f'The body is nested deeper than {max_depth} levels.'
            )
        stack.extend((child, depth + 1) for child in children)


def _encodable(text: str) -> None:
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        raise ParseError('A string holds a lone surrogate escape.') from None


def parse_json(body: bytes, options: ParseOptions) -> Any:
    """Parse a JSON body strictly; see the module docstring."""
    try:
        text = body.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise ParseError(
            f'The body is not valid UTF-8 (byte {exc.start}).'
        ) from None
    try:
        value = _decode(text)
    except RecursionError:
        # The decoder recurses per level: the interpreter's limit (about a
        # thousand) is reached long after any sensible max_depth.
        if options.max_depth < RECURSION_SAFE_DEPTH:
            raise ParseError(
                f'The body is nested deeper than {options.max_depth} levels.'
            ) from None
        raise ParseError('The body is nested too deeply to parse.') from None
    except json.JSONDecodeError as exc:
        raise ParseError(
            f'Invalid JSON: {exc.msg} (character {exc.pos}).'
        ) from None
    # PERF: bracket counts bound the depth, so small documents skip the walk.
    deep = text.count('[') + text.count('{') > options.max_depth
    strings = '\\u' in text and _SURROGATE_ESCAPE.search(text) is not None
    if deep or strings:
        _check(value, options.max_depth, strings)
    return value


Adapter = Callable[[Any, Any], Any]


def _isoformat(value: Any, request: Any) -> Any:
    return value.isoformat()


def _string(value: Any, request: Any) -> Any:
    return str(value)


class JSONRenderer:
    """Render values as compact UTF-8 JSON.

    ``datetime``, ``date`` and ``time`` become ISO 8601 strings, ``Decimal``
    and ``UUID`` strings, sets lists; an object with a ``__json__(request)``
    method is rendered as what it returns.  :meth:`add_adapter` teaches it
    other types, like :class:`pyramid.renderers.JSON`.

    Registered through the media registry, it is also the Pyramid
    renderer ``restkit.json`` for plain views.
    """

    content_type = 'application/json'

    def __init__(self) -> None:
        self.adapters: dict[type, Adapter] = {
            datetime.datetime: _isoformat,
            datetime.date: _isoformat,
            datetime.time: _isoformat,
            decimal.Decimal: _string,
            uuid.UUID: _string,
            set: lambda value, request: sorted(value, key=repr),
            frozenset: lambda value, request: sorted(value, key=repr),
        }
        self._request: contextvars.ContextVar[Any] = contextvars.ContextVar(
            f'restkit_json_request_{id(self)}'
        )
        options: dict[str, Any] = {
            'allow_nan': False,
            'separators': (',', ':'),
            'default': self._default,
        }
        self._utf8 = json.JSONEncoder(ensure_ascii=False, **options)
        self._ascii = json.JSONEncoder(ensure_ascii=True, **options)

    def add_adapter(self, type_: type, adapter: Adapter) -> None:
        """Render instances of ``type_`` as ``adapter(obj, request)``."""
        self.adapters[type_] = adapter

    def _default(self, obj: Any) -> Any:
        request = self._request.get()
        for cls in type(obj).__mro__:
            adapter = self.adapters.get(cls)
            if adapter is not None:
                return adapter(obj, request)
        method = getattr(obj, '__json__', None)
        if method is not None:
            return method(request)
        raise TypeError(f'{type(obj).__name__} is not JSON serializable')

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        """Return ``value`` as JSON bytes (``options`` are ignored)."""
        # PERF: the encoders are built once; the request reaches adapters
        # through a context variable instead of a closure made per call.
        token = self._request.set(request)
        try:
            try:
                return self._utf8.encode(value).encode('utf-8')
            except UnicodeEncodeError:
                # NOTE: a lone surrogate in server data cannot be UTF-8;
                # ASCII escapes keep the document valid instead of failing.
                return self._ascii.encode(value).encode('ascii')
        finally:
            self._request.reset(token)
