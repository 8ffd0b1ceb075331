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
    monkeypatch.setattr(streaming, 'BATCH_SIZE', 1)
    chunks = list(body(numbers(6)))
    # The first chunk at once; then ",1,2" reaches 4 bytes, ",3,4" too.
    assert chunks == [b'[0', b',1,2', b',3,4', b',5]']


def test_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, 'FLUSH_SIZE', 1)
    monkeypatch.setattr(streaming, 'BATCH_SIZE', 3)
    chunks = list(body(numbers(8)))
    assert chunks == [b'[0', b',1,2,3', b',4,5,6', b',7]']


def test_an_item_at_fault_in_a_batch(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(streaming, 'BATCH_SIZE', 4)
    items = iter([0, 1, 2, object(), 4, 5, 6])
    with caplog.at_level(logging.ERROR, 'pyramid_restkit'):
        chunks = list(body(items))
    assert chunks == [b'[0', b',1,2']
    assert 'failed after 3 items' in caplog.text


def test_an_error_right_after_a_flush(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(streaming, 'FLUSH_SIZE', 1)
    monkeypatch.setattr(streaming, 'BATCH_SIZE', 1)
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
        seen.append(list(value))
        return [item * 10 for item in value]

    source = iter([1, 2, 3])
    result = render_stream(Request.blank('/'), JSON, source, output, {})
    assert b''.join(result) == b'[10,20,30]'  # type: ignore[arg-type]
    assert seen == [[1], [2, 3]]


def test_a_source_failing_mid_batch_keeps_the_items_before(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(streaming, 'BATCH_SIZE', 4)
    with caplog.at_level(logging.ERROR, 'pyramid_restkit'):
        chunks = list(body(numbers(10, fail_at=6)))
    assert b''.join(chunks) == b'[0,1,2,3,4,5'
    assert 'failed after 6 items' in caplog.text


def test_a_source_failing_after_a_bad_item_in_its_batch(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def source() -> Iterator[Any]:
        yield from (0, 1, object())
        raise ValueError('late')

    monkeypatch.setattr(streaming, 'BATCH_SIZE', 4)
    with caplog.at_level(logging.ERROR, 'pyramid_restkit'):
        chunks = list(body(source()))
    assert b''.join(chunks) == b'[0,1'
    assert 'failed after 2 items' in caplog.text
    assert 'late' in caplog.text
