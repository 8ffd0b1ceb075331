"""What the formats share, so that they parse and render alike.

Parsers quote at most an :func:`excerpt` of the input in their messages,
read strict UTF-8 (:func:`utf8_text`, :func:`decode_utf8`), refuse
duplicate keys (:func:`unique_keys`) and bound nesting (:func:`walk`,
:func:`too_deep`).  Renderers turn other types into data with the same
adapters (:func:`default_adapters`, :func:`adapt`), write mapping keys as
:mod:`json` does (:func:`key_text`) and text as UTF-8
(:func:`encode_utf8`); the text formats first reduce a value to JSON data
(:func:`json_data`).
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import uuid
from collections.abc import Callable
from typing import Any

from ..errors import ParseError
from ..media import ParseOptions, Renderer

#: The longest number (in digits) a typed parser accepts.
MAX_NUMBER_DIGITS = 100

#: Charset names whose bytes are UTF-8 (ASCII is a subset of it).
UTF8_CHARSETS = frozenset({'utf-8', 'utf8', 'us-ascii', 'ascii'})

#: ``adapter(obj, request)`` returns what a renderer writes for ``obj``.
Adapter = Callable[[Any, Any], Any]


# -- parsing ------------------------------------------------------------------


def excerpt(text: str, limit: int = 40) -> str:
    """Return at most ``limit`` characters of ``text`` for a message."""
    if len(text) <= limit:
        return text
    return text[: limit - 3] + '...'


def too_deep(max_depth: int) -> ParseError:
    """Return the error for a body nested deeper than ``max_depth``."""
    return ParseError(f'The body is nested deeper than {max_depth} levels.')


def too_many_digits(where: str = '') -> ParseError:
    """Return the error for a number beyond ``MAX_NUMBER_DIGITS`` digits.

    ``where``, such as ``' (line 2, column 5)'``, ends the message.
    """
    return ParseError(
        f'A number has more than {MAX_NUMBER_DIGITS} digits{where}.'
    )


def finite_float(text: str, where: str = '') -> float:
    """Return the float ``text`` spells, refusing one beyond the range of
    a float (``where`` as for :func:`too_many_digits`)."""
    value = float(text)
    if math.isinf(value):
        raise ParseError(f'A number is out of range{where}.')
    return value


def utf8_text(body: bytes) -> str:
    """Return ``body`` decoded as strict UTF-8, or raise ``ParseError``."""
    try:
        return body.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise ParseError(
            f'The body is not valid UTF-8 (byte {exc.start}).'
        ) from None


def check_charset(options: ParseOptions) -> None:
    """Refuse a ``charset`` parameter that does not name UTF-8.

    The media registry may turn other charsets into a 415 before parsing;
    this check keeps a parser from decoding, say, Latin-1 as UTF-8 when it
    is registered without that restriction.
    """
    charset = options.charset
    if charset is not None and charset.lower() not in UTF8_CHARSETS:
        raise ParseError(
            f'The charset {excerpt(charset)!r} is not supported; send UTF-8.'
        )


def decode_utf8(body: bytes, options: ParseOptions) -> str:
    """Return ``body`` decoded as strict UTF-8, or raise ``ParseError``."""
    check_charset(options)
    return utf8_text(body)


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Return ``pairs`` as a dict; a key given twice is a ``ParseError``."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:  # pragma: no branch (a duplicate exists)
            if key in seen:
                raise ParseError(f'Duplicate key {excerpt(key)!r}.')
            seen.add(key)
    return result


def walk(
    value: Any,
    max_depth: int,
    scalar: Callable[[Any], None] | None = None,
    key: Callable[[str], None] | None = None,
) -> None:
    """Walk parsed data without recursion, refusing nesting deeper than
    ``max_depth``; ``scalar`` and ``key`` see every leaf and mapping key
    (and raise :class:`~pyramid_restkit.errors.ParseError` to refuse)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
            if key is not None:
                for name in item:
                    key(name)
        elif isinstance(item, list):
            children = item
        else:
            if scalar is not None:
                scalar(item)
            continue
        if depth > max_depth:
            raise too_deep(max_depth)
        stack.extend((child, depth + 1) for child in children)


# -- rendering ----------------------------------------------------------------


def isoformat_adapter(value: Any, request: Any) -> Any:
    """Dates and times as ISO 8601 text."""
    return value.isoformat()


def str_adapter(value: Any, request: Any) -> Any:
    """``Decimal`` and ``UUID`` as their string form."""
    return str(value)


def sorted_adapter(value: Any, request: Any) -> Any:
    """Sets as lists, in an order that does not vary between runs."""
    return sorted(value, key=repr)


def default_adapters() -> dict[type, Adapter]:
    """Return a new table of the built-in adapters, by type.

    Every renderer starts from it, so that a value renders alike in every
    format: dates and times as ISO 8601 text, ``Decimal`` and ``UUID`` as
    strings, sets as sorted lists.
    """
    return {
        datetime.datetime: isoformat_adapter,
        datetime.date: isoformat_adapter,
        datetime.time: isoformat_adapter,
        decimal.Decimal: str_adapter,
        uuid.UUID: str_adapter,
        set: sorted_adapter,
        frozenset: sorted_adapter,
    }


def adapt(
    obj: Any, adapters: dict[type, Adapter], request: Any, what: str = 'JSON'
) -> Any:
    """Turn ``obj`` into data with the first adapter along its MRO, or its
    ``__json__(request)``; ``TypeError`` when neither exists."""
    for cls in type(obj).__mro__:
        adapter = adapters.get(cls)
        if adapter is not None:
            return adapter(obj, request)
    method = getattr(obj, '__json__', None)
    if method is not None:
        return method(request)
    raise TypeError(f'{type(obj).__name__} is not {what} serializable')


def check_finite(value: float) -> None:
    """Refuse NaN and infinities, as :mod:`json` does with ``ValueError``."""
    if not math.isfinite(value):
        raise ValueError(
            f'Out of range float values are not JSON compliant: {value!r}'
        )


def number_text(value: bool | int | float) -> str:
    """Return the JSON text of a boolean or a number (see ``check_finite``).

    Subclasses (``IntEnum`` members...) are written as their base type.
    """
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if isinstance(value, int):
        return int.__repr__(value)
    check_finite(value)
    return float.__repr__(value)


def key_text(key: Any) -> str:
    """Turn a mapping key into a string by the rules of :mod:`json`."""
    if isinstance(key, str):
        return str.__str__(key)
    if key is None:
        return 'null'
    if isinstance(key, (int, float)):
        return number_text(key)
    raise TypeError(
        f'keys must be str, int, float, bool or None, not {type(key).__name__}'
    )


def encode_utf8(text: str) -> bytes:
    """Return ``text`` as UTF-8, a lone surrogate as a ``\\udxxx`` escape.

    A lone surrogate in server data cannot be UTF-8; showing it escaped
    keeps the response valid instead of failing (as the JSON renderer
    does with ASCII escapes).
    """
    return text.encode('utf-8', 'backslashreplace')


def json_data(renderer: Renderer, value: Any, request: Any) -> Any:
    """Reduce ``value`` to JSON data through a JSON ``renderer``.

    The result holds only dicts with string keys, lists, strings, numbers,
    booleans and None: dates became ISO 8601 strings, ``Decimal`` and
    ``UUID`` strings, objects with ``__json__`` what it returns, and the
    renderer's adapters applied.  NaN and infinities raise ``ValueError``
    and unknown types ``TypeError``, as in JSON.

    PERF: this encodes and decodes once more than JSON itself; the formats
    using it are meant for people and interchange, not for speed.
    """
    return json.loads(renderer.dumps(value, request))
