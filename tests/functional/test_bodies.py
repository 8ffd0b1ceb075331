"""Request bodies end to end: limits, Content-Type, parsing, validation."""

from __future__ import annotations

import io
import json

import colander
import pytest

from pyramid_restkit import RequestSchema, operation


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Article(colander.MappingSchema):
    title = colander.SchemaNode(
        colander.String(), validator=colander.Length(max=20)
    )
    views = colander.SchemaNode(colander.Integer(), missing=0)
    author = Author(missing=colander.drop)
    tags = Tags(missing=())


class Listing(RequestSchema):
    @colander.instantiate()
    class querystring(colander.MappingSchema):
        top = colander.SchemaNode(
            colander.Integer(), missing=10, validator=colander.Range(1, 50)
        )
        tag = colander.SchemaNode(
            colander.Sequence(),
            colander.SchemaNode(colander.String()),
            missing=(),
        )

    @colander.instantiate()
    class headers(colander.MappingSchema):
        x_client = colander.SchemaNode(
            colander.String(), name='X-Client', missing=None
        )


class ArticleOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())


class Articles:
    def __init__(self, request):
        self.request = request

    @operation(schema=Listing)
    def collection_get(self):
        return self.request.validated

    @operation(status=201)
    def collection_post(self):
        return self.request.validated

    @operation(response_schema=ArticleOut)
    def get(self):
        kind = self.request.matchdict['id']
        if kind == 'broken':
            return {'title': 'no id'}
        return {'id': 7, 'title': 'kept', 'secret': 'dropped'}

    def put(self):
        return self.request.validated


@pytest.fixture
def app(config, make_app):
    config.add_resource(
        Articles,
        collection_path='/articles',
        path='/articles/{id}',
        schema=Article,
    )
    return make_app()


def post(app, body, content_type='application/json', **kwargs):
    kwargs.setdefault('expect_errors', True)
    return app.post('/articles', body, content_type=content_type, **kwargs)


def test_valid_body_fills_defaults(app):
    res = app.post_json('/articles', {'title': 'hi'}, status=201)
    assert res.json == {'title': 'hi', 'views': 0, 'tags': []}


def test_nested_errors_have_dotted_names(app):
    res = app.post_json(
        '/articles',
        {'title': 'x' * 30, 'author': {'name': 5}, 'tags': ['a', 7]},
        status=400,
    )
    assert res.content_type == 'application/problem+json'
    body = res.json
    assert body['type'] == 'tag:pyramid-restkit,2026:validation'
    assert body['status'] == 400
    names = {(e['location'], e['name']) for e in body['errors']}
    assert names == {
        ('body', 'title'),
        ('body', 'author.name'),
        ('body', 'tags.1'),
    }


@pytest.mark.parametrize(
    ('value', 'field'),
    [('7', 'views'), (7.0, 'views'), (True, 'views'), (False, 'title')],
)
def test_typed_input_is_not_coerced(app, value, field):
    doc = {'title': 'ok', field: value}
    res = app.post_json('/articles', doc, status=400)
    assert [e['name'] for e in res.json['errors']] == [field]


def test_null_on_optional_is_absent_and_on_required_is_error(app):
    res = app.post_json('/articles', {'title': 'x', 'views': None})
    assert res.json['views'] == 0
    res = app.post_json('/articles', {'title': None}, status=400)
    assert res.json['errors'][0]['name'] == 'title'


def test_unknown_fields_are_named(app):
    res = app.post_json(
        '/articles',
        {'title': 'x', 'extra': 1, 'author': {'name': 'a', 'age': 3}},
        status=400,
    )
    names = sorted(e['name'] for e in res.json['errors'])
    assert names == ['author.age', 'extra']
    assert all(
        e['description'] == 'Unknown field.' for e in res.json['errors']
    )


@pytest.mark.parametrize('settings', [{'restkit.unknown_fields': 'ignore'}])
def test_unknown_fields_can_be_ignored(app):
    res = app.post_json('/articles', {'title': 'x', 'extra': 1}, status=201)
    assert 'extra' not in res.json


@pytest.mark.parametrize('settings', [{'restkit.validation_status': '422'}])
def test_validation_status_422(app):
    res = app.post_json('/articles', {}, status=422)
    assert res.json['status'] == 422
    assert res.json['title'] == 'Unprocessable Content'


@pytest.mark.parametrize('body', [[], 'text', 5, None])
def test_non_mapping_body_is_validation_error(app, body):
    res = app.post_json('/articles', body, status=400)
    assert res.json['type'].endswith(':validation')
    assert res.json['errors'][0]['name'] == ''


def test_absent_body_reports_required_fields(app):
    res = app.post('/articles', status=400)
    assert res.json['errors'] == [
        {'location': 'body', 'name': 'title', 'description': 'Required'}
    ]


@pytest.mark.parametrize(
    'raw',
    [
        b'{"title": "x"',
        b'{"title": NaN}',
        b'{"title": "x", "views": Infinity}',
        b'{"title": "a", "title": "b"}',
        b'{"title": "x", "views": 1' + b'0' * 120 + b'}',
        b'{"title": "x", "views": 1e999}',
        b'{"title": "\xff\xfe"}',
        b'{"title": "\\ud800"}',
        b'[' * 65 + b']' * 65,
        b'[' * 100000,
        b'',
    ],
)
def test_hostile_json_is_400(app, raw):
    res = post(app, raw)
    assert res.status_int == 400
    assert res.content_type == 'application/problem+json'
    assert res.json['type'].endswith(':malformed-body')
    assert len(res.json['detail']) < 200


@pytest.mark.parametrize('settings', [{'restkit.max_depth': '3'}])
def test_max_depth_setting(app):
    doc = {'title': 'x', 'author': {'name': 'y'}}
    assert post(app, json.dumps(doc).encode()).status_int == 201
    res = post(app, b'{"title": "x", "author": {"name": [[["deep"]]]}}')
    assert res.status_int == 400
    assert 'nested deeper than 3' in res.json['detail']


@pytest.mark.parametrize('settings', [{'restkit.max_body_size': '64'}])
def test_413_by_content_length_without_reading(app):
    body = json.dumps({'title': 'x' * 100}).encode()
    res = post(app, body)
    assert res.status_int == 413
    assert res.json['status'] == 413
    assert '64 bytes' in res.json['detail']


def call_chunked(wsgi_app, stream):
    """Call the WSGI app as a server does for a chunked request body."""
    environ = {
        'REQUEST_METHOD': 'POST',
        'PATH_INFO': '/articles',
        'SERVER_NAME': 'localhost',
        'SERVER_PORT': '80',
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'CONTENT_TYPE': 'application/json',
        'wsgi.url_scheme': 'http',
        'wsgi.input': stream,
        'wsgi.input_terminated': True,
        'wsgi.errors': io.StringIO(),
    }
    started = []
    body = b''.join(
        wsgi_app(environ, lambda status, headers: started.append(status))
    )
    return started[0], json.loads(body)


@pytest.mark.parametrize('settings', [{'restkit.max_body_size': '64'}])
def test_413_for_chunked_bodies(app):
    stream = io.BytesIO(json.dumps({'title': 'x' * 100}).encode())
    status, body = call_chunked(app.app, stream)
    assert status.startswith('413')
    assert body['status'] == 413
    assert stream.tell() == 65  # one byte past the limit, not the rest


@pytest.mark.parametrize('settings', [{'restkit.max_body_size': '64'}])
def test_chunked_body_within_limit(app):
    status, body = call_chunked(app.app, io.BytesIO(b'{"title": "small"}'))
    assert status.startswith('201')
    assert body['title'] == 'small'


def test_413_comes_before_415(app, config):
    settings = config.registry.settings
    size = settings['restkit.max_body_size']
    res = post(app, b'x' * (size + 1), content_type='text/csv')
    assert res.status_int == 413


@pytest.mark.parametrize(
    ('method', 'header'),
    [('POST', 'Accept-Post'), ('PATCH', 'Accept-Patch'), ('PUT', 'Accept')],
)
def test_415_lists_accepted_types(config, make_app, method, header):
    class Sink:
        def __init__(self, request):
            self.request = request

        def post(self):
            return {}

        put = patch = post

    config.add_resource(Sink, path='/sink', schema=Article)
    app = make_app()
    res = app.request(
        '/sink',
        method=method,
        body=b'title=x',
        headers={'Content-Type': 'text/csv'},
        expect_errors=True,
    )
    assert res.status_int == 415
    accepted = [
        'application/json',
        'application/yaml',
        'application/x-yaml',
        'text/yaml',
        'application/xml',
        'text/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
    ]
    assert res.headers[header] == ', '.join(accepted)
    assert res.json['accepted'] == accepted


def test_415_for_body_without_content_type(app):
    res = app.request(
        '/articles',
        method='POST',
        body=b'{"title": "x"}',
        expect_errors=True,
    )
    assert res.status_int == 415
    assert 'without a Content-Type' in res.json['detail']


@pytest.mark.parametrize(
    'content_type',
    [
        'APPLICATION/JSON',
        'application/json; charset=utf-8',
        'application/json;charset="UTF-8"',
        'application/json; foo=bar',
    ],
)
def test_content_type_is_case_insensitive_with_parameters(app, content_type):
    assert post(app, b'{"title": "x"}', content_type).status_int == 201


def test_other_charset_is_415(app):
    res = post(app, b'{"title": "x"}', 'application/json; charset=latin-1')
    assert res.status_int == 415
    assert 'latin-1' in res.json['detail']


def test_querystring_and_headers_are_coerced(app):
    res = app.get(
        '/articles?top=5&tag=a&tag=b&format=json&other=1',
        headers={'X-Client': 'cli'},
    )
    assert res.json == {
        'querystring': {'top': 5, 'tag': ['a', 'b']},
        'headers': {'X-Client': 'cli'},
    }


def test_querystring_errors(app):
    res = app.get('/articles?top=500', status=400)
    assert res.json['errors'] == [
        {
            'location': 'querystring',
            'name': 'top',
            'description': '500 is greater than maximum value 50',
        }
    ]
    res = app.get('/articles?top=abc', status=400)
    assert res.json['errors'][0]['name'] == 'top'


def test_response_schema_filters_output(app):
    assert app.get('/articles/1').json == {'id': 7, 'title': 'kept'}


def test_response_schema_missing_field_is_logged_500(app, caplog):
    res = app.get('/articles/broken', status=500)
    assert 'id' not in res.text.replace('"detail"', '')
    assert 'missing' in caplog.records[-1].getMessage() or (
        caplog.records[-1].exc_info
        and 'id' in str(caplog.records[-1].exc_info[1])
    )


class Deferred(colander.MappingSchema):
    @colander.deferred
    def check_owner(node, kw):
        owner = kw['request'].headers.get('X-Owner', '')
        return colander.OneOf([owner])

    owner = colander.SchemaNode(colander.String(), validator=check_owner)


def test_deferred_schema_is_bound_to_the_request(config, make_app):
    class Owned:
        def __init__(self, request):
            self.request = request

        def collection_post(self):
            return self.request.validated

    config.add_resource(Owned, collection_path='/owned', schema=Deferred)
    app = make_app()
    res = app.post_json('/owned', {'owner': 'ann'}, headers={'X-Owner': 'ann'})
    assert res.json == {'owner': 'ann'}
    app.post_json(
        '/owned', {'owner': 'bob'}, headers={'X-Owner': 'ann'}, status=400
    )


def test_post_without_length_or_chunking_has_no_body(app):
    environ = {
        'REQUEST_METHOD': 'POST',
        'PATH_INFO': '/articles',
        'SERVER_NAME': 'localhost',
        'SERVER_PORT': '80',
        'SERVER_PROTOCOL': 'HTTP/1.0',
        'wsgi.url_scheme': 'http',
        'wsgi.input': io.BytesIO(b'{"title": "ignored"}'),
        'wsgi.errors': io.StringIO(),
    }
    started = []
    body = b''.join(
        app.app(environ, lambda status, headers: started.append(status))
    )
    assert started[0].startswith('400')
    assert json.loads(body)['errors'][0]['name'] == 'title'
