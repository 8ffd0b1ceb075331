"""Streamed collections: peak memory and throughput.

A resource whose ``collection_get`` returns a generator of N small
records is served through the whole WSGI application (negotiation,
``response_schema`` on each item, the JSON or NDJSON renderer), and its
body is read chunk by chunk and thrown away, as a server would send it.

- memory: the peak of Python allocations (``tracemalloc``) while one
  response is produced, for N = 10k, 100k, 1M; flat means streaming;
- throughput: items per second for the streamed JSON array and NDJSON,
  against ``json.dumps`` of the full list (the list built first, as a
  method returning a list would), in the same run.

    python benchmarks/streaming.py            # full run (about a minute)
    python benchmarks/streaming.py --quick    # smaller counts
"""

from __future__ import annotations

import argparse
import functools
import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import colander
from pyramid.config import Configurator
from webob import Request


class ItemOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())
    price = colander.SchemaNode(colander.Float())


def rows(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {'id': i, 'name': f'item {i}', 'price': i * 0.25}


def make_app(count: list[int]) -> Any:
    class Items:
        def __init__(self, request: Any) -> None:
            self.request = request

        def collection_get(self) -> Any:
            return rows(count[0])

    config = Configurator(settings={'restkit.media_types': 'json ndjson'})
    config.include('pyramid_restkit')
    config.add_resource(
        Items, collection_path='/items', response_schema=ItemOut()
    )
    return config.make_wsgi_app()


def streamed(app: Any, path: str) -> int:
    """Serve one response, reading its body chunk by chunk."""
    response = Request.blank(path).get_response(app)
    size = 0
    try:
        for chunk in response.app_iter:
            size += len(chunk)
    finally:
        response.app_iter.close()
    return size


def full_list(count: int) -> int:
    """What a method returning a list costs: the list, then json.dumps."""
    items = list(rows(count))
    body = json.dumps(items, separators=(',', ':')).encode()
    return len(body)


def peak(run: Callable[[], int]) -> tuple[int, int]:
    tracemalloc.start()
    try:
        size = run()
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def rate(run: Callable[[], int], count: int) -> float:
    start = time.perf_counter()
    run()
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--quick', action='store_true')
    args = parser.parse_args()
    counts = (
        [1_000, 10_000, 100_000]
        if args.quick
        else [10_000, 100_000, 1_000_000]
    )
    holder = [0]
    app = make_app(holder)
    print('peak memory (tracemalloc) of one response')
    print(
        f'{"items":>10} {"body MB":>8} {"json KiB":>9} {"ndjson KiB":>11}'
        f' {"list+dumps KiB":>15}'
    )
    for count in counts:
        holder[0] = count
        json_peak, size = peak(lambda: streamed(app, '/items.json'))
        nd_peak, _ = peak(lambda: streamed(app, '/items.ndjson'))
        list_peak = (
            peak(functools.partial(full_list, count))[0]
            if count <= 100_000
            else None
        )
        shown = f'{list_peak / 1024:15.0f}' if list_peak else f'{"-":>15}'
        print(
            f'{count:>10} {size / 1e6:8.1f} {json_peak / 1024:9.0f} '
            f'{nd_peak / 1024:11.0f} {shown}'
        )
    count = counts[-1]
    holder[0] = count
    print(f'\nthroughput, {count} items (items/s, best of 3)')
    cases = {
        'streamed JSON array (kit, response_schema)': lambda: streamed(
            app, '/items.json'
        ),
        'streamed NDJSON (kit, response_schema)': lambda: streamed(
            app, '/items.ndjson'
        ),
        'json.dumps of the full list (stdlib, no kit)': lambda: full_list(
            count
        ),
    }
    for name, run in cases.items():
        best = max(rate(run, count) for _ in range(3))
        print(f'{name:<46} {best:>12,.0f}')


if __name__ == '__main__':
    main()
