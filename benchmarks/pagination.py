"""Pagination benchmarks over a 100k-row SQLite table.

Two questions, answered in one run (alternating rounds, medians, ratios):

* **keyset versus offset**: the source of ``select(Post)``
  (:mod:`pyramid_restkit.pagination.sql`) fetching 20 rows at page 1, page
  1000 and page 4000, by keyset (``seek``, no ``OFFSET``) and by offset
  (``slice``), ordered by the primary key and by ``(-created, id)`` (an
  index on ``created DESC, id``).  A keyset page should cost the same
  however far it is; an offset page costs more the farther it is.
* **the kit versus bare Pyramid** (when the pagination runtime is
  installed): ``GET /posts?limit=20&offset=0`` of a resource whose
  ``collection_get`` returns ``select(Post.id, Post.title, ...)``, with
  ``count=False``, against a ``renderer='json'`` view running the same
  hand-written query.  Target: within 1.2x.

Usage::

    python benchmarks/pagination.py            # about a minute
    python benchmarks/pagination.py --quick    # smoke test
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from pyramid_restkit.pagination.sql import select_source

ROWS = 100_000
SIZE = 20
FAR = 1000  # a far page
LAST = 4000  # farther still (of 5000)


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = 'posts'
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    score: Mapped[int | None]
    created: Mapped[datetime.datetime]


def database(folder: str) -> Session:
    engine = create_engine(f'sqlite:///{folder}/bench.sqlite')
    Base.metadata.create_all(engine)
    start = datetime.datetime(2020, 1, 1)
    with engine.begin() as conn:
        # the order of the '-created,id' cases: one index scan serves it
        conn.exec_driver_sql(
            'CREATE INDEX posts_created_id ON posts (created DESC, id)'
        )
        conn.execute(
            insert(Post),
            [
                {
                    'id': i,
                    'title': f'Post number {i}',
                    'score': None if i % 7 == 0 else i % 100,
                    # some equal timestamps: the id breaks the ties
                    'created': start + datetime.timedelta(minutes=i // 3),
                }
                for i in range(1, ROWS + 1)
            ],
        )
    return Session(engine)


def source_cases(session: Session) -> dict[str, Callable[[], Any]]:
    """Fetch 20 entities, several ways; each returns the rows."""
    source = select_source(select(Post), session)
    by_id = (('id', False),)
    by_created = (('created', True), ('id', False))
    cases: dict[str, Callable[[], Any]] = {}
    for name, ordering in (('id', by_id), ('-created,id', by_created)):
        ordered = source.ordered(ordering)
        # the keys of the last row before a page, as a cursor holds them
        afters = {}
        for page in (2, FAR, LAST):
            edge = ordered.slice((page - 1) * SIZE - 1, 1)[0]
            afters[page] = source.keys(edge, ordering)
        session.expunge_all()

        def keyset(after: Any = None, ordering: Any = ordering) -> Any:
            rows = source.seek(ordering, after, False, SIZE)
            session.expunge_all()
            return rows

        def offset(page: int, ordered: Any = ordered) -> Any:
            rows = ordered.slice((page - 1) * SIZE, SIZE)
            session.expunge_all()
            return rows

        cases[f'keyset page 1 ({name})'] = keyset
        for page in (2, FAR, LAST):
            cases[f'keyset page {page} ({name})'] = (
                lambda after=afters[page], keyset=keyset: keyset(after)
            )
        cases[f'offset page 1 ({name})'] = lambda offset=offset: offset(1)
        for page in (2, FAR, LAST):
            cases[f'offset page {page} ({name})'] = (
                lambda page=page, offset=offset: offset(page)
            )
    return cases


def http_cases(session: Session) -> dict[str, Callable[[], Any]]:
    """The kit's paginated GET and bare Pyramid's, when the runtime is
    there (empty otherwise)."""
    from pyramid.config import Configurator

    import pyramid_restkit

    if not hasattr(pyramid_restkit, 'LimitOffsetPagination'):
        return {}
    # (no datetime column: the bare JSON renderer has no adapter for it)
    columns = (Post.id, Post.title, Post.score)

    def bare_view(request: Any) -> dict[str, Any]:
        limit = int(request.GET.get('limit', SIZE))
        offset = int(request.GET.get('offset', 0))
        statement = select(*columns).order_by(Post.id)
        result = request.dbsession.execute(
            statement.limit(limit).offset(offset)
        )
        return {'items': [dict(row) for row in result.mappings()]}

    class Posts:
        def __init__(self, request: Any, context: Any = None) -> None:
            self.request = request

        def collection_get(self) -> Any:
            return select(*columns).order_by(Post.id)

    def app(kit: bool) -> Any:
        config = Configurator(settings={'restkit.secret': 'benchmark secret'})
        config.add_request_method(lambda r: session, 'dbsession', reify=True)
        if kit:
            config.include('pyramid_restkit')
            config.add_resource(
                Posts,
                collection_path='/posts',
                pagination='offset',
            )
        else:
            config.add_route('posts', '/posts')
            config.add_view(bare_view, route_name='posts', renderer='json')
        return config.make_wsgi_app()

    def caller(wsgi: Any) -> Callable[[], Any]:
        environ = {
            'REQUEST_METHOD': 'GET',
            'SCRIPT_NAME': '',
            'PATH_INFO': '/posts',
            'QUERY_STRING': f'limit={SIZE}&offset=0',
            'SERVER_NAME': 'localhost',
            'SERVER_PORT': '80',
            'SERVER_PROTOCOL': 'HTTP/1.1',
            'HTTP_HOST': 'localhost',
            'HTTP_ACCEPT': 'application/json',
            'wsgi.version': (1, 0),
            'wsgi.url_scheme': 'http',
            'wsgi.errors': sys.stderr,
            'wsgi.input': io.BytesIO(),
            'wsgi.multithread': False,
            'wsgi.multiprocess': False,
            'wsgi.run_once': False,
        }
        statuses: list[str] = []

        def start_response(status: str, headers: Any, exc: Any = None) -> Any:
            statuses.append(status)

        def call() -> Any:
            body = b''.join(wsgi(dict(environ), start_response))
            if statuses.pop() != '200 OK':  # pragma: no cover
                raise RuntimeError(body[:300])
            return body

        return call

    return {
        'bare Pyramid GET offset=0': caller(app(False)),
        'kit GET offset=0 (count=False)': caller(app(True)),
    }


def measure(
    cases: dict[str, Callable[[], Any]], rounds: int, seconds: float
) -> dict[str, float]:
    """Median seconds a call, over ``rounds`` alternating rounds."""
    calls = {}
    for name, case in cases.items():
        case()  # warm up; a failing case stops the run here
        n, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds / 5:
            case()
            n += 1
        calls[name] = max(1, round(n * 5))
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            started = time.perf_counter()
            for _ in range(calls[name]):
                case()
            times[name].append((time.perf_counter() - started) / calls[name])
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true')
    args = parser.parse_args(argv)
    rounds, seconds = (3, 0.05) if args.quick else (9, 0.3)
    with tempfile.TemporaryDirectory() as folder:
        session = database(folder)
        sources = source_cases(session)
        http = http_cases(session)
        results = measure({**sources, **http}, rounds, seconds)
        session.close()
    print(
        f'Python {platform.python_version()}, SQLite, {ROWS} rows, '
        f'{SIZE} a page, medians of {rounds} rounds; load average '
        f'{os.getloadavg()[0]:.2f}'
    )
    print(f'{"case":40} {"us/call":>9} {"x":>7}')
    for name, value in results.items():
        base = (
            results['bare Pyramid GET offset=0']
            if name.startswith(('bare', 'kit'))
            else results[f'keyset page 1 ({name.rsplit("(", 1)[1][:-1]})']
        )
        print(f'{name:40} {value * 1e6:9.1f} {value / base:7.2f}')
    if not http:
        print('(no pagination runtime installed: the HTTP cases are skipped)')


if __name__ == '__main__':
    main()
