"""Unit tests of :mod:`pyramid_restkit.streaming`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from pyramid.request import Request

from pyramid_restkit import streaming
from pyramid_restkit.formats.json import JSONRenderer
from pyramid_restkit.media import MediaType
from pyramid_restkit.streaming import StreamBody, is_stream, render_stream

JSON = MediaType('json', 'application/json', renderer=JSONRenderer())


@pytest.mark.parametrize(
    ('value', 'streams'),
    [
        (iter([]), True),
        ((x for x in ()), True),
        (map(str, [1]), True),
        ([1], False),
        ((1,), False),
        ({'a': 1}, False),
        ('text', False),
        (None, False),
    ],
)
def test_is_stream(value: Any, streams: bool) -> None:
    assert is_stream(value) is streams


def numbers(count: int, fail_at: int | None = None) -> Iterator[int]:
    for i in range(count):
        if i == fail_at:
            raise ValueError('no')
        yield i


def body(source: Iterator[Any]) -> StreamBody:
    result = render_stream(Request.blank('/n'), JSON, source, None, {})
    assert type(result) is StreamBody
    return result


def test_chunks_gather_up_to_the_flush_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(streaming, 'FLUSH_SIZE', 4)
    chunks = list(body(numbers(6)))
    # The first chunk at once; then ",1,2" reaches 4 bytes, ",3,4" too.
    assert chunks == [b'[0', b',1,2', b',3,4', b',5]']


def test_an_error_right_after_a_flush(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(streaming, 'FLUSH_SIZE', 1)
    with caplog.at_level(logging.ERROR, 'pyramid_restkit'):
        chunks = list(body(numbers(6, fail_at=3)))
    assert chunks == [b'[0', b',1', b',2']
    assert 'of /n failed after 3 items' in caplog.text


def test_iterating_twice_continues_the_same_body() -> None:
    streamed = body(numbers(3))
    assert iter(streamed) is iter(streamed)
    assert b''.join(streamed) == b'[0,1,2]'


def test_close_before_iterating_closes_the_source() -> None:
    closed = []

    def source() -> Iterator[int]:
        try:
            yield from range(10)
        finally:
            closed.append(True)

    streamed = body(source())
    streamed.close()
    assert closed == [True]


def test_a_source_without_close() -> None:
    streamed = body(iter([1, 2]))
    assert b''.join(streamed) == b'[1,2]'
    streamed.close()


def test_the_output_filter_sees_each_item() -> None:
    seen: list[Any] = []

    def output(value: Any) -> Any:
        seen.append(value)
        return [item * 10 for item in value]

    result = render_stream(Request.blank('/'), JSON, iter([1, 2]), output, {})
    assert b''.join(result) == b'[10,20]'  # type: ignore[arg-type]
    assert seen == [(1,), (2,)]
