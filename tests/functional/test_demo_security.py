"""The demo's security: logins, tokens, author-only edits, the throttle.

Through WebTest, on a fresh database each: the demo users (alice, bob)
log in with HTTP Basic or a bearer token from ``POST /tokens``; posts
are public to read, anyone logged in may create one (10 a minute), and
only its author may change it.  Password hashes never leave the server;
a database made by an older demo is migrated.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import restkit_demo
from pyramid.exceptions import ConfigurationError
from restkit_demo import passwords, security
from restkit_demo.db import DEMO_USERS, initialize
from webtest import TestApp
from webtest.response import TestResponse

USERS = dict(DEMO_USERS)
CHALLENGES = [
    'Basic realm="restkit demo", charset="UTF-8"',
    'Bearer realm="restkit demo"',
]
POST = {'title': 'Hello', 'body': 'First post.'}


def basic(username: str, password: str | None = None) -> str:
    """An ``Authorization`` header for HTTP Basic (a demo user's own
    password when ``password`` is not given)."""
    if password is None:
        password = USERS[username]
    pair = f'{username}:{password}'.encode()
    return 'Basic ' + base64.b64encode(pair).decode('ascii')


def bearer(token: str) -> str:
    return f'Bearer {token}'


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / 'var' / 'demo.sqlite'


@pytest.fixture
def make(database: Path) -> Callable[..., TestApp]:
    """A new demo application on the test database, anonymous."""

    def make(**settings: str) -> TestApp:
        settings['restkit_demo.database'] = str(database)
        return TestApp(restkit_demo.main({}, **settings))

    return make


@pytest.fixture
def app(make: Callable[..., TestApp]) -> TestApp:
    return make()


def auth(value: str) -> dict[str, str]:
    return {'Authorization': value}


def token_of(app: TestApp, username: str) -> str:
    res = app.post('/tokens', headers=auth(basic(username)), status=200)
    token: str = res.json['access_token']
    return token


def create(app: TestApp, username: str) -> dict[str, Any]:
    res = app.post_json(
        '/posts', POST, headers=auth(basic(username)), status=201
    )
    post: dict[str, Any] = res.json
    return post


def rows(database: Path, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(database)) as conn:
        return [tuple(row) for row in conn.execute(query)]


def unauthorized(res: TestResponse) -> None:
    """A 401 problem with both challenges."""
    assert res.status_int == 401
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 401
    challenges = res.headers.getall('WWW-Authenticate')
    assert [c.split(',')[0] for c in challenges] == [
        c.split(',')[0] for c in CHALLENGES
    ]
    assert challenges[0] == CHALLENGES[0]


# -- logging in -------------------------------------------------------------


def test_basic_login_on_every_request(app: TestApp) -> None:
    me = app.get('/me', headers=auth(basic('alice'))).json
    assert set(me) == {'userid', 'login', 'created_at'}
    assert (me['userid'], me['login']) == ('alice', 'password')
    assert datetime.fromisoformat(me['created_at']).tzinfo is not None
    assert app.get('/me', headers=auth(basic('bob'))).json['userid'] == 'bob'
    post = create(app, 'bob')
    assert post['author'] == 'bob'


def test_a_token_for_a_password(app: TestApp, database: Path) -> None:
    res = app.post('/tokens', headers=auth(basic('alice')), status=200)
    assert res.headers['Cache-Control'] == 'no-store'
    body = res.json
    assert set(body) == {
        'access_token',
        'token_type',
        'expires_in',
        'expires_at',
    }
    assert body['token_type'] == 'Bearer'
    assert body['expires_in'] == 3600
    expires = datetime.fromisoformat(body['expires_at'])
    now = datetime.now(timezone.utc)
    assert timedelta(minutes=59) < expires - now <= timedelta(hours=1)
    token = body['access_token']
    # token_urlsafe(32): 43 characters of 32 random bytes
    assert re.fullmatch(r'[A-Za-z0-9_-]{43}', token)
    me = app.get('/me', headers=auth(bearer(token))).json
    assert (me['userid'], me['login']) == ('alice', 'token')
    post = app.post_json('/posts', POST, headers=auth(bearer(token))).json
    assert post['author'] == 'alice'
    # the database keeps its SHA-256, not the token
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert rows(database, 'SELECT digest FROM tokens') == [(digest,)]
    assert token.encode() not in database.read_bytes()
    # each request for a token gets a new one
    other = token_of(app, 'alice')
    assert other != token
    assert len(rows(database, 'SELECT digest FROM tokens')) == 2


@pytest.mark.parametrize(
    'header',
    [
        basic('alice', 'builder'),  # bob's password
        basic('alice', 'Wonderland'),
        basic('alice', ''),
        basic('nobody', 'wonderland'),
        basic('', ''),
        'Basic !!!',
        'Basic ' + base64.b64encode(b'alice').decode(),  # no colon
        bearer('not-a-token'),
        'Bearer',
        'Digest username="alice"',
    ],
)
def test_a_wrong_login_is_401_with_both_challenges(
    app: TestApp, header: str
) -> None:
    for res in (
        app.get('/me', headers=auth(header), status=401),
        app.post_json('/posts', POST, headers=auth(header), status=401),
        app.post('/tokens', headers=auth(header), status=401),
    ):
        unauthorized(res)
    assert app.get('/posts').json['total'] == 0


def test_a_refused_token_says_invalid_token(app: TestApp) -> None:
    res = app.get('/me', headers=auth(bearer('x' * 43)), status=401)
    assert res.headers.getall('WWW-Authenticate')[1] == (
        'Bearer realm="restkit demo", error="invalid_token"'
    )
    res = app.get('/me', status=401)
    assert res.headers.getall('WWW-Authenticate') == CHALLENGES


def test_an_unknown_user_costs_a_hash_too(
    app: TestApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No timing difference between a wrong password and a wrong user:
    both verify a password against a scrypt hash."""
    checked: list[str] = []
    verify = passwords.verify_password

    def spy(password: str, stored: str) -> bool:
        checked.append(stored)
        return verify(password, stored)

    monkeypatch.setattr(security, 'verify_password', spy)
    app.get('/me', headers=auth(basic('nobody', 'x')), status=401)
    app.get('/me', headers=auth(basic('alice', 'x')), status=401)
    assert len(checked) == 2
    assert all(stored.startswith('$scrypt$ln=14,') for stored in checked)
    assert checked[0] != checked[1]


def test_only_a_password_gets_a_token(app: TestApp) -> None:
    token = token_of(app, 'alice')
    res = app.post('/tokens', headers=auth(bearer(token)), status=403)
    assert res.json['status'] == 403
    assert 'WWW-Authenticate' not in res.headers
    unauthorized(app.post('/tokens', status=401))


# -- tokens: revocation and expiry ------------------------------------------


def test_revoking_the_current_token(app: TestApp, database: Path) -> None:
    token, other = token_of(app, 'alice'), token_of(app, 'alice')
    res = app.delete('/tokens/current', headers=auth(bearer(token)))
    assert res.status_int == 204
    unauthorized(app.get('/me', headers=auth(bearer(token)), status=401))
    unauthorized(
        app.delete('/tokens/current', headers=auth(bearer(token)), status=401)
    )
    # only that one
    assert (
        app.get('/me', headers=auth(bearer(other))).json['userid'] == 'alice'
    )
    assert len(rows(database, 'SELECT digest FROM tokens')) == 1
    # a password login has no token to revoke
    app.delete('/tokens/current', headers=auth(basic('alice')), status=403)
    unauthorized(app.delete('/tokens/current', status=401))


def test_an_expired_token_is_refused(app: TestApp, database: Path) -> None:
    token = token_of(app, 'bob')
    app.get('/me', headers=auth(bearer(token)), status=200)
    past = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat(
        timespec='microseconds'
    )
    with closing(sqlite3.connect(database)) as conn:
        conn.execute('UPDATE tokens SET expires_at = ?', (past,))
        conn.commit()
    res = app.get('/me', headers=auth(bearer(token)), status=401)
    assert 'error="invalid_token"' in res.headers.getall('WWW-Authenticate')[1]
    # the next token given out sweeps the expired ones away
    fresh = token_of(app, 'bob')
    digest = hashlib.sha256(fresh.encode()).hexdigest()
    assert rows(database, 'SELECT digest FROM tokens') == [(digest,)]


def test_the_token_lifetime_setting(make: Callable[..., TestApp]) -> None:
    app = make(**{'restkit_demo.token_lifetime': '60'})
    res = app.post('/tokens', headers=auth(basic('alice')))
    assert res.json['expires_in'] == 60


@pytest.mark.parametrize('value', ['0', '-5', 'soon', ''])
def test_a_bad_token_lifetime_is_a_configuration_error(
    make: Callable[..., TestApp], value: str
) -> None:
    with pytest.raises(ConfigurationError, match='token_lifetime'):
        make(**{'restkit_demo.token_lifetime': value})


# -- posts: reading is public, writing is the author's -----------------------


def test_reading_is_public(app: TestApp) -> None:
    post = create(app, 'alice')
    assert app.get(f'/posts/{post["id"]}').json == post
    assert app.get('/posts').json['items'] == [post]
    assert app.get('/tags').status_int == 200


def test_anonymous_writes_are_401(app: TestApp) -> None:
    post = create(app, 'alice')
    url = f'/posts/{post["id"]}'
    unauthorized(app.post_json('/posts', POST, status=401))
    unauthorized(app.put_json(url, POST, status=401))
    unauthorized(app.patch_json(url, {'title': 'x'}, status=401))
    unauthorized(app.delete(url, status=401))
    # the override is the verb it names
    unauthorized(
        app.post_json(
            url,
            {'title': 'x'},
            headers={'X-HTTP-Method-Override': 'PATCH'},
            status=401,
        )
    )
    assert app.get(url).json == post


def test_only_the_author_changes_a_post(app: TestApp) -> None:
    post = create(app, 'alice')
    url = f'/posts/{post["id"]}'
    bob = auth(basic('bob'))
    for res in (
        app.put_json(url, POST, headers=bob, status=403),
        app.patch_json(url, {'title': 'Mine'}, headers=bob, status=403),
        app.delete(url, headers=bob, status=403),
    ):
        assert res.json['status'] == 403
        assert res.content_type == 'application/problem+json'
        assert 'WWW-Authenticate' not in res.headers
    assert app.get(url).json == post
    # with a token of his, the same
    app.delete(url, headers=auth(bearer(token_of(app, 'bob'))), status=403)
    alice = auth(bearer(token_of(app, 'alice')))
    patched = app.patch_json(url, {'title': 'Mine'}, headers=alice).json
    assert (patched['title'], patched['author']) == ('Mine', 'alice')
    app.put_json(url, POST, headers=alice, status=200)
    app.delete(url, headers=alice, status=204)


def test_a_missing_post_is_404_to_users_401_to_anonymous(
    app: TestApp,
) -> None:
    """Logging in comes first; then the view finds no post."""
    bob = auth(basic('bob'))
    for url in ('/posts/999', f'/posts/{2**63}'):
        app.get(url, status=404)
        app.put_json(url, POST, headers=bob, status=404)
        app.patch_json(url, {'title': 'x'}, headers=bob, status=404)
        app.delete(url, headers=bob, status=404)
        unauthorized(app.delete(url, status=401))
        unauthorized(app.patch_json(url, {'title': 'x'}, status=401))


def test_a_post_gone_meanwhile_is_404(app: TestApp) -> None:
    post = create(app, 'alice')
    url = f'/posts/{post["id"]}'
    alice = auth(basic('alice'))
    app.delete(url, headers=alice, status=204)
    app.delete(url, headers=alice, status=404)


def test_comments_are_public_and_moderated_by_the_author(
    app: TestApp,
) -> None:
    post = create(app, 'alice')
    base = f'/posts/{post["id"]}/comments'
    comment = app.post_json(
        base, {'author': 'Ann', 'body': 'Nice.'}, status=201
    ).json
    url = f'{base}/{comment["id"]}'
    assert app.get(url).json == comment
    unauthorized(app.delete(url, status=401))
    app.delete(url, headers=auth(basic('bob')), status=403)
    app.delete(url, headers=auth(basic('alice')), status=204)
    app.delete(url, headers=auth(basic('alice')), status=404)
    app.delete('/posts/999/comments/1', headers=auth(basic('bob')), status=404)


# -- the throttle -----------------------------------------------------------


def test_creating_posts_is_throttled_per_user(app: TestApp) -> None:
    alice = auth(bearer(token_of(app, 'alice')))
    for remaining in range(9, -1, -1):
        res = app.post_json('/posts', POST, headers=alice, status=201)
        assert res.headers['RateLimit-Policy'] == '"posts";q=10;w=60'
        assert re.fullmatch(
            rf'"posts";r={remaining};t=\d+', res.headers['RateLimit']
        )
    res = app.post_json('/posts', POST, headers=alice, status=429)
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 429
    assert 0 < int(res.headers['Retry-After']) <= 60
    assert res.headers['RateLimit-Policy'] == '"posts";q=10;w=60'
    assert re.fullmatch(r'"posts";r=0;t=\d+', res.headers['RateLimit'])
    assert app.get('/posts').json['total'] == 10
    # reads and other writes are not throttled; bob has his own budget
    res = app.get('/posts')
    assert 'RateLimit' not in res.headers
    url = f'/posts/{res.json["items"][0]["id"]}'
    app.patch_json(url, {'title': 'Still'}, headers=alice, status=200)
    app.post_json('/posts', POST, headers=auth(basic('bob')), status=201)
    # a refused login spends nothing: 401 comes before 429
    unauthorized(app.post_json('/posts', POST, status=401))


# -- password hashes --------------------------------------------------------


def test_stored_passwords_are_salted_scrypt_hashes(database: Path) -> None:
    initialize(str(database))
    stored = dict(rows(database, 'SELECT username, password FROM users'))
    assert set(stored) == {'alice', 'bob'}
    for username, value in stored.items():
        assert re.fullmatch(
            r'\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}',
            value,
        )
        assert USERS[username] not in value
        assert passwords.verify_password(USERS[username], value)
        assert not passwords.verify_password(USERS[username] + 'x', value)
    # one salt per password: the same password hashes differently
    assert passwords.hash_password('same') != passwords.hash_password('same')


@pytest.mark.parametrize(
    'stored',
    [
        '',
        'wonderland',
        '$scrypt$ln=14,r=8,p=1$c2FsdA',
        '$bcrypt$ln=14,r=8,p=1$c2FsdA$a2V5',
        '$scrypt$ln=14,r=8$c2FsdA$a2V5',
        '$scrypt$ln=14,r=8,p=1,p=1$c2FsdA$a2V5',
        '$scrypt$ln=14,r=8,x=1$c2FsdA$a2V5',
        '$scrypt$ln=abc,r=8,p=1$c2FsdA$a2V5',
        '$scrypt$ln=0,r=8,p=1$c2FsdA$a2V5',
        # too costly for a check: never computed
        '$scrypt$ln=30,r=8,p=1$c2FsdA$a2V5',
        '$scrypt$ln=14,r=8,p=1$!!$a2V5',
        '$scrypt$ln=14,r=8,p=1$$a2V5',
        '$scrypt$ln=14,r=8,p=1$c2FsdA$',
        'x$scrypt$ln=14,r=8,p=1$c2FsdA$a2V5',
    ],
)
def test_a_malformed_stored_hash_never_matches(stored: str) -> None:
    assert not passwords.verify_password('wonderland', stored)


def test_a_hash_keeps_its_own_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Raising the parameters later leaves the stored hashes valid."""
    monkeypatch.setattr(
        passwords, 'HASH_PARAMETERS', {'ln': 4, 'r': 2, 'p': 1}
    )
    cheap = passwords.hash_password('pw')
    assert cheap.startswith('$scrypt$ln=4,r=2,p=1$')
    monkeypatch.undo()
    assert passwords.verify_password('pw', cheap)
    assert not passwords.verify_password('pW', cheap)


def test_password_hashes_never_leave_the_server(
    app: TestApp, database: Path
) -> None:
    stored = [
        value
        for _, value in rows(database, 'SELECT username, password FROM users')
    ]
    secrets = [part for value in stored for part in value.split('$')[3:]]
    alice_token = token_of(app, 'alice')
    alice = auth(bearer(alice_token))
    post = app.post_json('/posts', POST, headers=alice).json
    url = f'/posts/{post["id"]}'
    responses = [
        app.get('/me', headers=alice),
        app.get('/me', headers=auth(basic('bob'))),
        app.get('/me.yaml', headers=alice),
        app.get('/me.xml', headers=alice),
        app.get('/me.html', headers=alice),
        app.post('/tokens', headers=auth(basic('bob'))),
        app.get('/posts', headers=alice),
        app.get(url, headers=alice),
        app.get('/posts.html', headers=alice),
        app.get('/openapi.json'),
        app.get('/openapi.yaml'),
        app.get('/me', status=401),
        app.get('/me', headers=auth(basic('alice', 'x')), status=401),
        app.delete(url, headers=auth(basic('bob')), status=403),
        app.post('/tokens', headers=alice, status=403),
        app.get('/users', status=404),
        app.get('/users/1', status=404),
    ]
    for res in responses:
        text = str(res.headers) + res.body.decode('utf-8')
        assert '$scrypt$' not in text, res.request.url
        assert all(secret not in text for secret in secrets), res.request.url
        assert all(password not in text for password in USERS.values())
    # no schema of the document has a password field
    schemas = app.get('/openapi.json').json['components']['schemas']
    assert not any(
        'password' in schema.get('properties', {})
        for schema in schemas.values()
    )


# -- migration --------------------------------------------------------------

#: A database of the demo before versions, authors, users and tokens.
OLD_SCHEMA = """
CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    published INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO posts (title, body, created_at)
    VALUES ('Old', 'From before.', '2025-01-01T00:00:00+00:00');
"""


@pytest.fixture
def old_database(database: Path) -> Iterator[Path]:
    database.parent.mkdir(parents=True)
    with closing(sqlite3.connect(database)) as conn:
        conn.executescript(OLD_SCHEMA)
    yield database


def test_an_old_database_is_migrated(
    old_database: Path, make: Callable[..., TestApp]
) -> None:
    app = make()
    old = app.get('/posts/1').json
    assert (old['title'], old['author']) == ('Old', 'alice')
    assert app.get('/posts/1').headers['ETag'] == '"1-json"'
    assert sorted(
        name for (name,) in rows(old_database, 'SELECT username FROM users')
    ) == ['alice', 'bob']
    # the users log in; the old posts are the first demo user's
    app.patch_json(
        '/posts/1', {'title': 'x'}, headers=auth(basic('bob')), status=403
    )
    res = app.patch_json(
        '/posts/1', {'title': 'Kept'}, headers=auth(basic('alice'))
    )
    assert res.json['title'] == 'Kept'
    assert create(app, 'bob')['author'] == 'bob'
    token = token_of(app, 'bob')
    assert app.get('/me', headers=auth(bearer(token))).json['userid'] == 'bob'


def test_seeding_is_idempotent(database: Path) -> None:
    initialize(str(database))
    first = rows(database, 'SELECT id, username, password FROM users')
    with closing(sqlite3.connect(database)) as conn:
        # a changed password stays changed
        conn.execute(
            'UPDATE users SET password = ? WHERE username = ?',
            (passwords.hash_password('new secret'), 'bob'),
        )
        conn.commit()
    initialize(str(database))
    again = rows(database, 'SELECT id, username, password FROM users')
    assert len(again) == 2
    assert again[0] == first[0]
    assert passwords.verify_password('new secret', again[1][2])
    # a user removed comes back
    with closing(sqlite3.connect(database)) as conn:
        conn.execute("DELETE FROM users WHERE username = 'alice'")
        conn.commit()
    initialize(str(database))
    names = [name for (name,) in rows(database, 'SELECT username FROM users')]
    assert sorted(names) == ['alice', 'bob']


# -- the document -----------------------------------------------------------


def test_the_document_shows_who_may_do_what(app: TestApp) -> None:
    doc = app.get('/openapi.json').json
    assert doc['components']['securitySchemes'] == {
        'basicAuth': {'type': 'http', 'scheme': 'basic'},
        'bearerAuth': {'type': 'http', 'scheme': 'bearer'},
    }
    both = [{'basicAuth': []}, {'bearerAuth': []}]
    paths = doc['paths']
    for path, verb in [
        ('/posts', 'post'),
        ('/posts/{id}', 'put'),
        ('/posts/{id}', 'patch'),
        ('/posts/{id}', 'delete'),
        ('/posts/{post_id}/comments/{id}', 'delete'),
        ('/tokens', 'post'),
        ('/tokens/current', 'delete'),
        ('/me', 'get'),
    ]:
        operation = paths[path][verb]
        assert operation['security'] == both, (path, verb)
        assert {'401', '403'} <= set(operation['responses'])
    for path, verb in [
        ('/posts', 'get'),
        ('/posts/{id}', 'get'),
        ('/posts/{post_id}/comments', 'post'),
        ('/tags', 'get'),
    ]:
        assert 'security' not in paths[path][verb]
    assert '429' in paths['/posts']['post']['responses']
    token = doc['components']['schemas']['TokenOut']
    assert (
        set(token['required'])
        == set(token['properties'])
        == {
            'access_token',
            'token_type',
            'expires_in',
            'expires_at',
        }
    )
