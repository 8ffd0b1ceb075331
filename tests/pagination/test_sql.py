"""pyramid_restkit.pagination.sql against real SQLite databases.

Every expected result comes from a pure-Python reference (``reference``):
``None`` first ascending and last descending, the order the Source
protocol promises for sequences and SQL alike.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    insert,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    aliased,
    mapped_column,
)
from sqlalchemy.types import TypeDecorator

from pyramid_restkit.pagination.sql import (
    SelectSource,
    UnknownKey,
    select_source,
)

from .reference import reference


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = 'authors'
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Post(Base):
    __tablename__ = 'posts'
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    score: Mapped[int | None]
    # an attribute whose column has another name
    published: Mapped[datetime.date | None] = mapped_column('pub_date')
    author_id: Mapped[int | None] = mapped_column(ForeignKey('authors.id'))


core = MetaData()
notes = Table(
    'notes',
    core,
    Column('id', Integer, primary_key=True),
    Column('body', String, nullable=True),
    Column('day', Date, nullable=True),
)

AUTHORS = [(1, 'Ann'), (2, 'Bob')]
# id, title, score, published, author
POSTS = [
    (1, 'Zebra', 3, datetime.date(2024, 1, 5), 1),
    (2, 'émile', None, None, 2),
    (3, 'apple', 3, datetime.date(2023, 12, 31), 1),
    (4, 'Ångström', 1, datetime.date(2024, 1, 5), None),
    (5, '日本', None, datetime.date(2022, 2, 2), 2),
    (6, 'apple', 7, None, 1),
    (7, 'Zebra', 1, datetime.date(2024, 3, 1), 2),
]
FIELDS = ('id', 'title', 'score', 'published', 'author_id')


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine('sqlite://')
    Base.metadata.create_all(engine)
    core.create_all(engine)
    with Session(engine) as session:
        session.add_all(Author(id=i, name=n) for i, n in AUTHORS)
        session.add_all(
            Post(**dict(zip(FIELDS, row, strict=True))) for row in POSTS
        )
        session.execute(
            insert(notes),
            [
                {'id': 1, 'body': 'b', 'day': None},
                {'id': 2, 'body': None, 'day': datetime.date(2020, 1, 1)},
                {'id': 3, 'body': 'a', 'day': datetime.date(2019, 1, 1)},
            ],
        )
        session.commit()
        yield session
    engine.dispose()


@pytest.fixture
def statements(session: Session) -> list[str]:
    """The SQL sent to the database, with its parameters last."""
    seen: list[str] = []

    @event.listens_for(session.get_bind(), 'before_cursor_execute')
    def record(conn: Any, cursor: Any, sql: str, params: Any, *_: Any) -> None:
        seen.append(f'{sql} {params!r}')

    return seen


def as_dicts() -> list[dict[str, Any]]:
    return [dict(zip(FIELDS, row, strict=True)) for row in POSTS]


def ids(items: list[Any]) -> list[int]:
    return [
        item['id'] if isinstance(item, dict) else item.id for item in items
    ]


# -- shapes ---------------------------------------------------------------


def test_entity_select_gives_entities(session: Session) -> None:
    source = select_source(select(Post).order_by(Post.id), session)
    items = source.slice(2, 3)
    assert all(isinstance(item, Post) for item in items)
    assert ids(items) == [3, 4, 5]


def test_column_select_gives_dicts(session: Session) -> None:
    statement = select(Post.id, Post.title.label('name')).order_by(Post.id)
    items = select_source(statement, session).slice(0, 2)
    assert items == [{'id': 1, 'name': 'Zebra'}, {'id': 2, 'name': 'émile'}]
    assert type(items[0]) is dict


def test_core_table_select(session: Session) -> None:
    source = select_source(select(notes), session)
    items = source.ordered((('body', False),)).slice(0, 10)
    assert items == [
        {'id': 2, 'body': None, 'day': datetime.date(2020, 1, 1)},
        {'id': 3, 'body': 'a', 'day': datetime.date(2019, 1, 1)},
        {'id': 1, 'body': 'b', 'day': None},
    ]


def test_legacy_query_runs_with_its_own_session(session: Session) -> None:
    source = select_source(session.query(Post).order_by(Post.id), None)
    assert source.session is session
    assert ids(source.slice(0, 2)) == [1, 2]
    assert isinstance(source.slice(0, 1)[0], Post)
    columns = select_source(session.query(Post.id, Post.score), None)
    ordered = columns.ordered((('score', True),))
    assert ordered.slice(0, 2) == [
        {'id': 6, 'score': 7},
        {'id': 1, 'score': 3},
    ]


def test_select_without_session_is_refused() -> None:
    with pytest.raises(ValueError, match='restkit.sqlalchemy.session'):
        select_source(select(Post), None)


def test_aliased_entity(session: Session) -> None:
    alias = aliased(Post)
    source = select_source(select(alias), session)
    items = source.ordered((('score', True),)).slice(0, 3)
    assert ids(items) == [6, 1, 3]
    assert source.keys(items[0], (('score', True), ('id', False))) == (7, 6)


# -- ordering ---------------------------------------------------------------

ORDERINGS = [
    (('score', False), ('id', False)),
    (('score', True), ('id', False)),
    (('published', False), ('title', True), ('id', True)),
    (('published', True), ('score', False), ('id', False)),
    (('title', False), ('score', True), ('id', False)),
    (('author_id', True), ('published', False), ('id', True)),
]


@pytest.mark.parametrize('ordering', ORDERINGS)
def test_ordered_matches_python(session: Session, ordering: Any) -> None:
    expected = [row['id'] for row in reference(as_dicts(), ordering)]
    entities = select_source(select(Post), session).ordered(ordering)
    assert ids(entities.slice(0, 100)) == expected
    columns = select_source(
        select(
            Post.id, Post.title, Post.score, Post.published, Post.author_id
        ),
        session,
    ).ordered(ordering)
    assert ids(columns.slice(0, 100)) == expected
    assert ids(columns.slice(2, 3)) == expected[2:5]


def test_ordered_ends_with_the_primary_key(session: Session) -> None:
    source = select_source(select(Post).order_by(Post.id.desc()), session)
    # ties on the title are broken by the id, ascending; the statement's
    # own ORDER BY (id descending) is replaced
    items = source.ordered((('title', True),)).slice(0, 100)
    # code-point order, as SQLite compares UTF-8 and Python compares str
    assert ids(items) == [5, 2, 4, 3, 6, 1, 7]
    columns = select_source(select(notes.c.body, notes.c.id), session)
    sql = str(columns.ordered((('body', False),)).statement)
    assert sql.endswith(
        'ORDER BY notes.body ASC NULLS FIRST, notes.id ASC NULLS FIRST'
    )
    named = columns.ordered((('id', True),)).statement
    assert str(named).endswith('ORDER BY notes.id DESC NULLS LAST')


def test_empty_ordering_keeps_the_statement(session: Session) -> None:
    source = select_source(select(Post).order_by(Post.id.desc()), session)
    assert source.ordered(()) is source
    assert ids(source.slice(0, 3)) == [7, 6, 5]


def test_unknown_key(session: Session) -> None:
    source = select_source(select(Post.id, Post.title), session)
    with pytest.raises(UnknownKey) as info:
        source.ordered((('score', False),))
    assert info.value.key == 'score'
    assert str(info.value) == (
        "'score' is not a column of the select (known: id, title)"
    )
    assert isinstance(info.value, KeyError)
    entity = select_source(select(Post), session)
    with pytest.raises(UnknownKey, match='known: id, title, score'):
        entity.seek((('pub_date', False),), None, False, 3)
    # the column of the attribute is reachable by the attribute's name
    assert entity.column('published') is not None


# -- count ------------------------------------------------------------------


def test_count_is_one_query(session: Session, statements: list[str]) -> None:
    statement = (
        select(Post.id, Author.name)
        .join(Author, Post.author_id == Author.id)
        .where(Post.score.is_not(None))
        .order_by(Author.name)
    )
    assert select_source(statement, session).count() == 4
    assert len(statements) == 1
    assert statements[0].startswith('SELECT count(*) AS count_1 \nFROM (')
    assert statements[0].endswith(') AS anon_1 ()')
    assert 'ORDER BY' not in statements[0]
    assert (
        select_source(select(Post).where(Post.id > 99), session).count() == 0
    )
    assert select_source(select(notes), session).count() == 3
    # one column of an entity is a column select, not an entity one
    assert select_source(select(Post.title), session).count() == 7
    titles = select_source(select(Post.title).distinct(), session)
    assert titles.count() == 5
    assert titles.ordered((('title', False),)).slice(0, 2) == [
        {'title': 'Zebra'},
        {'title': 'apple'},
    ]


# -- seek -------------------------------------------------------------------


def walk(
    source: SelectSource, ordering: Any, backwards: bool, limit: int
) -> list[list[int]]:
    pages: list[list[int]] = []
    after = None
    while True:
        items = source.seek(ordering, after, backwards, limit)
        if not items:
            return pages
        pages.append(ids(items))
        edge = items[0] if backwards else items[-1]
        after = source.keys(edge, ordering)


@pytest.mark.parametrize('ordering', ORDERINGS)
@pytest.mark.parametrize('limit', [1, 2, 3, 10])
def test_seek_walks(session: Session, ordering: Any, limit: int) -> None:
    expected = [row['id'] for row in reference(as_dicts(), ordering)]
    for statement in (
        select(Post),
        select(
            Post.id, Post.title, Post.score, Post.published, Post.author_id
        ),
    ):
        source = select_source(statement, session)
        forward = walk(source, ordering, False, limit)
        assert [i for page in forward for i in page] == expected
        assert all(len(page) <= limit for page in forward)
        backward = walk(source, ordering, True, limit)
        # pages come in ordering order, the walk from the end
        assert [i for page in reversed(backward) for i in page] == expected
        assert backward[0] == expected[-len(backward[0]) :]


def test_seek_sql_has_no_offset(
    session: Session, statements: list[str]
) -> None:
    source = select_source(select(Post), session)
    ordering = (('score', True), ('id', False))
    items = source.seek(ordering, (3, 1), False, 2)
    assert ids(items) == [3, 4]
    # SQLite always writes an OFFSET after a LIMIT: it is 0
    # the first key's range alone, then the OR-chain
    assert statements[-1].split('WHERE ')[1] == (
        '(posts.score <= ? OR posts.score IS NULL) AND '
        '(posts.score < ? OR posts.score IS NULL OR '
        'posts.score = ? AND posts.id > ?) '
        'ORDER BY posts.score DESC NULLS LAST, posts.id ASC NULLS FIRST\n'
        ' LIMIT ? OFFSET ? (3, 3, 3, 1, 2, 0)'
    )
    # a NOT NULL column has no IS NULL cases; one key needs no range
    assert ids(source.seek((('id', True),), (5,), False, 2)) == [4, 3]
    assert (
        statements[-1].split('WHERE ')[1].startswith('posts.id < ? ORDER BY')
    )
    assert ids(
        source.seek((('title', False), ('id', True)), ('apple', 6), False, 2)
    ) == [3, 4]
    assert (
        statements[-1]
        .split('WHERE ')[1]
        .startswith(
            'posts.title >= ? AND (posts.title > ? OR posts.title = ? AND '
            'posts.id < ?) ORDER BY'
        )
    )
    # after the last NULL of a descending key: only ties on later keys
    assert ids(source.seek(ordering, (None, 2), False, 5)) == [5]
    assert ids(source.seek(ordering, (None, 5), False, 5)) == []
    assert source.seek((('score', True),), (None,), False, 5) == []
    # backwards from a NULL of an ascending key: only the smaller ties
    asc = (('score', False), ('id', False))
    assert ids(source.seek(asc, (None, 5), True, 5)) == [2]


def test_seek_values_from_json(session: Session) -> None:
    """Dates come back from a JSON cursor as strings."""
    source = select_source(select(Post), session)
    ordering = (('published', False), ('id', False))
    assert ids(source.seek(ordering, ('2024-01-05', 1), False, 2)) == [4, 7]
    columns = select_source(
        select(Post.id, literal_column("'x'").label('lit')), session
    )
    # a column of no known Python type keeps the string
    both = (('lit', False), ('id', False))
    assert ids(columns.seek(both, ('x', 5), False, 9)) == [6, 7]
    opaque = select_source(
        select(Post.id, type_coerce(Post.title, Opaque()).label('t')),
        session,
    )
    by_title = (('t', False), ('id', False))
    assert ids(opaque.seek(by_title, ('apple', 3), False, 9)) == [6, 4, 2, 5]


class Opaque(TypeDecorator[str]):
    """A column type that does not say its Python type."""

    impl = String
    cache_ok = True

    @property
    def python_type(self) -> type:
        raise NotImplementedError


def test_seek_checks_the_cursor_length(session: Session) -> None:
    source = select_source(select(Post), session)
    with pytest.raises(ValueError, match='1 cursor values for 2 keys'):
        source.seek((('score', False), ('id', False)), (1,), False, 3)


def test_keys(session: Session) -> None:
    ordering = (('score', True), ('title', False))
    entity = select_source(select(Post), session)
    post = entity.slice(0, 1)[0]
    assert entity.keys(post, ordering) == (post.score, post.title)
    columns = select_source(select(Post.score, Post.title), session)
    assert columns.keys({'score': None, 'title': 'é'}, ordering) == (None, 'é')


def test_functions_as_columns(session: Session) -> None:
    statement = select(Post.id, func.lower(Post.title).label('low'))
    source = select_source(statement, session)
    ordering = (('low', False), ('id', False))
    # SQLite's lower() folds ASCII letters only
    assert walk(source, ordering, False, 4) == [[3, 6, 1, 7], [4, 2, 5]]


def test_sqlalchemy_stays_optional() -> None:
    """Without SQLAlchemy, the package and this module import, and lists
    paginate: only select_source needs it."""
    code = (
        'import sys\n'
        "sys.modules['sqlalchemy'] = None\n"
        'import pyramid_restkit\n'
        'import pyramid_restkit.pagination.sql as sql\n'
        'from pyramid_restkit.pagination.sequence import source_for\n'
        "print(source_for([3, 1, 2], None, 'db').slice(1, 2))\n"
        'try:\n'
        '    sql.select_source(object(), None)\n'
        'except ImportError as exc:\n'
        '    print(type(exc).__name__)\n'
    )
    done = subprocess.run(
        [sys.executable, '-c', code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split('\n') == ['[1, 2]', 'ModuleNotFoundError', '']
