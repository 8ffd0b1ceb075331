"""Property: whatever arrives, a resource app never answers 5xx."""

from __future__ import annotations

import io
import urllib.parse

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
    # A route of the application's own: the tween runs for it too.
    config.add_route('plain', '/plain')
    config.add_view(
        lambda request: {'method': request.method, 'size': len(request.body)},
        route_name='plain',
        renderer='json',
    )
    return webtest.TestApp(config.make_wsgi_app(), lint=False)


APP = build()

MEDIA_TYPES = st.sampled_from(
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
)
#: Charsets WebOb's request.POST refuses or cannot decode with.
CHARSETS = st.sampled_from(
    ['latin-1', 'utf-16', 'UTF-8', 'ascii', 'bogus', '"utf-8"', '']
)
CONTENT_TYPES = st.one_of(
    MEDIA_TYPES,
    st.builds(
        lambda kind, charset: f'{kind}; charset={charset}',
        MEDIA_TYPES,
        CHARSETS,
    ),
    st.text(max_size=60),
)
HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80
)
#: Header values as a WSGI server hands them over: bytes as Latin-1 text.
LATIN1_TEXT = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=80
)
HEADER_VALUES = HEADER_TEXT | LATIN1_TEXT
#: Form-like bodies, with or without a _method field, in any bytes.
FORM_BODIES = st.builds(
    lambda pairs: b'&'.join(pairs),
    st.lists(
        st.sampled_from(
            [b'_method=PUT', b'_method=%ff', b'%5Fmethod=patch', b'name=x']
        )
        | st.binary(max_size=12),
        max_size=5,
    ),
)
MULTIPART_BODIES = st.builds(
    lambda parts: b''.join(parts) + b'--xyz--\r\n',
    st.lists(
        st.builds(
            lambda name, headers, value: (
                b'--xyz\r\nContent-Disposition: form-data; name="'
                + name
                + b'"\r\n'
                + headers
                + b'\r\n'
                + value
                + b'\r\n'
            ),
            st.sampled_from([b'_method', b'name', b'\xff']),
            st.sampled_from(
                [
                    b'',
                    b'Content-Type: text/plain; charset=utf-16\r\n',
                    b'Content-Type: text/plain; charset=bogus\r\n',
                    b'Content-Type: multipart/mixed; boundary=q\r\n',
                    b'Content-Transfer-Encoding: base64\r\n',
                ]
            ),
            st.sampled_from([b'PUT', b'x', b'\xff\xfe', b'--q\r\n'])
            | st.binary(max_size=8),
        ),
        max_size=4,
    ),
)
#: Percent-encoded bytes, UTF-8 or not (``%ff``, a truncated ``%c3``).
ENCODED_BYTES = st.binary(max_size=12).map(
    lambda raw: urllib.parse.quote_from_bytes(raw, safe='')
)
#: The same as one path segment: a decoded '/' would leave the resource's
#: pattern, and an undecodable path outside the kit's routes is Pyramid's.
ENCODED_SEGMENT = (
    st.binary(min_size=1, max_size=12)
    .map(
        lambda raw: urllib.parse.quote_from_bytes(
            raw.replace(b'/', b''), safe=''
        )
    )
    .filter(bool)
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
    body=st.binary(max_size=600) | FORM_BODIES | MULTIPART_BODIES,
    content_type=CONTENT_TYPES,
    accept=HEADER_VALUES,
    override=st.none() | HEADER_VALUES,
)
def test_arbitrary_bodies_and_headers_never_5xx(
    method, path, body, content_type, accept, override
):
    headers = {'Accept': accept}
    if content_type:
        headers['Content-Type'] = content_type
    if override is not None:
        headers['X-HTTP-Method-Override'] = override
    res = APP.request(
        path, method=method, body=body, headers=headers, expect_errors=True
    )
    check(res)


FORM_CONTENT_TYPES = st.builds(
    lambda kind, charset: f'{kind}; charset={charset}' if charset else kind,
    st.sampled_from(
        [
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=xyz',
            'Multipart/Form-Data; boundary="xyz"',
        ]
    ),
    st.none() | CHARSETS,
)


@settings(max_examples=200, deadline=None)
@given(
    path=st.sampled_from(['/items', '/items/1', '/plain']),
    body=FORM_BODIES | MULTIPART_BODIES | st.binary(max_size=100),
    content_type=FORM_CONTENT_TYPES,
    chunked=st.booleans(),
)
def test_arbitrary_form_posts_never_5xx(path, body, content_type, chunked):
    request = webtest.TestRequest.blank(
        path, method='POST', body=body, content_type=content_type
    )
    if chunked:  # as a server passes a chunked body: no Content-Length
        environ = request.environ
        del environ['CONTENT_LENGTH']
        environ.pop('webob.is_body_seekable', None)
        environ['wsgi.input'] = io.BytesIO(body)
        environ['wsgi.input_terminated'] = True
    check(APP.do_request(request, expect_errors=True))


@settings(max_examples=300, deadline=None)
@given(value=JSONISH, accept=HEADER_VALUES)
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
    override=st.one_of(st.none(), HEADER_VALUES),
    encoded=ENCODED_BYTES,
    segment=ENCODED_SEGMENT,
    accept=HEADER_VALUES,
)
def test_arbitrary_urls_and_overrides_never_5xx(
    query, path, method, override, encoded, segment, accept
):
    quote = urllib.parse.quote
    headers = {'Accept': accept}
    if override is not None:
        headers['X-HTTP-Method-Override'] = override
    for url in (
        f'/items?{quote(query)}',
        f'/items/{quote(path)}',
        # bytes that may not be UTF-8 once decoded, in the query and path
        f'/items?{encoded}={encoded}',
        f'/items?format={encoded}',
        f'/items?limit={encoded}&format=json',
        f'/items/{segment}',
        f'/items/{segment}.json?{encoded}',
    ):
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
