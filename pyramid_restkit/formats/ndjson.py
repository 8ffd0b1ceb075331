"""NDJSON: one JSON text a line, for collections written as they come.

``application/x-ndjson`` (also selected by ``Accept:
application/jsonl``, JSON Lines, the same format under another name).
Each item is written by a :class:`~pyramid_restkit.formats.json.
JSONRenderer` (same rules, adapters and strictness: no NaN, compact,
UTF-8) followed by ``\\n``; JSON escapes newlines inside strings, so a
line is an item.  A list or a tuple is its items; any other value one
line.  An empty list is an empty body.

Renderer only: the kit reads no NDJSON bodies.  A method returning an
iterator is streamed line by line (:mod:`pyramid_restkit.streaming`).
Not enabled by default; list it in ``restkit.media_types``.
"""

from __future__ import annotations

from typing import Any

from ._base import Adapter
from .json import JSONRenderer

NDJSON_TYPE = 'application/x-ndjson'

#: Other names of the format a client may ask for in ``Accept``.
NDJSON_ALIASES = ('application/jsonl',)


class NDJSONRenderer:
    """Render a list as one JSON line an item (see the module docstring).

    ``json_renderer`` supplies the JSON rules and adapters.
    """

    content_type = NDJSON_TYPE

    def __init__(self, json_renderer: JSONRenderer | None = None) -> None:
        self.json = json_renderer or JSONRenderer()

    def add_adapter(self, type_: type, adapter: Adapter) -> None:
        """Render instances of ``type_`` as ``adapter(obj, request)``."""
        self.json.add_adapter(type_, adapter)

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        """Return ``value`` as NDJSON bytes (``options`` are ignored)."""
        dumps = self.json.dumps
        if isinstance(value, (list, tuple)):
            return b''.join(dumps(item, request) + b'\n' for item in value)
        return dumps(value, request) + b'\n'

    def streamer(self, request: Any, **options: Any) -> NDJSONWriter:
        """Write a streamed collection one line at a time."""
        return NDJSONWriter(self.json, request)


class NDJSONWriter:
    """Lines of JSON, one an item: nothing before, between or after."""

    def __init__(self, renderer: JSONRenderer, request: Any) -> None:
        self._dumps = renderer.dumps
        self._request = request

    def first(self, item: Any) -> bytes:
        return self._dumps(item, self._request) + b'\n'

    def many(self, items: list[Any]) -> bytes:
        dumps, request = self._dumps, self._request
        return b''.join([dumps(item, request) + b'\n' for item in items])

    def end(self) -> bytes:
        return b''
