"""Streamed collections through a real server (waitress in a thread).

The client reads the first items while the generator is still waiting
(chunked transfer coding, item by item), and a client that goes away
closes the generator.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import waitress
from pyramid.config import Configurator

WAIT = 10


class Feed:
    """A generator that yields one item, then waits for the test."""

    def __init__(self) -> None:
        self.go_on = threading.Event()
        self.closed = threading.Event()
        self.finished = False

    def held(self) -> Iterator[dict[str, int]]:
        try:
            yield {'id': 0}
            if not self.go_on.wait(WAIT):
                return
            yield {'id': 1}
            self.finished = True
        finally:
            self.closed.set()

    def endless(self) -> Iterator[dict[str, Any]]:
        try:
            i = 0
            while True:
                yield {'id': i, 'pad': 'x' * 1000}
                i += 1
                time.sleep(0.0005)
        finally:
            self.closed.set()


@pytest.fixture
def served() -> Iterator[tuple[str, Feed]]:
    feed = Feed()

    class Items:
        def __init__(self, request: Any) -> None:
            self.request = request

        def collection_get(self) -> Any:
            if self.request.params.get('endless'):
                return feed.endless()
            return feed.held()

    config = Configurator(
        settings={'restkit.media_types': 'json ndjson'}, autocommit=False
    )
    config.include('pyramid_restkit')
    config.add_resource(Items, collection_path='/items')
    server = waitress.create_server(
        config.make_wsgi_app(), host='127.0.0.1', port=0, threads=2
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f'127.0.0.1:{server.effective_port}', feed
    finally:
        feed.go_on.set()
        server.close()
        thread.join(timeout=WAIT)


@pytest.mark.parametrize(
    ('path', 'first', 'rest'),
    [
        ('/items.ndjson', b'{"id":0}\n', b'{"id":1}\n'),
        ('/items.json', b'[{"id":0}', b',{"id":1}]'),
    ],
)
def test_first_chunk_before_the_generator_ends(
    served: tuple[str, Feed], path: str, first: bytes, rest: bytes
) -> None:
    address, feed = served
    conn = http.client.HTTPConnection(address, timeout=WAIT)
    try:
        conn.request('GET', path)
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader('Transfer-Encoding') == 'chunked'
        assert response.getheader('Content-Length') is None
        # The generator is waiting on the event: what arrives now was sent
        # before it finished.
        assert response.read1(len(first)) == first
        assert not feed.finished
        feed.go_on.set()
        assert response.read() == rest
        assert feed.finished
        assert feed.closed.wait(WAIT)
    finally:
        conn.close()


def test_a_client_that_goes_away_closes_the_generator(
    served: tuple[str, Feed],
) -> None:
    address, feed = served
    conn = http.client.HTTPConnection(address, timeout=WAIT)
    conn.request('GET', '/items.ndjson?endless=1')
    response = conn.getresponse()
    assert response.readline().startswith(b'{"id":0,')
    response.close()
    conn.close()
    assert feed.closed.wait(WAIT)
