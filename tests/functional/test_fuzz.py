"""Property: whatever arrives, a resource app never answers 5xx."""

from __future__ import annotations

import colander
import pytest
import webtest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyramid.config import Configurator

from pyramid_restkit import RequestSchema, operation


class Item(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    count = colander.SchemaNode(colander.Integer(), missing=0)
    tags = colander.SchemaNode(
        colander.Sequence(),
        colander.SchemaNode(colander.String()),
        missing=(),
    )
    when = colander.SchemaNode(colander.DateTime(), missing=None)


class Search(RequestSchema):
    @colander.instantiate()
    class querystring(colander.MappingSchema):
        limit = colander.SchemaNode(colander.Integer(), missing=10)


class Items:
    def __init__(self, request):
        self.request = request

    @operation(schema=Search)
    def collection_get(self):
        return [self.request.validated]

    @operation(status=201)
    def collection_post(self):
        return self.request.validated

    def get(self):
        return {'id': self.request.matchdict['id']}

    put = patch = collection_post


def build():
    config = Configurator(settings={'restkit.max_body_size': '4096'})
    config.include('pyramid_restkit')
    config.add_resource(
        Items, collection_path='/items', path='/items/{id}', schema=Item
    )
    return webtest.TestApp(config.make_wsgi_app(), lint=False)


APP = build()

CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            '',
            'application/json',
            'application/json; charset=utf-8',
            'application/json; charset=latin-1',
            'application/yaml',
            'text/yaml',
            'application/xml',
            'text/xml',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=xyz',
            'multipart/form-data',
            'text/plain',
            'text/csv',
            'application/msgpack',
        ]
    ),
    st.text(max_size=60),
)
HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def check(res):
    assert res.status_int < 500, res.body[:300]
    if res.status_int >= 400 and res.request.method != 'HEAD':
        assert 'problem' in res.content_type or res.content_type in (
            'text/html',
            'text/plain',
        ), res.content_type


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(['POST', 'PUT', 'PATCH']),
    path=st.sampled_from(
        ['/items', '/items/1', '/items.json', '/items/1.xml']
    ),
    body=st.binary(max_size=600),
    content_type=CONTENT_TYPES,
    accept=HEADER_TEXT,
)
def test_arbitrary_bodies_and_headers_never_5xx(
    method, path, body, content_type, accept
):
    headers = {'Accept': accept}
    if content_type:
        headers['Content-Type'] = content_type
    res = APP.request(
        path, method=method, body=body, headers=headers, expect_errors=True
    )
    check(res)


@settings(max_examples=300, deadline=None)
@given(value=JSONISH, accept=HEADER_TEXT)
def test_arbitrary_json_documents_never_5xx(value, accept):
    import json

    try:
        body = json.dumps(value).encode()
    except ValueError:  # pragma: no cover (NaN is allowed by json.dumps)
        return
    res = APP.request(
        '/items',
        method='POST',
        body=body,
        headers={'Content-Type': 'application/json', 'Accept': accept},
        expect_errors=True,
    )
    check(res)


@settings(max_examples=200, deadline=None)
@given(
    query=st.text(max_size=60),
    path=st.text(
        alphabet=st.characters(
            min_codepoint=33, max_codepoint=126, exclude_characters='/?#%'
        ),
        min_size=1,
        max_size=20,
    ),
    method=st.sampled_from(['GET', 'HEAD', 'OPTIONS', 'DELETE', 'TRACE']),
    override=st.one_of(st.none(), HEADER_TEXT),
)
def test_arbitrary_urls_and_overrides_never_5xx(query, path, method, override):
    from urllib.parse import quote

    headers = {}
    if override is not None:
        headers['X-HTTP-Method-Override'] = override
    for url in (f'/items?{quote(query)}', f'/items/{quote(path)}'):
        res = APP.request(
            url, method=method, headers=headers, expect_errors=True
        )
        check(res)


@pytest.mark.parametrize('method', ['POST'])
def test_override_with_arbitrary_values_never_5xx(method):
    for value in ('', ' ', 'put\x00', 'ä', 'PUT, PATCH', 'x' * 500):
        res = APP.request(
            '/items/1',
            method=method,
            headers={'X-HTTP-Method-Override': value},
            expect_errors=True,
        )
        assert res.status_int in (400, 405, 415), value
