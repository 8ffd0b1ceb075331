"""Streaming SQL rows (SQLite): server-side cursors, read as they stream.

The kit imports nothing of SQLAlchemy: a SQLAlchemy ``Result`` (and its
``.mappings()`` and ``.scalars()``) is an iterator with a ``close()``,
streamed like a generator, and closed when the client goes away.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import colander
import pytest
import webtest
from pyramid.config import Configurator

sqlalchemy = pytest.importorskip('sqlalchemy')
orm = pytest.importorskip('sqlalchemy.orm')

COUNT = 1000


class Base(orm.DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = 'rows'
    id = sqlalchemy.Column(sqlalchemy.Integer, primary_key=True)
    name = sqlalchemy.Column(sqlalchemy.String, nullable=False)
    secret = sqlalchemy.Column(sqlalchemy.String)


class RowOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())


@pytest.fixture
def engine(tmp_path: Any) -> Iterator[Any]:
    engine = sqlalchemy.create_engine(f'sqlite:///{tmp_path / "rows.db"}')
    Base.metadata.create_all(engine)
    with orm.Session(engine) as session:
        session.add_all(
            Row(id=i, name=f'n{i}', secret='s') for i in range(COUNT)
        )
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine: Any) -> webtest.TestApp:
    statement = sqlalchemy.select(Row).order_by(Row.id)

    class Rows:
        """Two ways: a connection the stream owns, the request's session."""

        def __init__(self, request: Any) -> None:
            self.request = request

        def collection_get(self) -> Any:
            if self.request.params.get('session'):
                session = self.request.dbsession
                return session.execute(
                    statement.execution_options(yield_per=100)
                ).scalars()
            return rows(engine)

    config = Configurator(
        settings={'restkit.media_types': 'json ndjson'}, autocommit=False
    )
    config.include('pyramid_restkit')
    config.add_request_method(
        lambda request: orm.Session(engine), 'dbsession', reify=True
    )
    config.add_resource(
        Rows, collection_path='/rows', response_schema=RowOut()
    )
    return webtest.TestApp(config.make_wsgi_app())


def rows(engine: Any) -> Iterator[Any]:
    """The rows of a query on a connection of their own, returned to the
    pool when the stream ends or is closed."""
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=100).execute(
            sqlalchemy.select(Row.__table__).order_by(Row.id)
        )
        yield from result.mappings()


EXPECTED = [{'id': i, 'name': f'n{i}'} for i in range(COUNT)]


@pytest.mark.parametrize('query', ['', '?session=1'])
def test_rows_stream_filtered(
    app: webtest.TestApp, engine: Any, query: str
) -> None:
    res = app.get('/rows.ndjson' + query)
    assert [json.loads(line) for line in res.body.splitlines()] == EXPECTED
    assert app.get('/rows.json' + query).json == EXPECTED
    if not query:  # the stream's own connection went back to the pool
        assert engine.pool.checkedout() == 0


def test_closing_early_returns_the_connection(
    app: webtest.TestApp, engine: Any
) -> None:
    response = webtest.TestRequest.blank('/rows.ndjson').get_response(app.app)
    chunks = iter(response.app_iter)
    assert json.loads(next(chunks)) == EXPECTED[0]
    assert engine.pool.checkedout() == 1
    response.app_iter.close()
    assert engine.pool.checkedout() == 0


def test_closing_early_closes_the_result(app: webtest.TestApp) -> None:
    request = webtest.TestRequest.blank('/rows.json?session=1')
    response = request.get_response(app.app)
    result = response.app_iter.source
    next(iter(response.app_iter))
    assert not result.closed
    response.app_iter.close()
    assert result.closed
