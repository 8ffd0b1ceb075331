"""Streamed responses: a resource method that returns an iterator.

A method that returns an iterator (a generator, ``map(...)``, a database
result: anything with ``__next__`` that is not a mapping) asks for its
items to be written as they come, so that a million rows never sit in
memory together.  Formats whose renderer has a ``streamer(request,
**options)`` method (JSON: a streamed array; NDJSON: one line an item)
write the body chunk by chunk through ``app_iter``
(:class:`StreamBody`); the others collect the items into a list, at most
:data:`COLLECT_LIMIT` of them (beyond it: a 406 naming the formats that
stream), and render that list as usual.

The ``response_schema`` filters each item as it streams.

Errors: the first item is computed (and filtered, and rendered) before
the response starts, so that an error there is an ordinary exception
(problem details in the negotiated format, the status of the error).
An error after the first byte cannot change the status: it is logged
with its traceback and the body ends where it is, without its closing
part, so the client sees a truncated document (NDJSON: the lines so
far; JSON: an unterminated array, invalid JSON).  The source is closed
(its ``close()`` called: a generator's ``finally`` runs, a database
result releases its cursor) when the body ends, fails or the client
goes away (the WSGI server calls ``app_iter.close()``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from pyramid.httpexceptions import HTTPNotAcceptable

from .media import MediaType

log = logging.getLogger('pyramid_restkit')

#: Items a format that cannot stream collects before refusing (406).
COLLECT_LIMIT = 10_000

#: Bytes gathered before a chunk is handed to the server: one write per
#: item would cost a system call (and a chunk header) per item.  The
#: first chunk goes out at once, whatever its size.
FLUSH_SIZE = 32 * 1024

#: Items filtered and encoded in one call after the first (a call costs
#: more than an item: measured in benchmarks/streaming.py).
BATCH_SIZE = 100


class StreamWriter(Protocol):
    """Writes one streamed body: what a renderer's ``streamer`` returns."""

    def first(self, item: Any) -> bytes:
        """The start of the body with the first item."""

    def many(self, items: list[Any]) -> bytes:
        """Later items, each after what separates it from the previous
        one (one call for many items: encoders cost per call)."""

    def end(self) -> bytes:
        """What closes the body."""


def is_stream(value: Any) -> bool:
    """Whether a method's return value asks for a streamed response: an
    iterator that is not a mapping (lists, tuples and dicts are values)."""
    return isinstance(value, Iterator) and not isinstance(value, Mapping)


def close_source(source: Any) -> None:
    """Call ``source.close()`` if it has one (generators, SQL results)."""
    close = getattr(source, 'close', None)
    if close is not None:
        close()


def batch_filter(
    output: Callable[[Any], Any] | None,
) -> Callable[[list[Any]], list[Any]]:
    """The ``response_schema`` filter for a list of items of a collection.

    The operation's filter applies a mapping schema to each item of a
    list (and a ``Sequence`` schema to each of its items).
    """
    if output is None:
        return _same
    return output


def _same(items: list[Any]) -> list[Any]:
    return items


def render_stream(
    request: Any,
    media: MediaType,
    source: Iterator[Any],
    output: Callable[[Any], Any] | None,
    options: Mapping[str, Any],
) -> bytes | StreamBody:
    """Render the iterator ``source``: a :class:`StreamBody` where the
    format streams, else the bytes of the collected list.

    Exceptions raised here (by the first item, its filter or its
    rendering) happen before the response starts: the caller's exception
    views answer them.
    """
    renderer: Any = media.renderer
    convert = batch_filter(output)
    streamer = getattr(renderer, 'streamer', None)
    if streamer is None:
        items = collect(source, convert, media)
        return bytes(renderer.dumps(items, request, **options))
    try:
        try:
            first = next(source)
        except StopIteration:
            close_source(source)
            return bytes(renderer.dumps([], request, **options))
        writer: StreamWriter = streamer(request, **options)
        head = writer.first(convert([first])[0])
    except BaseException:
        close_source(source)
        raise
    return StreamBody(source, convert, writer, head, request.path)


def collect(
    source: Iterator[Any],
    convert: Callable[[list[Any]], list[Any]],
    media: MediaType,
) -> list[Any]:
    """At most :data:`COLLECT_LIMIT` filtered items of ``source``."""
    items: list[Any] = []
    try:
        for item in source:
            if len(items) == COLLECT_LIMIT:
                raise too_many(media)
            items.append(item)
    finally:
        close_source(source)
    return convert(items)


def too_many(media: MediaType) -> HTTPNotAcceptable:
    """The 406 of a collection too long for a format that cannot stream."""
    return HTTPNotAcceptable(
        detail=f'This collection has more than {COLLECT_LIMIT} items, more '
        f'than {media.media_type} can hold here; ask for application/json '
        '(or application/x-ndjson where it is served), which are streamed.'
    )


class StreamBody:
    """The ``app_iter`` of a streamed response.

    Iterating it writes the body; ``close()`` (called by the WSGI server
    when the response ends or the client goes away) closes the source.
    """

    def __init__(
        self,
        source: Iterator[Any],
        convert: Callable[[list[Any]], list[Any]],
        writer: StreamWriter,
        head: bytes,
        where: str,
    ) -> None:
        self.source = source
        self._convert = convert
        self._writer = writer
        self._head = head
        self._where = where
        self._chunks: Iterator[bytes] | None = None
        #: Items written so far.
        self.written = 0

    def __iter__(self) -> Iterator[bytes]:
        if self._chunks is None:
            self._chunks = self._write()
        return self._chunks

    def _write(self) -> Iterator[bytes]:
        yield self._head
        self._head = b''
        self.written = 1
        pending: list[bytes] = []
        size = 0
        batch: list[Any] = []
        try:
            for item in self.source:
                batch.append(item)
                if len(batch) < BATCH_SIZE:
                    continue
                part = self._encode(batch, pending)
                batch = []
                pending.append(part)
                size += len(part)
                if size >= FLUSH_SIZE:
                    yield b''.join(pending)
                    pending.clear()
                    size = 0
            if batch:
                pending.append(self._encode(batch, pending))
            pending.append(self._writer.end())
        # NOTE: any error at all: the status and the headers are sent, no
        # exception view can answer any more; the body ends unterminated
        # (the client sees a truncated document) and the log says why.
        except Exception as exc:
            if batch:
                # The source failed: the items gathered before are good
                # (a failed batch is emptied by _encode).
                with contextlib.suppress(Exception):
                    pending.append(self._encode(batch, pending))
            log.error(
                'The streamed response of %s failed after %d items; '
                'its body ends there.',
                self._where,
                self.written,
                exc_info=exc,
            )
        finally:
            close_source(self.source)
        if pending:
            yield b''.join(pending)

    def _encode(self, batch: list[Any], pending: list[bytes]) -> bytes:
        """The bytes of ``batch``; if one item fails, those before it go
        to ``pending`` and the error is raised."""
        writer, convert = self._writer, self._convert
        try:
            part = writer.many(convert(batch))
        except Exception:
            # NOTE: find the item at fault, so that the body holds every
            # item before it.
            items = batch[:]
            batch.clear()
            for item in items:
                pending.append(writer.many(convert([item])))
                self.written += 1
            raise  # pragma: no cover (an item above raised)
        self.written += len(batch)
        return part

    def close(self) -> None:
        """End the body early or late: the source is closed either way."""
        if self._chunks is not None:
            close_source(self._chunks)
        close_source(self.source)
