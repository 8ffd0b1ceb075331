"""What a request body costs to validate, valid or not, by its size.

A client chooses the body; the server pays for it.  This script sends
JSON bodies from 10 KiB to 1 MiB (the default ``restkit.max_body_size``)
to one kit operation and times each whole request (parsing, validation,
the answer), its parsing alone and its validation alone:

* ``valid, one string``: a valid body whose size is one long string, the
  cheapest body of its size;
* ``valid, many values``: a valid body of as many values as fit (a list
  of short strings), the costliest valid body of its size;
* ``unknown keys``: an object of as many undeclared keys as fit
  (``restkit.unknown_fields = raise``, the default);
* ``wrong types``: a list of numbers where strings are expected;
* ``wrong items``: a list of objects whose every field is wrong.

The ratios divide each time by the ``valid, many values`` time of the
same size, which parses about as many values: what is left is the cost
of being wrong.  See ``README.md`` beside this file, "Validation cost".

Usage::

    python benchmarks/validation_cost.py           # about a minute
    python benchmarks/validation_cost.py --quick   # smoke test
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

import colander
from pyramid.config import Configurator
from pyramid.request import Request

from pyramid_restkit import operation
from pyramid_restkit.errors import ValidationFailure
from pyramid_restkit.formats.json import parse_json
from pyramid_restkit.interfaces import IRestkitRoutes
from pyramid_restkit.media import ParseOptions

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

KIB = 1024
SIZES = (10 * KIB, 30 * KIB, 100 * KIB, 300 * KIB, 1024 * KIB)
QUICK_SIZES = (10 * KIB, 1024 * KIB)


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Line(colander.MappingSchema):
    sku = colander.SchemaNode(colander.String())
    qty = colander.SchemaNode(
        colander.Integer(), validator=colander.Range(min=1)
    )


class Lines(colander.SequenceSchema):
    line = Line()


class PostSchema(colander.MappingSchema):
    """benchmarks/bench.py's schema, with a list of objects."""

    title = colander.SchemaNode(colander.String())
    body = colander.SchemaNode(colander.String(allow_empty=True))
    tags = Tags(missing=())
    views = colander.SchemaNode(colander.Integer(), missing=0)
    lines = Lines(missing=())


class Posts:
    def __init__(self, request: Any) -> None:
        self.request = request

    @operation(status=201)
    def collection_post(self) -> Any:
        return {'ok': True}


#: Each body kind: its JSON for ``n`` repetitions, the status it gets.
BODIES: dict[str, tuple[Callable[[int], Any], int]] = {
    'valid, one string': (lambda n: {'title': 't', 'body': 'a' * n}, 201),
    'valid, many values': (
        lambda n: {'title': 't', 'body': '', 'tags': ['ab'] * n},
        201,
    ),
    'unknown keys': (
        lambda n: {'title': 't', 'body': '', **{f'k{i}': 0 for i in range(n)}},
        400,
    ),
    'wrong types': (
        lambda n: {'title': 't', 'body': '', 'tags': [0] * n},
        400,
    ),
    'wrong items': (
        lambda n: {
            'title': 't',
            'body': '',
            'lines': [{'sku': 0, 'qty': '1', 'x': 0}] * n,
        },
        400,
    ),
}
REFERENCE = 'valid, many values'


def fit(make: Callable[[int], Any], size: int) -> bytes:
    """The largest body ``make(n)`` whose JSON is at most ``size`` bytes."""

    def dump(n: int) -> bytes:
        return json.dumps(make(n), separators=(',', ':')).encode()

    high = 1
    while len(dump(high)) <= size:
        high *= 2
    low = high // 2
    while high - low > 1:
        middle = (low + high) // 2
        if len(dump(middle)) <= size:
            low = middle
        else:
            high = middle
    return dump(low)


def make_app() -> tuple[WSGIApp, Any]:
    config = Configurator(settings={'restkit.media_types': 'json'})
    config.include('pyramid_restkit')
    config.add_resource(Posts, collection_path='/posts', schema=PostSchema)
    app = config.make_wsgi_app()
    table = app.registry.getUtility(IRestkitRoutes)
    validator = table['posts.collection'].operations['POST'].validator
    return app, validator


def request_timer(app: WSGIApp, body: bytes) -> Callable[[], int]:
    environ = {
        'REQUEST_METHOD': 'POST',
        'PATH_INFO': '/posts',
        'SERVER_NAME': 'localhost',
        'SERVER_PORT': '80',
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'wsgi.url_scheme': 'http',
        'CONTENT_TYPE': 'application/json',
        'CONTENT_LENGTH': str(len(body)),
        'HTTP_ACCEPT': 'application/json',
    }
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)

    def call() -> int:
        env = dict(environ, **{'wsgi.input': io.BytesIO(body)})
        result = app(env, start_response)
        try:
            b''.join(result)
        finally:
            close = getattr(result, 'close', None)
            if close is not None:
                close()
        return int(statuses.pop()[:3])

    return call


PARSE_OPTIONS = ParseOptions(64, None, None, 'application/json', 1000)


def parse_timer(body: bytes) -> Callable[[], int]:
    def call() -> int:
        parse_json(body, PARSE_OPTIONS)
        return 0

    return call


def validate_timer(validator: Any, body: bytes) -> Callable[[], int]:
    parsed = parse_json(body, PARSE_OPTIONS)
    request = Request.blank('/posts')

    def call() -> int:
        try:
            validator.validate(request, parsed, True, True)
        except ValidationFailure as exc:
            return exc.code  # type: ignore[no-any-return]
        return 201

    return call


def timed(call: Callable[[], int], rounds: int, budget: float) -> float:
    """Seconds per call: the median of ``rounds`` rounds of ~``budget`` s."""
    start = time.perf_counter()
    call()
    once = time.perf_counter() - start
    number = max(1, int(budget / max(once, 1e-9)))
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            call()
        results.append((time.perf_counter() - start) / number)
    return statistics.median(results)


def run(sizes: Iterable[int], rounds: int, budget: float) -> list[Any]:
    app, validator = make_app()
    rows = []
    for size in sizes:
        for name, (make, status) in BODIES.items():
            body = fit(make, size)
            request = request_timer(app, body)
            got = request()
            if got != status:
                raise SystemExit(f'{name} at {size}: {got}, not {status}')
            validate = validate_timer(validator, body)
            validate()
            gc.collect()
            rows.append(
                (
                    size,
                    name,
                    len(body),
                    status,
                    timed(request, rounds, budget),
                    timed(parse_timer(body), rounds, budget),
                    timed(validate, rounds, budget),
                )
            )
    return rows


def report(rows: list[Any]) -> None:
    reference = {
        row[0]: (row[4], row[6]) for row in rows if row[1] == REFERENCE
    }
    print(
        f'{"size":>8}  {"body":<20}{"bytes":>9}  status'
        f'{"request ms":>12}{"x":>8}{"parse ms":>10}'
        f'{"validate ms":>13}{"x":>8}'
    )
    for size, name, length, status, request, parse, validate in rows:
        per_request, per_validate = reference[size]
        print(
            f'{size // KIB:>4} KiB  {name:<20}{length:>9}  {status:>6}'
            f'{request * 1e3:>12.3f}{request / per_request:>7.2f}x'
            f'{parse * 1e3:>10.3f}'
            f'{validate * 1e3:>13.3f}{validate / per_validate:>7.2f}x'
        )
    worst = max(
        (row[4] / reference[row[0]][0], row[1], row[0])
        for row in rows
        if row[3] == 400
    )
    print(
        f'\nworst invalid body / {REFERENCE} (whole request): '
        f'{worst[0]:.2f}x ({worst[1]}, {worst[2] // KIB} KiB); target <= 5x'
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--quick',
        action='store_true',
        help='two sizes, one short round each: a smoke test',
    )
    args = parser.parse_args(argv)
    print(
        f'Python {platform.python_version()}, {platform.machine()}; '
        f'median of {"1 round" if args.quick else "5 rounds"} per row'
    )
    if args.quick:
        rows = run(QUICK_SIZES, rounds=1, budget=0.01)
    else:
        rows = run(SIZES, rounds=5, budget=0.2)
    report(rows)
    return 0


if __name__ == '__main__':
    sys.exit(main())
