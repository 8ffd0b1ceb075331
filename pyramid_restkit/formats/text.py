"""Plain text: a renderer for strings and an opt-in UTF-8 parser.

``text/plain`` is a CORS-safelisted type, so a browser may send it
cross-site without a preflight: the parser is enabled only where an
operation opts in (see API.md, "Media types").

The module also holds the small helpers the other text formats share:
:func:`decode_utf8` (strict UTF-8 with a charset check) and
:func:`json_data` (reduce a value to JSON data with the rules and adapters
of a :class:`~pyramid_restkit.formats.json.JSONRenderer`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import ParseError
from ..media import ParseOptions
from .json import Adapter, JSONRenderer, excerpt, utf8_text

#: Charset names whose bytes are UTF-8 (ASCII is a subset of it).
UTF8_CHARSETS = frozenset({'utf-8', 'utf8', 'us-ascii', 'ascii'})

#: Problem members written first, in this order, by ``dumps_problem``.
_PROBLEM_HEAD = ('title', 'status', 'detail')


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


def encode_utf8(text: str) -> bytes:
    """Return ``text`` as UTF-8, a lone surrogate as a ``\\udxxx`` escape.

    A lone surrogate in server data cannot be UTF-8; showing it escaped
    keeps the response valid instead of failing (as the JSON renderer
    does with ASCII escapes).
    """
    return text.encode('utf-8', 'backslashreplace')


def json_data(renderer: JSONRenderer, value: Any, request: Any) -> Any:
    """Reduce ``value`` to JSON data through ``renderer``.

    The result holds only dicts with string keys, lists, strings, numbers,
    booleans and None: dates became ISO 8601 strings, ``Decimal`` and
    ``UUID`` strings, objects with ``__json__`` what it returns, and the
    renderer's adapters applied.  NaN and infinities raise ``ValueError``
    and unknown types ``TypeError``, as in JSON.

    PERF: this encodes and decodes once more than JSON itself; the formats
    using it are meant for people and interchange, not for speed.
    """
    return json.loads(renderer.dumps(value, request))


def _one_line(text: str) -> str:
    return ' '.join(text.splitlines())


def _member_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ', '.join(value)
    return json.dumps(value, ensure_ascii=False, separators=(',', ':'))


def _error_line(error: Any) -> str:
    if not isinstance(error, dict):
        return _member_text(error)
    path = '.'.join(
        str(part)
        for part in (error.get('location'), error.get('name'))
        if part
    )
    description = _member_text(error.get('description', ''))
    return f'{path}: {description}' if path else description


class TextRenderer:
    """Render values as ``text/plain`` in UTF-8.

    A string renders as its UTF-8 bytes, bytes pass as they are and None
    gives an empty body.  Any other value (a number, a boolean, a dict, a
    list) renders as its compact JSON text: text has no notation of its
    own for structure, and JSON is what an API client reads most easily.
    A value that JSON writes as a string (a datetime, a ``UUID``...) is
    that string, without quotes.

    ``json_renderer`` supplies the JSON rules and adapters (a new
    :class:`~pyramid_restkit.formats.json.JSONRenderer` by default).
    """

    content_type = 'text/plain'

    def __init__(self, json_renderer: JSONRenderer | None = None) -> None:
        self.json = json_renderer or JSONRenderer()

    def add_adapter(self, type_: type, adapter: Adapter) -> None:
        """Render instances of ``type_`` as ``adapter(obj, request)``."""
        self.json.add_adapter(type_, adapter)

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        """Return ``value`` as text bytes (``options`` are ignored)."""
        if value is None:
            return b''
        if isinstance(value, (bytes, bytearray, memoryview)):
            return bytes(value)
        if isinstance(value, str):
            return encode_utf8(value)
        data = self.json.dumps(value, request)
        if data.startswith(b'"'):
            return encode_utf8(json.loads(data))
        return data

    def dumps_problem(self, value: Mapping[str, Any], request: Any) -> bytes:
        """Render problem details as ``name: value`` lines.

        ``title``, ``status`` and ``detail`` come first, then the other
        members (``type`` unless it is ``about:blank``), then one
        ``error: location.name: description`` line per validation error.
        Line breaks inside values become spaces, so each item stays on its
        own line.
        """
        data = json_data(self.json, value, request)
        lines = [
            f'{key}: {_one_line(_member_text(data[key]))}'
            for key in _PROBLEM_HEAD
            if key in data
        ]
        errors = data.get('errors')
        listed = isinstance(errors, list)
        for key, member in data.items():
            if key in _PROBLEM_HEAD or (key == 'errors' and listed):
                continue
            if key == 'type' and member == 'about:blank':
                continue
            lines.append(f'{key}: {_one_line(_member_text(member))}')
        for error in errors if listed else ():
            lines.append(f'error: {_one_line(_error_line(error))}')
        return encode_utf8('\n'.join(lines) + '\n')


def parse_text(body: bytes, options: ParseOptions) -> str:
    """Return the body decoded as strict UTF-8.

    The text is returned as it was sent: a byte order mark is kept (as
    U+FEFF) and line endings are not changed.  Invalid UTF-8, or a charset
    other than UTF-8 (or its subset ASCII), is a ``ParseError``.
    """
    return decode_utf8(body, options)
