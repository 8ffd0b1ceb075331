"""JSON: a strict parser and a renderer that is also a Pyramid renderer.

The parser accepts RFC 8259 JSON in UTF-8 and nothing more: no NaN or
Infinity, no duplicate keys, no number longer than 100 digits or beyond
the range of a float, no lone surrogate escapes, no nesting deeper than
``restkit.max_depth``.  Each of those is a
:class:`~pyramid_restkit.errors.ParseError` (a 400), never a 500.
"""

from __future__ import annotations

import contextvars
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from ..errors import ParseError
from ..media import ParseOptions
from ._base import (
    MAX_NUMBER_DIGITS,
    Adapter,
    adapt,
    default_adapters,
    finite_float,
    str_adapter,
    too_deep,
    too_many_digits,
    unique_keys,
    utf8_text,
    walk,
)

RECURSION_SAFE_DEPTH = 500

_SURROGATE_ESCAPE = re.compile(r'\\u[dD][89a-fA-F]')


def _constant(name: str) -> Any:
    raise ParseError(f'{name} is not a JSON number.')


def _int(text: str) -> int:
    if len(text) - text.startswith('-') > MAX_NUMBER_DIGITS:
        raise too_many_digits()
    return int(text)


def _float(text: str) -> float:
    if len(text) - sum(map(text.count, '-+.eE')) > MAX_NUMBER_DIGITS:
        raise too_many_digits()
    return finite_float(text)


_decode = json.JSONDecoder(
    object_pairs_hook=unique_keys,
    parse_constant=_constant,
    parse_int=_int,
    parse_float=_float,
).decode


def _encodable_scalar(item: Any) -> None:
    if isinstance(item, str):
        _encodable(item)


def _encodable(text: str) -> None:
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        raise ParseError('A string holds a lone surrogate escape.') from None


def parse_json(body: bytes, options: ParseOptions) -> Any:
    """Parse a JSON body strictly; see the module docstring."""
    text = utf8_text(body)
    try:
        value = _decode(text)
    except RecursionError:
        # The decoder recurses per level: the interpreter's limit (about a
        # thousand) is reached long after any sensible max_depth.
        if options.max_depth < RECURSION_SAFE_DEPTH:
            raise too_deep(options.max_depth) from None
        raise ParseError('The body is nested too deeply to parse.') from None
    except json.JSONDecodeError as exc:
        raise ParseError(
            f'Invalid JSON: {exc.msg} (character {exc.pos}).'
        ) from None
    # PERF: bracket counts bound the depth, so small documents skip the walk.
    deep = text.count('[') + text.count('{') > options.max_depth
    strings = '\\u' in text and _SURROGATE_ESCAPE.search(text) is not None
    if strings:
        walk(value, options.max_depth, _encodable_scalar, _encodable)
    elif deep:
        walk(value, options.max_depth)
    return value


class JSONRenderer:
    """Render values as compact UTF-8 JSON.

    ``datetime``, ``date`` and ``time`` become ISO 8601 strings, ``Decimal``
    and ``UUID`` strings, sets lists; an object with a ``__json__(request)``
    method is rendered as what it returns.  :meth:`add_adapter` teaches it
    other types, like :class:`pyramid.renderers.JSON`.

    When the optional ``orjson`` package is installed (the ``orjson``
    extra) and ``use_orjson`` is true, orjson writes the values it writes
    exactly like the standard library encoder, and that encoder the rest:
    the bytes are the same with or without orjson.  See :meth:`dumps`.

    Registered through the media registry, it is also the Pyramid
    renderer ``restkit.json`` for plain views.
    """

    content_type = 'application/json'

    #: Subclasses of these the stdlib encoder writes as the base type, and
    #: orjson (with ``OPT_PASSTHROUGH_SUBCLASS``) hands them to ``default``.
    _NATIVE = (str, int, float, list, tuple, dict)

    #: Types orjson writes exactly as the stdlib does (floats aside).
    _PLAIN = frozenset({str, int, bool, type(None)})

    #: Floats that Python's repr() writes without an exponent.
    _FIXED_MIN = 1e-4
    _FIXED_MAX = 1e16

    def __init__(self, *, use_orjson: bool = True) -> None:
        self.adapters: dict[type, Adapter] = self.default_adapters()
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
        self._orjson: Any = self._load_orjson() if use_orjson else None
        if self._orjson is not None:
            # orjson hands these to ``default`` instead of writing them.
            self._orjson_option = (
                self._orjson.OPT_PASSTHROUGH_DATETIME
                | self._orjson.OPT_PASSTHROUGH_DATACLASS
                | self._orjson.OPT_PASSTHROUGH_SUBCLASS
            )

    @staticmethod
    def default_adapters() -> dict[type, Adapter]:
        """Return a new table of the built-in adapters, by type.

        They are those of every format (``formats._base.default_adapters``),
        so that a value renders alike in all of them.
        """
        return default_adapters()

    @staticmethod
    def _load_orjson() -> Any:
        """Import orjson if it is installed and writes like the stdlib."""
        try:
            import orjson
        except ImportError:
            return None
        return orjson if JSONRenderer._orjson_agrees(orjson.dumps) else None

    @staticmethod
    def _orjson_agrees(dumps: Callable[[Any], bytes]) -> bool:
        """Tell whether ``dumps`` writes the fast path's values as we do.

        A check of the installed orjson at construction: floats in the
        range where Python's repr() uses no exponent, 64-bit integers,
        escapes and separators.  Should a release format any of them
        otherwise, the fast path stays off instead of changing output.
        """
        probe = [
            [0.0, -0.0, 1e-4, -1e-4, 0.000123456789012345, 0.1, 0.2 + 0.1],
            [1 / 3, -2 / 3, 1.0, 1.5, 4.35, 100.0, 123456.789, 1e15],
            [1234567890123456.8, 2.0**53, 9999999999999998.0, -1e-3],
            [0, -1, 2**53 + 1, 2**63 - 1, -(2**63), 2**64 - 1, True, None],
            ['', 'a"b\\c/', '\x00\x1f\x7f\b\f\n\r\t', '\u2028\u2029\x85'],
            {'Zo\u00eb \u65e5\u672c \U0001f600': {}, 'k': [(), {'x': []}]},
        ]
        expected = json.dumps(
            probe, ensure_ascii=False, separators=(',', ':'), allow_nan=False
        ).encode('utf-8')
        return dumps(probe) == expected

    def add_adapter(self, type_: type, adapter: Adapter) -> None:
        """Render instances of ``type_`` as ``adapter(obj, request)``."""
        self.adapters[type_] = adapter

    def _default(self, obj: Any) -> Any:
        return adapt(obj, self.adapters, self._request.get())

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        """Return ``value`` as JSON bytes (``options`` are ignored).

        With orjson, orjson writes the value first; then a walk over it
        checks that it holds nothing the two encoders write differently
        (see :meth:`_orjson_exact`).  If it does, or orjson fails, the
        standard library encoder writes it, as it does without orjson;
        adapters then run a second time.
        """
        # PERF: the encoders are built once; the request reaches adapters
        # through a context variable instead of a closure made per call.
        token = self._request.set(request)
        try:
            if self._orjson is not None:
                fast = self._dumps_orjson(value)
                if fast is not None:
                    return fast
            try:
                return self._utf8.encode(value).encode('utf-8')
            except UnicodeEncodeError:
                # NOTE: a lone surrogate in server data cannot be UTF-8;
                # ASCII escapes keep the document valid instead of failing.
                return self._ascii.encode(value).encode('ascii')
        finally:
            self._request.reset(token)

    def streamer(self, request: Any, **options: Any) -> JSONArrayWriter:
        """Write a streamed collection as a JSON array, item by item.

        The bytes are those :meth:`dumps` writes for the list of the
        items (see :mod:`pyramid_restkit.streaming`).
        """
        return JSONArrayWriter(self, request)

    def _dumps_orjson(self, value: Any) -> bytes | None:
        """Return orjson's output if it is the stdlib's, else None."""
        orjson = self._orjson
        handled: set[int] = set()
        # Holds what ``default`` saw and returned, so that no id in
        # ``handled`` is reused by another object before the check.
        kept: list[Any] = []

        def default(obj: Any) -> Any:
            if isinstance(obj, self._NATIVE):
                raise TypeError('left to the stdlib encoder')
            result = self._default(obj)
            handled.add(id(obj))
            kept.append(obj)
            kept.append(result)
            return result

        try:
            out: bytes = orjson.dumps(
                value, default=default, option=self._orjson_option
            )
        except orjson.JSONEncodeError:
            # Non-string keys, integers beyond 64 bits, lone surrogates,
            # nesting beyond 255 levels, cycles, subclasses of JSON types,
            # adapters that fail: the stdlib encoder decides.
            return None
        uuids = self.adapters.get(uuid.UUID) is str_adapter
        if self._orjson_exact([value, *kept[1::2]], handled, uuids):
            return out
        return None

    @classmethod
    def _orjson_exact(
        cls, roots: list[Any], handled: set[int], uuids: bool
    ) -> bool:
        """Tell whether orjson wrote ``roots`` as the stdlib encoder does.

        orjson just wrote them, so they hold no cycle.  It writes ``str``,
        ``int`` (within 64 bits, or it fails), ``bool``, ``None``, ``dict``
        with ``str`` keys, ``list`` and ``tuple`` exactly as the stdlib;
        floats only where repr() uses no exponent (NaN and infinities,
        which it writes as ``null``, are not there); ``uuid.UUID`` as
        ``str()`` does, which is our adapter unless replaced.  Any other
        object must have gone through ``default`` (the adapters): orjson
        writes some types itself (enums, ``orjson.Fragment``), and those
        the stdlib would hand to the adapters instead.
        """
        plain, low, high = cls._PLAIN, cls._FIXED_MIN, cls._FIXED_MAX
        stack: list[Any] = [roots]
        while stack:
            for item in stack.pop():
                kind = type(item)
                if kind in plain:
                    continue
                if kind is dict:
                    stack.append(item.values())
                elif kind is list or kind is tuple:
                    stack.append(item)
                elif kind is float:
                    if not (low <= abs(item) < high or item == 0.0):
                        return False
                elif id(item) not in handled and not (
                    uuids and kind is uuid.UUID
                ):
                    return False
        return True


class JSONArrayWriter:
    """A JSON array written one item at a time (``[``, ``,``, ``]``)."""

    def __init__(self, renderer: JSONRenderer, request: Any) -> None:
        self._dumps = renderer.dumps
        self._request = request

    def first(self, item: Any) -> bytes:
        return b'[' + self._dumps(item, self._request)

    def many(self, items: list[Any]) -> bytes:
        # NOTE: one compact array without its brackets is the items
        # with their commas.
        return b',' + self._dumps(items, self._request)[1:-1]

    def end(self) -> bytes:
        return b']'
