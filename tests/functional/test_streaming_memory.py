"""A streamed response's memory does not grow with its item count.

The peak of Python allocations (tracemalloc) while one response is
produced and read chunk by chunk, for 10k and for 100k items: a body
held in memory (or a list of the items) would make the second ten times
the first; streaming keeps them within 2x.  A ratio, not a timing.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from typing import Any

import colander
import pytest
from pyramid.config import Configurator
from webob import Request


class ItemOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())


def rows(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {'id': i, 'name': f'item {i}', 'dropped': 'x' * 20}


@pytest.fixture(scope='module')
def app() -> Any:
    class Items:
        def __init__(self, request: Any) -> None:
            self.request = request

        def collection_get(self) -> Any:
            return rows(int(self.request.params['n']))

    config = Configurator(settings={'restkit.media_types': 'json ndjson'})
    config.include('pyramid_restkit')
    config.add_resource(
        Items, collection_path='/items', response_schema=ItemOut()
    )
    return config.make_wsgi_app()


def peak(app: Any, path: str) -> tuple[int, int]:
    """Peak traced bytes and body size of one response."""
    tracemalloc.start()
    try:
        response = Request.blank(path).get_response(app)
        size = 0
        for chunk in response.app_iter:
            size += len(chunk)
        response.app_iter.close()
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize('suffix', ['.json', '.ndjson'])
def test_peak_memory_is_flat(app: Any, suffix: str) -> None:
    small, small_size = peak(app, f'/items{suffix}?n=10000')
    large, large_size = peak(app, f'/items{suffix}?n=100000')
    assert large_size > 9 * small_size  # ten times the data went out
    assert large < 2 * small, (small, large)
