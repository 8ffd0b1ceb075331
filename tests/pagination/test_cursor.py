"""Cursor pagination: keyset walks, signed cursors, the property test."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import webtest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationExecutionError

from pyramid_restkit import CursorPagination, Page
from pyramid_restkit.errors import ResourceConfigurationError
from pyramid_restkit.pagination.cursors import Cursor, CursorCodec

SECRET = 's' * 32
DATA: list[dict[str, Any]] = []


class Feed:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return DATA


class Built:
    """Returns a Page of the first items, ignoring the cursor."""

    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return Page(DATA[: self.request.pagination.limit])


def make(config: Configurator, **keywords: Any) -> webtest.TestApp:
    config.add_resource(
        Feed,
        collection_path='/feed',
        name='feed',
        pagination=CursorPagination(ordering=('id',), **keywords),
    )
    config.add_resource(
        Feed,
        collection_path='/recent',
        name='recent',
        pagination=CursorPagination(ordering=('-day', 'id'), count=True),
    )
    config.add_resource(
        Built,
        collection_path='/built',
        name='built',
        pagination=CursorPagination(ordering=('id',)),
    )
    return webtest.TestApp(config.make_wsgi_app())


@pytest.fixture
def settings() -> dict[str, Any]:
    return {'restkit.secret': SECRET}


@pytest.fixture
def app(config: Configurator) -> webtest.TestApp:
    DATA[:] = [
        {'id': n, 'day': None if n % 4 == 0 else n % 3} for n in range(1, 11)
    ]
    return make(config, default_size=3)


def query(url: str | None) -> str:
    assert url is not None
    parts = urlsplit(url)
    return f'{parts.path}?{parts.query}'


def ids(response: Any) -> list[int]:
    return [item['id'] for item in response.json['items']]


def test_walk_forward_and_back(app: webtest.TestApp) -> None:
    first = app.get('/feed')
    assert ids(first) == [1, 2, 3]
    assert first.json['prev'] is None
    assert 'total' not in first.json
    assert 'rel="first"' in first.headers['Link']
    second = app.get(query(first.json['next']))
    assert ids(second) == [4, 5, 6]
    assert parse_qs(urlsplit(second.json['next']).query)['limit'] == ['3']
    third = app.get(query(second.json['next']))
    fourth = app.get(query(third.json['next']))
    assert ids(fourth) == [10]
    assert fourth.json['next'] is None
    back = app.get(query(fourth.json['prev']))
    assert ids(back) == [7, 8, 9]
    back = app.get(query(back.json['prev']))
    back = app.get(query(back.json['prev']))
    assert ids(back) == [1, 2, 3]
    assert back.json['prev'] is None
    assert back.json['next'] is not None


def test_empty_cursor_is_first_page(app: webtest.TestApp) -> None:
    assert ids(app.get('/feed?cursor=&limit=2')) == [1, 2]


def test_descending_with_none_and_count(app: webtest.TestApp) -> None:
    seen: list[int] = []
    url: str | None = '/recent?limit=4'
    while url:
        response = app.get(query(url) if url.startswith('http') else url)
        assert response.json['total'] == 10
        assert 'rel="last"' not in response.headers['Link']
        seen.extend(ids(response))
        url = response.json['next']
    days = {row['id']: row['day'] for row in DATA}
    assert seen == sorted(
        days, key=lambda i: (days[i] is None, -(days[i] or 0), i)
    )


def test_values_types_round_trip() -> None:
    codec = CursorCodec(SECRET, 'r', (('a', False),))
    values = (
        1,
        'x',
        1.5,
        True,
        None,
        datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        datetime.date(2020, 1, 2),
        decimal.Decimal('1.10'),
        uuid.UUID(int=5),
    )
    for value in values:
        cursor = Cursor('next', (value,))
        decoded = codec.decode(codec.encode(cursor))
        assert decoded == cursor
        assert type(decoded.values[0]) is type(value)
    with pytest.raises(TypeError, match='cannot hold'):
        codec.encode(Cursor('next', (object(),)))


def _tampered(token: str) -> list[str]:
    head, _, mac = token.partition('.')
    payload = json.loads(base64.urlsafe_b64decode(head + '=='))
    payload[3][0][1] = 99
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    return [
        token[:-3],
        token[: len(head)],
        f'{forged.rstrip("=")}.{mac}',
        token + 'A',
        'nonsense',
        '.',
        'é',
        f'{head}.{mac[:-2]}xx',
    ]


def test_bad_cursors(app: webtest.TestApp, config: Configurator) -> None:
    token = parse_qs(urlsplit(app.get('/feed').json['next']).query)['cursor'][
        0
    ]
    for bad in _tampered(token):
        response = app.get('/feed', {'cursor': bad}, status=400)
        assert response.json['errors'][0] == {
            'location': 'querystring',
            'name': 'cursor',
            'description': 'cursor is not a cursor this list issued.',
        }
    # Bound to the route and the ordering.
    app.get('/built', {'cursor': token}, status=400)
    app.get('/recent', {'cursor': token}, status=400)
    foreign = CursorCodec('t' * 32, 'feed', (('id', False),))
    forged = foreign.encode(Cursor('next', (3,)))
    app.get('/feed', {'cursor': forged}, status=400)
    app.get('/feed', {'cursor': [token, token]}, status=400)


def test_codec_refusals() -> None:
    codec = CursorCodec(SECRET, 'r', (('a', False),))

    def signed(payload: Any) -> str:
        raw = json.dumps(payload).encode()
        mac = codec._mac(raw)
        return (
            base64.urlsafe_b64encode(raw).decode()
            + '.'
            + base64.urlsafe_b64encode(mac).decode()
        )

    binding = ['r', [['a', False]]]
    for payload in (
        [*binding, 'up', [['i', 1]]],
        [*binding, 'next', []],
        [*binding, 'next', [['i', 'x']]],
        [*binding, 'next', [['z', 1]]],
        [*binding, 'next', [['b', 1]]],
        [*binding, 'next', [['s', 1]]],
        [*binding, 'next', [1]],
        [*binding, 'next'],
        {'a': 1},
    ):
        with pytest.raises(Exception, match='not valid') as info:
            codec.decode(signed(payload))
        assert info.value.errors[0]['name'] == 'cursor'  # type: ignore[attr-defined]


def test_sort_refused(app: webtest.TestApp) -> None:
    response = app.get('/feed?sort=id', status=400)
    assert response.json['errors'][0]['name'] == 'sort'


def test_limit_errors(app: webtest.TestApp) -> None:
    assert (
        app.get('/feed?limit=0', status=400).json['errors'][0]['name']
        == 'limit'
    )


def test_given_page_links(app: webtest.TestApp) -> None:
    response = app.get('/built?limit=2')
    assert ids(response) == [1, 2]
    assert ids(app.get(query(response.json['next']))) == [1, 2]


def test_duplicate_keys_are_a_server_error(app: webtest.TestApp) -> None:
    DATA.append({'id': 1, 'day': 1})
    app.get('/feed', status=500)


@pytest.mark.parametrize(
    ('settings', 'pagination', 'message'),
    [
        ({}, CursorPagination(ordering=['id']), 'restkit.secret'),
        ({'restkit.secret': SECRET}, 'cursor', 'needs an ordering'),
    ],
)
def test_configuration_errors(
    config: Configurator, pagination: Any, message: str
) -> None:
    config.add_resource(Feed, collection_path='/f', pagination=pagination)
    with pytest.raises(ConfigurationExecutionError, match=message) as info:
        config.commit()
    assert isinstance(info.value.evalue, ResourceConfigurationError)


@hsettings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(['insert', 'delete', 'next', 'prev']),
            st.integers(0, 10_000),
        ),
        max_size=40,
    ),
    size=st.integers(1, 4),
)
def test_no_repeats_no_skips(
    app: webtest.TestApp, steps: list[tuple[str, int]], size: int
) -> None:
    """Walking forward (with detours backward) while items come and go:
    forward pages never repeat an item, and every item present throughout
    the walk is seen."""
    DATA[:] = [{'id': n * 10, 'day': 0} for n in range(12)]
    DATA.sort(key=lambda row: row['id'])
    initial = {row['id'] for row in DATA}
    deleted: set[int] = set()
    seen: list[int] = []
    response = app.get(f'/feed?limit={size}')
    seen.extend(ids(response))
    trail = [response]
    for action, number in steps:
        if action == 'insert':
            new = number * 10 + 5
            if all(row['id'] != new for row in DATA):
                DATA.append({'id': new, 'day': 0})
                DATA.sort(key=lambda row: row['id'])
        elif action == 'delete' and DATA:
            gone = DATA.pop(number % len(DATA))
            deleted.add(gone['id'])
        elif action == 'prev' and trail[-1].json['prev']:
            back = app.get(query(trail[-1].json['prev']))
            got = ids(back)
            assert got == sorted(got)
            assert len(got) <= size
        elif action == 'next' and trail[-1].json['next']:
            response = app.get(query(trail[-1].json['next']))
            trail.append(response)
            seen.extend(ids(response))
    for _ in range(200):  # a bound: a broken seek must not hang
        if not trail[-1].json['next']:
            break
        response = app.get(query(trail[-1].json['next']))
        trail.append(response)
        seen.extend(ids(response))
    assert len(seen) == len(set(seen))
    assert seen == sorted(seen)
    assert (initial - deleted) <= set(seen)
