"""Throttled operations in the document: the 429 with ``Retry-After`` and
the RateLimit headers on the responses that carry them, checked against
what the application sends."""

from __future__ import annotations

import re
from typing import Any

from pyramid_restkit import operation

from .helpers import ALL_PROBLEMS, document


class Posts:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return []

    @operation(status=201)
    def collection_post(self) -> Any:
        return {}

    def collection_delete(self) -> None:
        return None


def test_throttled_operations_document_429_and_headers(config, make_app):
    config.add_resource(
        Posts,
        collection_path='/posts',
        throttle={'GET': '2/minute', 'POST': '5/hour'},
        permission='view',
    )
    app = make_app()
    doc = document(app)
    get = doc['paths']['/posts']['get']['responses']
    assert list(get) == sorted(get)
    limited = get['429']
    assert set(limited['content']) == ALL_PROBLEMS
    assert limited['headers']['Retry-After']['required'] is True
    for code, response in get.items():
        names = set(response.get('headers', {}))
        if code in ('401', '403'):
            assert not names & {'RateLimit', 'RateLimit-Policy'}
        else:
            assert {'RateLimit', 'RateLimit-Policy'} <= names, code
    policy = get['200']['headers']['RateLimit-Policy']['schema']['example']
    assert policy == '"posts";q=2;w=60'
    post = doc['paths']['/posts']['post']['responses']
    assert post['201']['headers']['RateLimit-Policy']['schema']['example'] == (
        '"posts";q=5;w=3600'
    )
    delete = doc['paths']['/posts']['delete']['responses']
    assert '429' not in delete
    assert not any(
        'RateLimit' in r.get('headers', {}) for r in delete.values()
    )
    # What the application sends matches the document.
    for _ in range(2):
        res = app.get('/posts')
        assert res.headers['RateLimit-Policy'] == policy
    res = app.get('/posts', status=429)
    assert re.fullmatch(r'[1-9]\d*', res.headers['Retry-After'])
    assert res.content_type in limited['content']


def test_unthrottled_operations_document_no_429(config, make_app):
    config.add_resource(Posts, collection_path='/posts')
    doc = document(make_app())
    for operation_ in doc['paths']['/posts'].values():
        assert '429' not in operation_['responses']
