"""Plain text: a renderer for strings and an opt-in UTF-8 parser.

``text/plain`` is a CORS-safelisted type, so a browser may send it
cross-site without a preflight: the parser is enabled only where an
operation opts in (see API.md, "Media types").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..media import ParseOptions
from ._base import Adapter, decode_utf8, encode_utf8, json_data

# NOTE: the renderer builds on JSONRenderer: values are reduced to JSON
# data by its rules and adapters before they become text.
from .json import JSONRenderer

#: Problem members written first, in this order, by ``dumps_problem``.
_PROBLEM_HEAD = ('title', 'status', 'detail')


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
