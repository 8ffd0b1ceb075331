"""The recipes of docs/security.md run as written.

Their code blocks (section "Recipes") are executed in one namespace,
then the policy they build serves an application: constant-time token
comparison, scrypt password hashes, and JWTs verified with PyJWT (a
test dependency only).
"""

from __future__ import annotations

import base64
import pathlib
import re
import time
from typing import Any

import jwt
import pytest

from tests.auth.helpers import add_posts, basic, bearer

DOC = pathlib.Path(__file__).parents[2] / 'docs' / 'security.md'


@pytest.fixture(scope='module')
def recipes() -> dict[str, Any]:
    text = DOC.read_text(encoding='utf-8')
    section = text.split('### Recipes', 1)[1].split('\n## ', 1)[0]
    blocks = re.findall(r'```python\n(.*?)```', section, re.S)
    assert len(blocks) == 4
    namespace: dict[str, Any] = {'__name__': 'security_recipes'}
    exec(compile('\n'.join(blocks), str(DOC), 'exec'), namespace)
    return namespace


def token(recipes: dict[str, Any], **claims: Any) -> str:
    key = claims.pop('key', recipes['JWT_KEY'])
    algorithm = claims.pop('algorithm', 'HS256')
    payload = {
        'sub': 'alice',
        'aud': recipes['JWT_AUDIENCE'],
        'exp': int(time.time()) + 60,
        'groups': ['group:editors'],
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key, algorithm=algorithm)


def test_constant_time_comparison(recipes) -> None:
    same_secret = recipes['same_secret']
    assert same_secret('dG9rZW4', 'dG9rZW4')
    assert not same_secret('dG9rZW4', 'dG9rZW5')
    assert not same_secret('', 'dG9rZW4')
    check = recipes['check_api_token']
    assert check('dG9rZW4tZm9yLWJ1aWxkcw', None) == {
        'userid': 'build-server',
        'groups': ['group:robots'],
    }
    assert check('dG9rZW4tZm9yLWJ1aWxkcx', None) is None


def test_scrypt_hashes(recipes) -> None:
    stored = recipes['hash_password']('pässwörd')
    salt, key = (base64.b64decode(part) for part in stored.split('$'))
    assert len(salt) == 16 and len(key) == 32
    assert 'pässwörd' not in stored
    # salted: the same password hashes differently each time
    assert recipes['hash_password']('pässwörd') != stored
    assert recipes['verify_password']('pässwörd', stored)
    assert not recipes['verify_password']('passwörd', stored)


def test_the_policy_of_the_recipes(recipes, config, make_app) -> None:
    config.set_security_policy(recipes['policy'])
    add_posts(config)
    app = make_app()
    # a valid JWT
    res = app.get('/posts/1', headers=bearer(token(recipes)))
    assert res.json == {'id': '1', 'user': 'alice'}
    app.put_json('/posts/1', {'title': 'x'}, headers=bearer(token(recipes)))
    # scrypt-checked Basic credentials
    res = app.get('/posts/1', headers=basic('alice', 'wonderland'))
    assert res.json['user'] == 'alice'
    # refused: expired, forged, for another audience, unsigned, missing
    # a required claim, garbage
    refused = [
        token(recipes, exp=int(time.time()) - 60),
        token(recipes, key='another-secret-of-at-least-32-bytes!!'),
        token(recipes, aud='https://elsewhere.example'),
        token(recipes, exp=None),
        token(recipes, algorithm='none', key=None),
        'not.a.jwt',
    ]
    for value in refused:
        res = app.get('/posts/1', headers=bearer(value), status=401)
        assert res.headers.getall('WWW-Authenticate') == [
            'Bearer realm="api", error="invalid_token"',
            'Basic realm="api", charset="UTF-8"',
        ]
    for username, password in [('alice', 'wrong'), ('nobody', 'wonderland')]:
        res = app.get(
            '/posts/1', headers=basic(username, password), status=401
        )
        assert len(res.headers.getall('WWW-Authenticate')) == 2
