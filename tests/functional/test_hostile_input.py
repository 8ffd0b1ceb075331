"""Hostile input that used to escape as a raw 500 or an unbounded read.

Every answer on a restkit route is a 4xx problem; other routes get the
request as the client sent it (and Pyramid's own handling).
"""

from __future__ import annotations

import io
import json

import colander
import msgpack
import pytest
import webtest
import yaml
from pyramid.exceptions import URLDecodeError
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request

from pyramid_restkit import RequestSchema, operation, original_method

LIMIT = 2048


class Post(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())


class Search(RequestSchema):
    @colander.instantiate()
    class querystring(colander.MappingSchema):
        top = colander.SchemaNode(colander.Integer(), missing=10)


class Posts:
    def __init__(self, request):
        self.request = request

    @operation(schema=Search)
    def collection_get(self):
        return {'query': self.request.validated['querystring']}

    @operation(status=201, schema=Post)
    def collection_post(self):  # the only operation with a body schema
        return self.request.validated

    def get(self):
        if self.request.matchdict['id'] == 'missing':
            raise HTTPNotFound('No such post.')
        return {'id': self.request.matchdict['id']}

    def put(self):
        return {
            'method': self.request.method,
            'original': original_method(self.request),
            'post': dict(self.request.POST),
            'body': self.request.body.decode(),
        }

    patch = delete = put


class Items:
    def __init__(self, request):
        self.request = request

    def get(self):
        if self.request.matchdict['id'] == 'missing':
            raise HTTPNotFound('No such post.')
        return {'id': self.request.matchdict['id']}


def echo(request):
    """A plain view: what reached it, without touching request.POST."""
    return {
        'method': request.method,
        'original': original_method(request),
        'body': request.body.decode('latin-1'),
        'content_length': request.environ.get('CONTENT_LENGTH'),
    }


def reads_query(request):
    return dict(request.GET)


@pytest.fixture
def settings():
    return {'restkit.max_body_size': str(LIMIT)}


@pytest.fixture
def app(config, make_app):
    config.add_resource(Posts, collection_path='/posts', path='/posts/{id}')
    config.add_route('plain', '/plain')
    config.add_view(echo, route_name='plain', renderer='json')
    config.add_route('plain_item', '/plain/{x}')
    config.add_view(echo, route_name='plain_item', renderer='json')
    config.add_route('query', '/query')
    config.add_view(reads_query, route_name='query', renderer='json')
    config.add_route('tags', '/tags')
    config.add_view(
        lambda request: ['json'],
        route_name='tags',
        format='json',
        renderer='restkit.json',
    )
    config.add_view(
        lambda request: ['yaml'],
        route_name='tags',
        format='yaml',
        renderer='restkit.yaml',
    )
    return make_app()


def post(app, path, body, content_type):
    """POST ``body`` as it is (webtest would encode a multipart body)."""
    request = Request.blank(
        path, method='POST', body=body, content_type=content_type
    )
    return request.get_response(app.app)


def call(app, path, body=b'', **environ):
    """Call the app with a raw environ: ``wsgi.input`` is ``body``."""
    stream = io.BytesIO(body)
    request = Request.blank('/', method='POST')
    request.environ.update(environ)
    request.environ['PATH_INFO'] = path
    request.environ['wsgi.input'] = stream
    return request.get_response(app.app), stream


FORM = 'application/x-www-form-urlencoded'


# -- 1. form bodies in other charsets --


@pytest.mark.parametrize(
    'content_type',
    [
        f'{FORM}; charset=latin-1',
        'multipart/form-data; charset=utf-16; boundary=xx',
        f'{FORM}; charset=bogus',
    ],
)
def test_non_utf8_form_reaches_a_plain_route_untouched(app, content_type):
    res = post(app, '/plain', b'a=\xe9', content_type)
    assert res.json['method'] == 'POST'
    assert res.json['body'] == 'a=\xe9'


def test_non_utf8_form_is_415_on_a_restkit_route(app):
    res = app.post(
        '/posts',
        b'title=\xe9',
        content_type=f'{FORM}; charset=latin-1',
        status=415,
    )
    assert res.status_int == 415
    assert res.content_type == 'application/problem+json'
    assert 'latin-1' in res.json['detail']


def test_non_utf8_method_field_is_not_an_override(app):
    res = app.post(
        '/posts/1',
        b'_method=PUT',
        content_type=f'{FORM}; charset=latin-1',
        status=405,
    )
    assert res.content_type == 'application/problem+json'


def test_utf8_charset_parameter_still_overrides(app):
    res = app.post(
        '/posts/1', b'_method=PUT&a=1', content_type=f'{FORM}; charset=UTF-8'
    )
    assert res.json['method'] == 'PUT'
    assert res.json['post'] == {'a': '1'}


HOSTILE_MULTIPART = [
    # a part in an unknown charset (WebOb: LookupError)
    b'--xx\r\nContent-Disposition: form-data; name="a"\r\n'
    b'Content-Type: text/plain; charset=bogus\r\n\r\nv\r\n--xx--\r\n',
    # a nested multipart part with a charset (WebOb: AttributeError)
    b'--xx\r\nContent-Disposition: form-data; name="a"\r\n'
    b'Content-Type: multipart/mixed; boundary=yy; charset=utf-16\r\n\r\n'
    b'--yy\r\nContent-Disposition: form-data; name="b"\r\n\r\nv\r\n'
    b'--yy--\r\n\r\n--xx--\r\n',
    # a part in UTF-16 (WebOb: UnicodeDecodeError)
    b'--xx\r\nContent-Disposition: form-data; name="a"\r\n'
    b'Content-Type: text/plain; charset=utf-16\r\n\r\n\xff\r\n--xx--\r\n',
]


@pytest.mark.parametrize('body', HOSTILE_MULTIPART)
def test_hostile_multipart_reaches_a_plain_route(app, body):
    res = post(app, '/plain', body, 'multipart/form-data; boundary=xx')
    assert res.json['method'] == 'POST'
    assert res.json['body'] == body.decode('latin-1')


@pytest.mark.parametrize(
    ('body', 'method'),
    list(zip(HOSTILE_MULTIPART, ['DELETE', 'DELETE', 'POST'], strict=True)),
)
def test_hostile_multipart_with_method_field_never_500(app, body, method):
    body = (
        b'--xx\r\nContent-Disposition: form-data; name="_method"\r\n\r\n'
        b'DELETE\r\n' + body
    )
    res = post(app, '/plain', body, 'multipart/form-data; boundary=xx')
    assert res.json['method'] == method
    if method == 'DELETE':
        # The field is cut out of the body, which is otherwise unchanged.
        assert res.json['body'] == body[body.index(b'\r\n--xx') :].decode()
        assert res.json['content_length'] == str(len(res.json['body']))


# -- 2. bounded reads --


def test_large_form_to_a_restkit_route_is_413_unread(app):
    body = b'_method=PUT&title=' + b'x' * 5_000_000
    res, stream = call(
        app,
        '/posts',
        body,
        CONTENT_TYPE=FORM,
        CONTENT_LENGTH=str(len(body)),
    )
    assert res.status_int == 413
    assert res.json['status'] == 413
    assert stream.tell() == 0


def test_large_form_to_a_plain_route_is_read_by_the_view_only(app):
    body = b'_method=PUT&a=' + b'x' * 3000
    res, stream = call(
        app,
        '/plain',
        body,
        CONTENT_TYPE=FORM,
        CONTENT_LENGTH=str(len(body)),
    )
    assert res.json['method'] == 'POST'  # no override beyond the limit
    assert res.json['body'] == body.decode()


def test_chunked_form_over_the_limit_is_413_one_byte_past(app):
    body = b'title=' + b'x' * 3000
    res, stream = call(
        app, '/posts', body, CONTENT_TYPE=FORM, **{'wsgi.input_terminated': 1}
    )
    assert res.status_int == 413
    assert stream.tell() == LIMIT + 1


def test_chunked_form_over_the_limit_is_given_back_whole(app):
    body = b'_method=PUT&a=' + b'y' * 3000 + b'z'
    res, _ = call(
        app, '/plain', body, CONTENT_TYPE=FORM, **{'wsgi.input_terminated': 1}
    )
    assert res.json['method'] == 'POST'
    assert res.json['body'] == body.decode()


def test_chunked_form_within_the_limit_overrides(app):
    res, _ = call(
        app,
        '/posts/1',
        b'_method=patch&a=1',
        CONTENT_TYPE=FORM,
        **{'wsgi.input_terminated': 1},
    )
    assert res.json == {
        'method': 'PATCH',
        'original': 'POST',
        'post': {'a': '1'},
        'body': 'a=1',
    }


def test_form_read_from_an_unseekable_input_overrides(app):
    body = b'a=1&_method=DELETE&b=2'
    res, stream = call(
        app,
        '/posts/1',
        body,
        CONTENT_TYPE=FORM,
        CONTENT_LENGTH=str(len(body)),
    )
    assert res.json['method'] == 'DELETE'
    assert res.json['post'] == {'a': '1', 'b': '2'}
    assert res.json['body'] == 'a=1&b=2'


def test_form_without_length_or_chunking_has_no_body(app):
    res, stream = call(app, '/plain', b'_method=PUT', CONTENT_TYPE=FORM)
    assert res.json['method'] == 'POST'
    assert stream.tell() == 0


def test_empty_form_is_not_an_override(app):
    res, _ = call(app, '/plain', CONTENT_TYPE=FORM, CONTENT_LENGTH='0')
    assert res.json['method'] == 'POST'


@pytest.mark.parametrize('length', ['-1', 'abc', '1_0', '+5', '\u0665'])
def test_invalid_content_length_is_400_unread(app, length):
    body = b'{"title": "' + b'x' * 5000 + b'"}'
    res, stream = call(
        app,
        '/posts',
        body,
        CONTENT_TYPE='application/json',
        CONTENT_LENGTH=length,
    )
    assert res.status_int == 400
    assert res.content_type == 'application/problem+json'
    assert res.json['detail'] == (
        'The Content-Length header is not a valid length.'
    )
    assert stream.tell() == 0


def test_invalid_content_length_is_no_override(app):
    res, stream = call(
        app, '/plain', b'_method=PUT', CONTENT_TYPE=FORM, CONTENT_LENGTH='-1'
    )
    assert res.json['method'] == 'POST'


def test_absurd_content_length_is_413(app):
    res, stream = call(
        app,
        '/posts',
        b'{}',
        CONTENT_TYPE='application/json',
        CONTENT_LENGTH='9' * 5000,
    )
    assert res.status_int == 413
    assert stream.tell() == 0


def test_blank_content_length_is_absent(app):
    res, _ = call(app, '/posts', CONTENT_TYPE='', CONTENT_LENGTH=' ')
    assert res.status_int == 400  # validated as {}: title is required
    assert res.json['errors'][0]['name'] == 'title'


def test_percent_encoded_method_field_overrides(app):
    res = app.post('/posts/1', b'%5Fmethod=PUT&a=%20', content_type=FORM)
    assert res.json['method'] == 'PUT'
    assert res.json['post'] == {'a': ' '}


def test_form_without_method_field_is_not_parsed(app):
    # WebOb would raise on this part's charset, the kit's parser not: the
    # tween reads neither.
    res = app.post('/plain', b'a=%20&b=%ff', content_type=FORM)
    assert res.json['method'] == 'POST'


@pytest.mark.parametrize('body', [b'a=%20', b'a=_method', b'_method_=x'])
def test_form_without_method_field_stays_a_post(app, body):
    res = app.post('/posts/1', body, content_type=FORM, status=405)
    assert res.json['status'] == 405


@pytest.mark.parametrize(
    'body',
    [
        b'_method=PUT&broken',  # a field without '='
        b'_method=%ff',  # not UTF-8 once decoded
    ],
)
def test_malformed_urlencoded_override_is_left_to_the_route(app, body):
    res = app.post('/posts/1', body, content_type=FORM, status=405)
    assert res.content_type == 'application/problem+json'


def test_truncated_multipart_with_method_field_stays_a_post(app):
    res = post(
        app,
        '/posts/1',
        b'--xx\r\nContent-Disposition: form-data; name="_method"\r\n\r\nPUT',
        'multipart/form-data; boundary=xx',
    )
    assert res.status_int == 405
    assert res.json['status'] == 405


def test_uppercase_form_content_type_overrides(app):
    res = app.post(
        '/posts/1',
        b'_method=PUT',
        content_type='APPLICATION/X-WWW-FORM-URLENCODED',
    )
    assert res.json['method'] == 'PUT'


@pytest.mark.parametrize(
    'body',
    [
        # first part, no preamble
        b'--xx\r\nContent-Disposition: form-data; name="_method"\r\n\r\n'
        b'PUT\r\n--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\n'
        b'1\r\n--xx--\r\n',
        # after a preamble, last part
        b'preamble\r\n--xx\r\nContent-Disposition: form-data; name="a"\r\n'
        b'\r\n1\r\n--xx\r\nContent-Disposition: form-data; name="_method"'
        b'\r\n\r\nPUT\r\n--xx--\r\nepilogue',
    ],
)
def test_multipart_method_field_is_cut_from_the_body(app, body):
    res = post(app, '/posts/1', body, 'multipart/form-data; boundary=xx')
    assert res.json['method'] == 'PUT'
    assert res.json['post'] == {'a': '1'}
    assert '_method' not in res.json['body']


def test_method_field_upload_is_400(app):
    res = app.post(
        '/posts/1',
        {'_method': webtest.Upload('m.txt', b'PUT')},
        status=400,
    )
    assert 'exactly one' in res.json['detail']


# -- 3. query strings that are not UTF-8 --


@pytest.mark.parametrize(
    'url',
    [
        '/posts?format=%ff',
        '/posts?format=json&x=%ff',
        '/posts?top=%ff',
        '/posts?%ff=1',
        '/posts/1?format=%C3',
        '/posts.json?x=%ff',
    ],
)
def test_undecodable_query_is_400_on_restkit_routes(app, url):
    res = app.get(url, status=400)
    assert res.content_type == 'application/problem+json'
    assert res.json == {
        'type': 'about:blank',
        'title': 'Bad Request',
        'status': 400,
        'detail': 'The query string is not valid UTF-8.',
    }


def test_raw_latin1_query_is_400(app):
    request = Request.blank('/posts')
    request.environ['QUERY_STRING'] = 'top=\xff'
    res = request.get_response(app.app)
    assert res.status_int == 400
    assert res.json['detail'] == 'The query string is not valid UTF-8.'


def test_undecodable_query_problem_follows_accept(app):
    res = app.get(
        '/posts?format=%ff', headers={'Accept': 'application/xml'}, status=400
    )
    assert res.content_type == 'application/problem+xml'
    assert 'Accept' in res.headers['Vary']


def test_valid_percent_encoding_is_fine(app):
    res = app.get('/posts?top=%37&x=%C3%A9')
    assert res.json == {'query': {'top': 7}}


def test_undecodable_query_on_a_405(app):
    res = app.delete('/posts?format=%ff', status=405)
    assert res.content_type == 'application/problem+json'


def test_undecodable_format_on_plain_views_falls_to_accept(app):
    assert app.get('/tags?format=%ff').json == ['json']
    res = app.get('/tags?format=%ff', headers={'Accept': 'application/yaml'})
    assert yaml.safe_load(res.body) == ['yaml']


def test_undecodable_query_on_plain_routes_is_untouched(app):
    assert app.get('/plain?x=%ff').json['method'] == 'GET'
    with pytest.raises(UnicodeDecodeError):
        app.get('/query?x=%ff')


# -- 4. paths that are not UTF-8 --


@pytest.mark.parametrize('url', ['/posts/%ff', '/posts/%C3', '/posts/a%ffb'])
def test_undecodable_path_of_a_restkit_route_is_400(app, url):
    res = app.get(url, status=400)
    assert res.content_type == 'application/problem+json'
    assert res.json == {
        'type': 'about:blank',
        'title': 'Bad Request',
        'status': 400,
        'detail': 'The path is not valid UTF-8.',
    }


def test_undecodable_path_problem_is_negotiated(app):
    res = app.get(
        '/posts/%ff', headers={'Accept': 'application/xml'}, status=400
    )
    assert res.content_type == 'application/problem+xml'
    assert res.headers['Vary'] == 'Accept'
    res = app.get('/posts/%ff?format=yaml', status=400)
    assert res.content_type == 'application/problem+yaml'
    res = app.get('/posts/%ff?format=nope', status=400)
    assert res.content_type == 'application/problem+json'


def test_undecodable_path_with_a_raw_environ(app):
    request = Request.blank('/')
    request.environ['PATH_INFO'] = '/posts/\xff'
    res = request.get_response(app.app)
    assert res.status_int == 400


def test_undecodable_path_of_a_forced_type_route(config, make_app):
    class Feed:
        def __init__(self, request):
            self.request = request

        @operation(media_type='yaml')
        def get(self):
            return {}

    config.add_resource(Feed, path='/feeds/{id}')
    app = make_app()
    res = app.get(
        '/feeds/%ff', headers={'Accept': 'application/xml'}, status=400
    )
    assert res.content_type == 'application/problem+json'  # the default
    assert 'Vary' not in res.headers


@pytest.mark.parametrize('url', ['/plain/%ff', '/nowhere/%ff', '/posts%ff'])
def test_undecodable_path_elsewhere_keeps_pyramids_handling(app, url):
    with pytest.raises(URLDecodeError):
        app.get(url)


def test_first_matching_route_decides(config, make_app):
    config.add_route('catchall', '/{anything:.*}')
    config.add_view(echo, route_name='catchall', renderer='json')
    config.add_resource(Items, path='/posts/{id}')
    app = make_app()
    with pytest.raises(URLDecodeError):
        app.get('/posts/%ff')


@pytest.mark.parametrize('settings', [{'restkit.openapi': 'false'}])
def test_undecodable_path_without_routes(config, make_app):
    config.add_view(echo, renderer='json')  # traversal only
    app = make_app()
    with pytest.raises(URLDecodeError):
        app.get('/%ff')


# -- 5. problem details without the json media type --


@pytest.mark.parametrize(
    'settings',
    [{'restkit.media_types': 'csv', 'restkit.default_media_type': 'csv'}],
)
def test_problems_render_without_the_json_media_type(config, make_app):
    config.remove_media_type('json')
    config.add_resource(Items, path='/posts/{id}')
    app = make_app()
    res = app.get('/posts/missing', status=404)
    assert res.content_type == 'application/problem+json'
    assert res.json['detail'] == 'No such post.'
    res = app.get(
        '/posts/1', headers={'Accept': 'application/xml'}, status=406
    )
    assert res.content_type == 'application/problem+json'
    assert res.json['available'] == ['text/csv']


@pytest.mark.parametrize(
    'settings',
    [
        {
            'restkit.media_types': 'csvish text',
            'restkit.default_media_type': 'text',
        }
    ],
)
def test_problems_render_when_json_has_no_problem_type(config, make_app):
    from pyramid_restkit.formats.json import JSONRenderer

    config.add_media_type(
        'json', 'application/json', renderer=JSONRenderer(), parser=None
    )
    config.add_media_type('csvish', 'text/csv', renderer=JSONRenderer())
    config.add_resource(Items, path='/posts/{id}')
    app = make_app()
    res = app.get('/posts/missing', headers={'Accept': 'text/csv'}, status=404)
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 404


# -- 6. MessagePack integers beyond 64 bits --


class Numbers:
    def __init__(self, request):
        self.request = request

    def get(self):
        return {
            'big': 2**70,
            'low': -(2**63) - 1,
            'max': 2**64 - 1,
            'on': True,
        }


@pytest.mark.parametrize('settings', [{'restkit.media_types': 'json msgpack'}])
def test_msgpack_renders_big_integers_as_strings(config, make_app):
    config.add_resource(Numbers, path='/numbers/{id}')
    app = make_app()
    res = app.get('/numbers/1', headers={'Accept': 'application/msgpack'})
    assert msgpack.unpackb(res.body) == {
        'big': str(2**70),
        'low': str(-(2**63) - 1),
        'max': 2**64 - 1,
        'on': True,
    }
    assert app.get('/numbers/1.json').json['big'] == 2**70


# -- 7. validation problems list at most 100 errors --


def test_validation_errors_are_capped(app):
    doc = {f'k{i}': i for i in range(150)}
    res = app.post_json('/posts', doc, status=400)
    assert len(res.json['errors']) == 100
    assert res.json['detail'] == (
        'The request is not valid. 151 errors; only the first 100 are listed.'
    )


@pytest.mark.parametrize('settings', [{}])
def test_xml_body_with_many_unknown_keys_has_a_small_problem(app):
    body = '<post>' + ''.join(f'<k{i}>1</k{i}>' for i in range(5000))
    body += '<title>x</title></post>'
    res = app.post('/posts', body, content_type='application/xml', status=400)
    assert len(res.body) < 10_000
    assert len(res.json['errors']) == 100
    assert '5000 errors' in res.json['detail']


def test_exactly_100_errors_are_all_listed(app):
    doc = {f'k{i}': i for i in range(99)}
    res = app.post_json('/posts', doc, status=400)
    assert len(res.json['errors']) == 100
    assert res.json['detail'] == 'The request is not valid.'


# -- 8. long Accept headers --


def test_long_accept_headers_are_negotiated_uncached(app, config):
    from pyramid_restkit.interfaces import IRestkitRoutes

    long = 'application/xml, ' + ', '.join(f'x/y{i}' for i in range(100))
    res = app.get('/posts/1', headers={'Accept': long})
    assert res.content_type == 'application/xml'
    table = config.registry.getUtility(IRestkitRoutes)
    negotiator = table['posts.item'].operations['GET'].negotiator
    assert long not in negotiator._cache
    app.get('/posts/1', headers={'Accept': 'application/xml'})
    assert 'application/xml' in negotiator._cache


def test_problem_bodies_are_json(app):
    res = app.get('/posts?format=%ff', status=400)
    assert json.loads(res.body)['status'] == 400
