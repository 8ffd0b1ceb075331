"""What ``throttle=`` costs a GET on the memory storage, measured alone.

Two apps serve the same resource (``GET /posts/1``, a dict of five
fields, as in ``bench.py``): one with ``throttle='1000000000/hour'`` (a
budget this run never spends, so every request is a 200 that pays the
whole throttle: the security policy's userid, the client key, the
locked count of the memory storage, the two RateLimit headers), one
without.  Alternating rounds, the
ratio of medians; a second pair of rows times the throttle alone
(``Throttle.__call__`` on a prepared request) for where the time goes.
Target: throttled / unthrottled <= 1.10x.

Usage::

    python benchmarks/throttle.py               # about 10 seconds
    python benchmarks/throttle.py --rounds 50
    python benchmarks/throttle.py --quick       # smoke test
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request

POST = {'id': '1', 'title': 'Hello', 'body': 'Text', 'tags': [], 'views': 3}
TARGET = 1.10

ENVIRON = {
    'REQUEST_METHOD': 'GET',
    'PATH_INFO': '/posts/1',
    'SCRIPT_NAME': '',
    'QUERY_STRING': '',
    'SERVER_NAME': 'localhost',
    'SERVER_PORT': '80',
    'SERVER_PROTOCOL': 'HTTP/1.1',
    'REMOTE_ADDR': '192.0.2.7',
    'wsgi.url_scheme': 'http',
    'HTTP_ACCEPT': 'application/json',
}


class Posts:
    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return POST


def build(throttle: str | None) -> Any:
    config = Configurator()
    config.include('pyramid_restkit')
    options = {} if throttle is None else {'throttle': throttle}
    config.add_resource(Posts, path='/posts/{id}', **options)
    return config.make_wsgi_app()


def call(app: Any) -> tuple[str, list[tuple[str, str]], bytes]:
    environ = dict(ENVIRON, **{'wsgi.input': io.BytesIO(b'')})
    got: dict[str, Any] = {}

    def start_response(status: str, headers: Any, exc: Any = None) -> None:
        got.update(status=status, headers=headers)

    body = b''.join(app(environ, start_response))
    return got['status'], got['headers'], body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=100)
    parser.add_argument('--calls', type=int, default=500)
    parser.add_argument(
        '--quick', action='store_true', help='a smoke test: 3 short rounds'
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.calls = 3, 50
    apps = {'without': build(None), 'throttled': build('1000000000/hour')}
    plain, limited = (call(apps[k]) for k in ('without', 'throttled'))
    names = {name for name, _ in limited[1]}
    if plain[0] != limited[0] != '200 OK' or plain[2] != limited[2]:
        sys.exit('the two apps answer differently')
    if not {'RateLimit', 'RateLimit-Policy'} <= names:
        sys.exit('the throttled app sends no RateLimit headers')
    times: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(args.rounds):
        for name, app in apps.items():
            start = time.perf_counter()
            for _ in range(args.calls):
                call(app)
            times[name].append((time.perf_counter() - start) / args.calls)
    without, throttled = (
        statistics.median(times[k]) for k in ('without', 'throttled')
    )
    # The throttle alone, on one prepared request.
    table = apps['throttled'].registry
    from pyramid_restkit.interfaces import IRestkitRoutes

    throttle = (
        table.getUtility(IRestkitRoutes)['posts.item']
        .operations['GET']
        .throttle
    )
    request = Request.blank('/posts/1', environ={'REMOTE_ADDR': '192.0.2.8'})
    request.registry = table
    alone = []
    for _ in range(args.rounds // 4 or 1):
        start = time.perf_counter()
        for _ in range(args.calls):
            throttle(request)
        alone.append((time.perf_counter() - start) / args.calls)
    ratio = throttled / without
    print(f'{"case":<34}{"us":>8}')
    print(f'{"GET /posts/1 without throttle":<34}{without * 1e6:>8.2f}')
    print(f'{"GET /posts/1 throttled (memory)":<34}{throttled * 1e6:>8.2f}')
    alone_us = statistics.median(alone) * 1e6
    print(f'{"  Throttle.__call__ alone":<34}{alone_us:>8.2f}')
    verdict = 'PASS' if ratio <= TARGET else 'MISS'
    print(f'throttled / without: {ratio:.3f}x (<= {TARGET:.2f}x) {verdict}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
