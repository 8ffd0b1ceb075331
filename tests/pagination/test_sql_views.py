"""Resources whose ``collection_get`` returns a SQLAlchemy select, end to
end through webtest against SQLite: the three pagination styles,
``count=True``, ``?sort=`` and the queries they send."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import colander
import pytest
import webtest
from pyramid.config import Configurator
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from pyramid_restkit import CursorPagination


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = 'posts'
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    score: Mapped[int | None]

    def __json__(self, request: Any) -> dict[str, Any]:
        return {'id': self.id, 'title': self.title, 'score': self.score}


def score(n: int) -> int | None:
    return None if n % 4 == 0 else n % 3


ROWS = [
    {'id': n, 'title': f'Post {n:02d} ü', 'score': score(n)}
    for n in range(1, 31)
]


class Columns:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return select(Post.id, Post.title, Post.score).where(Post.id > 0)


class Entities(Columns):
    def collection_get(self) -> Any:
        return select(Post)


class Titled(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())


class Legacy(Columns):
    def collection_get(self) -> Any:
        return self.request.db.query(Post.id, Post.title)


@pytest.fixture
def settings() -> dict[str, Any]:
    return {
        'restkit.media_types': 'json csv',
        'restkit.pagination.default_size': '5',
        'restkit.secret': 'a test secret of some length',
        'restkit.sqlalchemy.session': 'db',
    }


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine('sqlite://')
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(Post(**row) for row in ROWS)
        session.commit()
        yield session
    engine.dispose()


@pytest.fixture
def statements(session: Session) -> list[str]:
    seen: list[str] = []

    @event.listens_for(session.get_bind(), 'before_cursor_execute')
    def record(conn: Any, cursor: Any, sql: str, params: Any, *_: Any) -> None:
        seen.append(f'{sql} {params!r}')

    return seen


@pytest.fixture
def app(config: Configurator, session: Session) -> webtest.TestApp:
    config.add_request_method(lambda request: session, 'db', reify=True)
    config.add_resource(
        Columns,
        collection_path='/offsets',
        name='offsets',
        pagination='offset',
        count=True,
        ordering=('id', 'title', 'score'),
    )
    config.add_resource(
        Entities,
        collection_path='/pages',
        name='pages',
        pagination='page',
        ordering=('score', 'id'),
    )
    config.add_resource(
        Columns,
        collection_path='/cursors',
        name='cursors',
        pagination=CursorPagination(ordering=('-score', 'id')),
    )
    config.add_resource(
        Entities,
        collection_path='/titled',
        name='titled',
        pagination='offset',
        response_schema=Titled,
    )
    config.add_resource(
        Legacy, collection_path='/legacy', name='legacy', pagination='page'
    )
    return webtest.TestApp(config.make_wsgi_app())


def ids(response: Any) -> list[int]:
    return [item['id'] for item in response.json['items']]


def python_order(rows: list[dict[str, Any]], desc: bool) -> list[int]:
    """By score (None first ascending, last descending), then id."""
    present = sorted(
        (r for r in rows if r['score'] is not None),
        key=lambda r: (-r['score'] if desc else r['score'], r['id']),
    )
    nulls = sorted(r['id'] for r in rows if r['score'] is None)
    ordered = [r['id'] for r in present]
    return ordered + nulls if desc else nulls + ordered


def test_offset_with_count(
    app: webtest.TestApp, statements: list[str]
) -> None:
    response = app.get('/offsets?offset=5&limit=3')
    assert response.json['items'] == ROWS[5:8]
    assert response.json['total'] == 30
    assert response.json['next'] == (
        'http://localhost/offsets?limit=3&offset=8'
    )
    assert 'last=' not in response.headers['Link']
    # one COUNT, one page
    assert len(statements) == 2
    assert statements[0].startswith('SELECT count(*)')
    assert 'LIMIT' in statements[1]
    assert app.get('/offsets?offset=29&limit=3').json['next'] is None


def test_sort(app: webtest.TestApp, statements: list[str]) -> None:
    response = app.get('/offsets?sort=-score,id&limit=30')
    assert ids(response) == python_order(ROWS, desc=True)
    assert (
        'ORDER BY posts.score DESC NULLS LAST, posts.id ASC'
        in (statements[-1])
    )
    response = app.get('/pages?sort=score&page_size=30')
    assert ids(response) == python_order(ROWS, desc=False)
    response = app.get('/offsets?sort=-title&limit=2')
    assert ids(response) == [30, 29]
    app.get('/offsets?sort=body', status=400)


def test_pages_of_entities(
    app: webtest.TestApp, statements: list[str]
) -> None:
    response = app.get('/pages?page=2&page_size=4')
    assert response.json == {
        'items': ROWS[4:8],
        'next': 'http://localhost/pages?page=3&page_size=4',
        'prev': 'http://localhost/pages?page=1&page_size=4',
    }
    # count=False: no COUNT query, one page
    assert len(statements) == 1
    assert 'count(' not in statements[0]


def test_legacy_query(app: webtest.TestApp) -> None:
    response = app.get('/legacy?page=6')
    assert response.json['items'] == [
        {'id': n, 'title': f'Post {n:02d} ü'} for n in range(26, 31)
    ]
    assert response.json['next'] is None


def walk(app: webtest.TestApp, url: str, rel: str) -> Iterator[list[int]]:
    while url:
        response = app.get(url)
        yield ids(response)
        url = response.json[rel]


def test_cursor_walks(app: webtest.TestApp, statements: list[str]) -> None:
    expected = python_order(ROWS, desc=True)
    pages = list(walk(app, '/cursors?limit=7', 'next'))
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    assert list(itertools.chain(*pages)) == expected
    # keyset: the pages after the first seek WHERE, with an OFFSET of 0
    # (SQLite writes one after every LIMIT) and a LIMIT of 7 + 1
    assert len(statements) == 5
    # (the statement's own WHERE stays)
    assert 'WHERE posts.id > ? ORDER BY' in statements[0]
    for sql in statements[1:]:
        assert 'WHERE posts.id > ? AND ' in sql
        assert sql.endswith(', 8, 0)')
    # back from the last page by the prev links
    last = app.get('/cursors?limit=7')
    while last.json['next']:
        last = app.get(last.json['next'])
    back = [ids(last)]
    back += list(walk(app, last.json['prev'], 'prev'))
    assert list(itertools.chain(*reversed(back))) == expected


def test_cursor_under_inserts_and_deletes(
    app: webtest.TestApp, session: Session
) -> None:
    first = app.get('/cursors?limit=6')
    seen = ids(first)
    # rows appear before and after the position; some vanish
    session.add_all(
        [
            Post(id=100, title='new', score=3),
            Post(id=101, title='new', score=None),
            Post(id=102, title='new', score=2),
        ]
    )
    session.delete(session.get(Post, 5))  # score 2, already seen
    unseen = [i for i in python_order(ROWS, True) if i not in seen]
    session.delete(session.get(Post, unseen[3]))
    session.commit()
    url = first.json['next']
    for page in walk(app, url, 'next'):
        seen += page
    assert len(seen) == len(set(seen))
    throughout = set(r['id'] for r in ROWS) - {5, unseen[3]}
    assert throughout <= set(seen)
    # after the position (score 2, id 23): a tie with a greater id, and
    # a NULL score (last descending); before it: a greater score
    assert {101, 102} <= set(seen)
    assert 100 not in seen
    assert unseen[3] not in seen


def test_csv_items(app: webtest.TestApp) -> None:
    response = app.get('/offsets?limit=2', headers={'Accept': 'text/csv'})
    assert response.text.splitlines() == [
        'id,title,score',
        '1,Post 01 ü,1',
        '2,Post 02 ü,2',
    ]
    assert 'rel="next"' in response.headers['Link']


def test_entities_through_the_response_schema(app: webtest.TestApp) -> None:
    response = app.get('/titled?offset=28')
    assert response.json['items'] == [
        {'id': 29, 'title': 'Post 29 ü'},
        {'id': 30, 'title': 'Post 30 ü'},
    ]
