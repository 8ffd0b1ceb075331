"""Dispatch, automatic HEAD/OPTIONS, 405, return values and statuses."""

from __future__ import annotations

import datetime
import decimal
import uuid

import colander
import pytest
from pyramid.httpexceptions import HTTPConflict, HTTPFound, HTTPNotFound
from pyramid.response import Response

from pyramid_restkit import operation

ITEM_ALLOW = 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'
COLLECTION_ALLOW = 'GET, HEAD, POST, OPTIONS'


class PostSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    views = colander.SchemaNode(colander.Integer(), missing=0)


class Posts:
    """A resource over a dict, with every item verb but POST."""

    store: dict[int, dict] = {}

    def __init__(self, request, context=None):
        self.request = request
        self.context = context

    def _id(self):
        try:
            return int(self.request.matchdict['id'])
        except ValueError:
            raise HTTPNotFound('no such post') from None

    def collection_get(self):
        return sorted(self.store.values(), key=lambda p: p['id'])

    @operation(status=201)
    def collection_post(self):
        post = dict(self.request.validated, id=max(self.store, default=0) + 1)
        self.store[post['id']] = post
        self.request.response.location = self.request.route_url(
            'posts.item', id=post['id']
        )
        return post

    def get(self):
        try:
            return self.store[self._id()]
        except KeyError:
            raise HTTPNotFound(f'no post {self._id()}') from None

    def put(self):
        post = dict(self.request.validated, id=self._id())
        self.store[post['id']] = post
        return post

    def patch(self):
        post = self.get()
        post.update(self.request.validated)
        return post

    def delete(self):
        self.store.pop(self._id(), None)


@pytest.fixture
def app(config, make_app):
    Posts.store = {1: {'id': 1, 'title': 'first', 'views': 3}}
    config.add_resource(
        Posts,
        collection_path='/posts',
        path='/posts/{id}',
        schema=PostSchema,
    )
    return make_app()


def test_collection_get(app):
    res = app.get('/posts')
    assert res.status_int == 200
    assert res.content_type == 'application/json'
    assert res.json == [{'id': 1, 'title': 'first', 'views': 3}]
    assert res.headers['Vary'] == 'Accept'


def test_item_get(app):
    res = app.get('/posts/1')
    assert res.json == {'id': 1, 'title': 'first', 'views': 3}


def test_post_created_with_location(app):
    res = app.post_json('/posts', {'title': 'new'})
    assert res.status_int == 201
    assert res.json == {'title': 'new', 'views': 0, 'id': 2}
    assert res.headers['Location'] == 'http://localhost/posts/2'
    assert app.get('/posts/2').json['title'] == 'new'


def test_put_and_patch(app):
    res = app.put_json('/posts/1', {'title': 'replaced'})
    assert res.json == {'title': 'replaced', 'views': 0, 'id': 1}
    res = app.patch_json('/posts/1', {'views': 9})
    assert res.json == {'title': 'replaced', 'views': 9, 'id': 1}


def test_patch_is_partial_without_defaults(app):
    res = app.patch_json('/posts/1', {})
    assert res.json == {'id': 1, 'title': 'first', 'views': 3}


def test_delete_gives_204_without_content_type(app):
    res = app.delete('/posts/1')
    assert res.status_int == 204
    assert res.body == b''
    assert 'Content-Type' not in res.headers
    assert app.get('/posts/1', status=404)


def test_head_has_headers_but_no_body(app):
    get = app.get('/posts/1')
    head = app.head('/posts/1')
    assert head.status_int == 200
    assert head.body == b''
    assert head.headers['Content-Type'] == get.headers['Content-Type']
    assert head.headers['Content-Length'] == get.headers['Content-Length']


def test_head_of_missing_item_is_404_without_body(app):
    res = app.head('/posts/99', status=404)
    assert res.body == b''
    assert res.content_type == 'application/problem+json'


@pytest.mark.parametrize(
    ('path', 'allow'),
    [('/posts', COLLECTION_ALLOW), ('/posts/1', ITEM_ALLOW)],
)
def test_options_lists_exact_verbs(app, path, allow):
    res = app.options(path)
    assert res.status_int == 204
    assert res.headers['Allow'] == allow
    assert res.body == b''
    assert 'Content-Type' not in res.headers


@pytest.mark.parametrize(
    ('method', 'path', 'allow'),
    [
        ('POST', '/posts/1', ITEM_ALLOW),
        ('DELETE', '/posts', COLLECTION_ALLOW),
        ('PUT', '/posts', COLLECTION_ALLOW),
        ('TRACE', '/posts/1', ITEM_ALLOW),
        ('PROPFIND', '/posts', COLLECTION_ALLOW),
    ],
)
@pytest.mark.filterwarnings('ignore::webtest.lint.WSGIWarning')
def test_other_verbs_are_405_with_allow(app, method, path, allow):
    res = app.request(path, method=method, status=405)
    assert res.headers['Allow'] == allow
    assert res.content_type == 'application/problem+json'
    body = res.json
    assert body['status'] == 405
    assert body['title'] == 'Method Not Allowed'
    assert body['type'] == 'about:blank'
    assert method in body['detail']


def test_unknown_path_is_left_to_pyramid(app):
    res = app.get('/nowhere', status=404)
    assert res.content_type != 'application/problem+json'


def test_proutes_shows_real_verbs(config, app):
    from pyramid.scripts.proutes import _get_request_methods

    introspector = config.registry.introspector
    route = introspector.get('routes', 'posts.item')
    views = introspector.related(route)
    methods = [
        v['request_methods'] for v in views if v.category_name == 'views'
    ]
    # one view per permission (none here)
    assert methods == [
        ('GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    ]
    assert (
        _get_request_methods(None, methods[0])
        == 'DELETE,GET,HEAD,OPTIONS,PATCH,PUT'
    )


class Returns:
    """Each item id selects a kind of return value."""

    def __init__(self, request):
        self.request = request

    def get(self):
        kind = self.request.matchdict['kind']
        if kind == 'scalar':
            return 42
        if kind == 'string':
            return 'héllo'
        if kind == 'list':
            return [1, 'two', None, True]
        if kind == 'types':
            return {
                'when': datetime.datetime(2026, 1, 2, 3, 4, 5),
                'day': datetime.date(2026, 1, 2),
                'at': datetime.time(3, 4),
                'price': decimal.Decimal('12.50'),
                'uid': uuid.UUID(int=1),
            }
        if kind == 'response':
            return Response('raw', content_type='text/x-raw', status=299)
        if kind == 'accepted':
            self.request.response.status = 202
            self.request.response.headers['X-Extra'] = 'yes'
            return None
        if kind == 'cookie':
            self.request.response.set_cookie('seen', '1')
            return {'ok': True}
        if kind == 'redirect':
            raise HTTPFound(location='/elsewhere')
        if kind == 'conflict':
            raise HTTPConflict('already there')
        if kind == 'bare-error':
            raise HTTPNotFound()
        if kind == 'crash':
            raise RuntimeError('secret internals /etc/passwd')
        return None

    @operation(status=201)
    def put(self):
        self.request.response.status = 200
        return {'explicit': 'ok'}

    @operation(status=202)
    def delete(self):
        return None


@pytest.fixture
def returns(config, make_app):
    config.add_resource(Returns, path='/r/{kind}')
    return make_app()


def test_scalar_string_and_list(returns):
    assert returns.get('/r/scalar').json == 42
    assert returns.get('/r/string').json == 'héllo'
    assert returns.get('/r/list').json == [1, 'two', None, True]


def test_native_types_rendered_as_iso_strings(returns):
    assert returns.get('/r/types').json == {
        'when': '2026-01-02T03:04:05',
        'day': '2026-01-02',
        'at': '03:04:00',
        'price': '12.50',
        'uid': '00000000-0000-0000-0000-000000000001',
    }


def test_response_passes_through_untouched(returns):
    res = returns.get('/r/response', status=299)
    assert res.body == b'raw'
    assert res.content_type == 'text/x-raw'
    assert 'Vary' not in res.headers


def test_request_response_status_and_headers_are_kept(returns):
    res = returns.get('/r/accepted', status=202)
    assert res.body == b''
    assert res.headers['X-Extra'] == 'yes'
    assert 'Content-Type' not in res.headers


def test_request_response_cookies_survive(returns):
    res = returns.get('/r/cookie')
    assert res.json == {'ok': True}
    assert 'seen=1' in res.headers['Set-Cookie']


def test_explicit_status_on_request_response_wins_only_if_not_200(returns):
    # 200 set explicitly cannot be told from the default: the operation's
    # status applies.
    res = returns.put('/r/x', status=201)
    assert res.json == {'explicit': 'ok'}


def test_none_is_204_even_with_operation_status(returns):
    res = returns.delete('/r/x', status=204)
    assert res.body == b''


def test_redirect_is_not_an_error(returns):
    res = returns.get('/r/redirect', status=302)
    assert res.headers['Location'].endswith('/elsewhere')


def test_http_error_becomes_problem_details(returns):
    res = returns.get('/r/conflict', status=409)
    assert res.content_type == 'application/problem+json'
    assert res.json == {
        'type': 'about:blank',
        'title': 'Conflict',
        'status': 409,
        'detail': 'already there',
    }


def test_http_error_without_detail_uses_explanation(returns):
    res = returns.get('/r/bare-error', status=404)
    assert res.json['detail'] == 'The resource could not be found.'


def test_unhandled_error_is_logged_500_without_internals(returns, caplog):
    res = returns.get('/r/crash', status=500)
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 500
    assert 'secret' not in res.text
    assert 'Traceback' not in res.text
    assert 'RuntimeError' not in res.text
    record = caplog.records[-1]
    assert record.name == 'pyramid_restkit'
    assert record.exc_info[0] is RuntimeError


class ContextAware:
    def __init__(self, request, context):
        self.request = request
        self.context = context

    def get(self):
        return {'context': type(self.context).__name__}


class Root:
    def __init__(self, request):
        self.request = request


def test_factory_gives_the_context(config, make_app):
    config.add_resource(ContextAware, path='/ctx', factory=Root)
    app = make_app()
    assert app.get('/ctx').json == {'context': 'Root'}


class CustomOptions:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return []

    def collection_options(self):
        self.request.response.headers['X-Custom'] = 'options'
        return {'verbs': ['GET']}


def test_class_may_replace_options(config, make_app):
    config.add_resource(CustomOptions, collection_path='/custom')
    app = make_app()
    res = app.options('/custom')
    assert res.json == {'verbs': ['GET']}
    assert res.headers['X-Custom'] == 'options'
    assert app.options('/custom').status_int == 200


class Echo:
    def __init__(self, request):
        self.request = request

    def collection_post(self):
        return {
            'validated': self.request.validated,
            'body': self.request.body.decode('utf-8'),
        }


def test_operation_without_schema_does_not_parse_body(config, make_app):
    config.add_resource(Echo, collection_path='/echo')
    app = make_app()
    res = app.post('/echo', b'not json at all', content_type='text/weird')
    assert res.json == {'validated': {}, 'body': 'not json at all'}


class Statuses:
    def __init__(self, request):
        self.request = request

    @operation(status=201)
    def get(self):
        kind = self.request.matchdict['kind']
        if kind == 'accepted':
            self.request.response.status = 202
        elif kind == 'vary':
            self.request.response.vary = ('Cookie',)
        elif kind == 'vary-accept':
            self.request.response.vary = ('accept', 'Cookie')
        return {'kind': kind}


def test_status_on_request_response_beats_operation_status(config, make_app):
    config.add_resource(Statuses, path='/s/{kind}')
    app = make_app()
    res = app.get('/s/accepted', status=202)
    assert res.json == {'kind': 'accepted'}
    assert res.content_type == 'application/json'
    app.get('/s/plain', status=201)


def test_vary_is_merged_with_the_resource_own(config, make_app):
    config.add_resource(Statuses, path='/s/{kind}')
    app = make_app()
    assert app.get('/s/vary').headers['Vary'] == 'Cookie, Accept'
    assert app.get('/s/vary-accept').headers['Vary'] == 'accept, Cookie'


def test_custom_http_error_without_explanation(config, make_app):
    from pyramid.httpexceptions import HTTPClientError

    class HTTPTeapot(HTTPClientError):
        code = 418
        title = "I'm a teapot"
        explanation = ''

    class Pot:
        def __init__(self, request):
            self.request = request

        def get(self):
            raise HTTPTeapot()

    config.add_resource(Pot, path='/pot')
    res = make_app().get('/pot', status=418)
    assert res.json == {
        'type': 'about:blank',
        'title': "I'm a teapot",
        'status': 418,
    }
