"""Conditional requests and caching (API.md Part 2; RFC 9110 13, RFC 6585).

Each test states the sentence of the contract it checks.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone

import pytest
import webtest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationExecutionError
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response

from pyramid_restkit import operation
from pyramid_restkit.conditional import http_date
from pyramid_restkit.errors import ResourceConfigurationError

MEDIA = 'json yaml xml html text csv msgpack'
#: A whole second, well in the past.
MODIFIED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


class Store:
    """One post: its version, its modification date, calls made."""

    def __init__(self) -> None:
        self.version: object = 3
        self.modified: object = MODIFIED
        self.exists = True
        self.calls: list[str] = []


STORE = Store()


@pytest.fixture(autouse=True)
def store():
    global STORE
    STORE = Store()
    yield STORE


class Posts:
    """Item and collection validators, every unsafe verb."""

    def __init__(self, request):
        self.request = request

    def etag(self):
        STORE.calls.append('etag')
        return STORE.version if STORE.exists else None

    def last_modified(self):
        STORE.calls.append('last_modified')
        return STORE.modified if STORE.exists else None

    def collection_etag(self):
        return 'all'

    def collection_get(self):
        STORE.calls.append('collection_get')
        return [{'id': 1}]

    def collection_post(self):
        STORE.calls.append('collection_post')
        return {'id': 2}

    def collection_delete(self):
        STORE.calls.append('collection_delete')

    def get(self):
        STORE.calls.append('get')
        if not STORE.exists:
            raise HTTPNotFound()
        return {'id': 1, 'version': str(STORE.version)}

    def put(self):
        STORE.calls.append('put')
        version = STORE.version
        STORE.version = version + 1 if isinstance(version, int) else 'new'
        STORE.modified = MODIFIED + timedelta(days=1)
        return {'id': 1, 'version': str(STORE.version)}

    def patch(self):
        STORE.calls.append('patch')
        STORE.version = 'patched'
        return None

    def delete(self):
        STORE.calls.append('delete')
        STORE.exists = False

    def post(self):
        STORE.calls.append('post')
        return {'posted': True}


class Plain:
    """No validator methods."""

    def __init__(self, request):
        self.request = request

    def get(self):
        STORE.calls.append('get')
        return {'id': self.request.matchdict['id']}

    def put(self):
        STORE.calls.append('put')
        return {'ok': True}

    def delete(self):
        STORE.calls.append('delete')


def make(*resources, settings=None):
    config = Configurator(
        settings={'restkit.media_types': MEDIA, **(settings or {})},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    for cls, options in resources:
        config.add_resource(cls, **options)
    return webtest.TestApp(config.make_wsgi_app())


@pytest.fixture
def app():
    return make(
        (Posts, {'collection_path': '/posts', 'path': '/posts/{id}'}),
        (Plain, {'path': '/plain/{id}'}),
    )


def assert_not_modified(res):
    assert res.status_int == 304
    assert res.body == b''
    assert 'Content-Type' not in res.headers
    assert 'Content-Length' not in res.headers


# -- GET/HEAD: validators, If-None-Match, If-Modified-Since -----------------


def test_get_sends_the_validators(app):
    res = app.get('/posts/1')
    assert res.headers['ETag'] == '"3-json"'
    assert res.headers['Last-Modified'] == 'Mon, 06 May 2024 07:08:09 GMT'
    assert STORE.calls == ['etag', 'last_modified', 'get']


def test_if_none_match_gives_304_without_calling_the_method(app):
    res = app.get('/posts/1', headers={'If-None-Match': '"3-json"'})
    assert_not_modified(res)
    assert res.headers['ETag'] == '"3-json"'
    assert res.headers['Last-Modified'] == 'Mon, 06 May 2024 07:08:09 GMT'
    assert res.headers['Vary'] == 'Accept'
    assert 'get' not in STORE.calls


@pytest.mark.parametrize(
    'header',
    [
        'W/"3-json"',  # weak comparison
        '"x", "3-json"',  # a list
        '"x",W/"3-json" , "y"',
        '*',
    ],
)
def test_if_none_match_compares_weakly(app, header):
    res = app.get('/posts/1', headers={'If-None-Match': header})
    assert_not_modified(res)


@pytest.mark.parametrize(
    'header',
    [
        '"3-yaml"',  # another representation's tag
        '"3"',
        '3-json',  # not quoted: not an entity-tag
        '"3-json',
        '',
    ],
)
def test_if_none_match_not_matching_gives_200(app, header):
    res = app.get('/posts/1', headers={'If-None-Match': header})
    assert res.status_int == 200
    assert res.json == {'id': 1, 'version': '3'}


def test_head_answers_304_too(app):
    res = app.head('/posts/1', headers={'If-None-Match': '"3-json"'})
    assert_not_modified(res)
    res = app.head('/posts/1')
    assert res.status_int == 200
    assert res.headers['ETag'] == '"3-json"'
    assert res.body == b''


@pytest.mark.parametrize(
    ('since', 'status'),
    [
        ('Mon, 06 May 2024 07:08:09 GMT', 304),  # equal
        ('Tue, 07 May 2024 00:00:00 GMT', 304),  # later
        ('Mon, 06 May 2024 07:08:08 GMT', 200),  # earlier
        ('Monday, 06-May-24 07:08:09 GMT', 304),  # RFC 850
        ('Mon May  6 07:08:09 2024', 304),  # asctime
        ('Mon May  6 07:08:08 2024', 200),
        ('not a date', 200),  # invalid dates are ignored
        ('Mon, 31 Feb 2024 07:08:09 GMT', 200),
        ('Mon, 06 May 2024 07:08:09 GMT, Mon, 06 May 2024 07:08:09 GMT', 200),
        ('Mon, 06 May 2024 07:08:09 UTC', 200),
    ],
)
def test_if_modified_since(app, since, status):
    res = app.get('/posts/1', headers={'If-Modified-Since': since})
    assert res.status_int == status
    assert ('get' in STORE.calls) == (status == 200)


def test_if_none_match_wins_over_if_modified_since(app):
    # RFC 9110 13.2.2: If-Modified-Since is ignored with If-None-Match.
    res = app.get(
        '/posts/1',
        headers={
            'If-None-Match': '"2-json"',
            'If-Modified-Since': 'Tue, 07 May 2024 00:00:00 GMT',
        },
    )
    assert res.status_int == 200


def test_sub_seconds_are_truncated(app):
    STORE.modified = MODIFIED + timedelta(microseconds=999_999)
    res = app.get('/posts/1')
    assert res.headers['Last-Modified'] == 'Mon, 06 May 2024 07:08:09 GMT'
    res = app.get(
        '/posts/1', headers={'If-Modified-Since': res.headers['Last-Modified']}
    )
    assert res.status_int == 304


def test_naive_datetimes_are_utc(app):
    STORE.modified = datetime(2024, 5, 6, 7, 8, 9)
    res = app.get('/posts/1')
    assert res.headers['Last-Modified'] == 'Mon, 06 May 2024 07:08:09 GMT'


def test_other_time_zones_are_converted(app):
    STORE.modified = datetime(
        2024, 5, 6, 9, 8, 9, tzinfo=timezone(timedelta(hours=2))
    )
    res = app.get('/posts/1')
    assert res.headers['Last-Modified'] == 'Mon, 06 May 2024 07:08:09 GMT'


def test_a_future_date_is_sent_as_now(app):
    STORE.modified = datetime.now(timezone.utc) + timedelta(days=3)
    res = app.get('/posts/1')
    sent = datetime.strptime(
        res.headers['Last-Modified'], '%a, %d %b %Y %H:%M:%S GMT'
    ).replace(tzinfo=timezone.utc)
    assert sent <= datetime.now(timezone.utc)


def test_validators_returning_none_send_nothing(app):
    STORE.exists = False
    res = app.get('/posts/1', status=404)
    assert 'ETag' not in res.headers
    assert 'Last-Modified' not in res.headers
    res = app.get('/posts/1', headers={'If-None-Match': '*'}, status=404)
    res = app.get(
        '/posts/1',
        headers={'If-Modified-Since': 'Tue, 07 May 2024 00:00:00 GMT'},
        status=404,
    )
    assert res.content_type == 'application/problem+json'


def test_only_one_validator_may_be_none(app):
    STORE.version = None
    res = app.get('/posts/1')
    assert 'ETag' not in res.headers
    assert 'Last-Modified' in res.headers
    # If-None-Match: * holds for an existing item (a date alone says so).
    assert app.get('/posts/1', headers={'If-None-Match': '*'}).status == (
        '304 Not Modified'
    )
    res = app.get('/posts/1', headers={'If-None-Match': '"3-json"'})
    assert res.status_int == 200


def test_collection_validators(app):
    res = app.get('/posts')
    assert res.headers['ETag'] == '"all-json"'
    STORE.calls.clear()
    res = app.get('/posts', headers={'If-None-Match': '"all-json"'})
    assert_not_modified(res)
    assert 'collection_get' not in STORE.calls


def test_etag_raising_http_not_found_is_a_problem(app):
    class Missing(Plain):
        def etag(self):
            raise HTTPNotFound('No such thing.')

    app = make((Missing, {'path': '/missing/{id}'}))
    res = app.get('/missing/1', status=404)
    assert res.json['detail'] == 'No such thing.'
    res = app.put_json(
        '/missing/1', {}, headers={'If-Match': '"x"'}, status=404
    )
    assert 'put' not in STORE.calls


# -- representations ---------------------------------------------------------


@pytest.mark.parametrize(
    ('suffix', 'name'),
    [
        ('json', 'json'),
        ('yaml', 'yaml'),
        ('xml', 'xml'),
        ('html', 'html'),
        ('csv', 'csv'),
        ('msgpack', 'msgpack'),
    ],
)
def test_each_representation_has_its_own_tag(app, suffix, name):
    res = app.get(f'/posts/1.{suffix}')
    assert res.headers['ETag'] == f'"3-{name}"'
    res = app.get(
        f'/posts/1.{suffix}', headers={'If-None-Match': f'"3-{name}"'}
    )
    assert_not_modified(res)
    other = 'yaml' if name == 'json' else 'json'
    res = app.get(
        f'/posts/1.{suffix}', headers={'If-None-Match': f'"3-{other}"'}
    )
    assert res.status_int == 200


def test_a_304_by_accept_carries_vary(app):
    res = app.get(
        '/posts/1',
        headers={'Accept': 'application/yaml', 'If-None-Match': '"3-yaml"'},
    )
    assert_not_modified(res)
    assert res.headers['Vary'] == 'Accept'
    assert res.headers['ETag'] == '"3-yaml"'


@pytest.mark.parametrize(
    ('value', 'tag'),
    [
        (7, '"7-json"'),
        ('"abc"', '"abc-json"'),
        ('abc', '"abc-json"'),
        (b'abc', '"abc-json"'),
        (b'"abc"', '"abc-json"'),
        ('W/"abc"', 'W/"abc-json"'),
        ('2024-05-06T07:08:09+00:00', '"2024-05-06T07:08:09+00:00-json"'),
        ('', '"-json"'),
    ],
)
def test_tag_values(app, value, tag):
    STORE.version = value
    assert app.get('/posts/1').headers['ETag'] == tag


@pytest.mark.parametrize(
    'value',
    ['a b', 'quo"te', 'ünï', 'a,b', 'x' * 65, b'\xff\x00', '~x', 'a\\b'],
)
def test_unsafe_values_are_hashed_into_valid_tags(app, value):
    import re

    STORE.version = value
    json_tag = app.get('/posts/1').headers['ETag']
    yaml_tag = app.get('/posts/1.yaml').headers['ETag']
    for tag in (json_tag, yaml_tag):
        assert re.fullmatch(r'"~[A-Za-z0-9_-]+"', tag)
    assert json_tag != yaml_tag
    res = app.get('/posts/1', headers={'If-None-Match': json_tag})
    assert res.status_int == 304
    res = app.put_json('/posts/1', {}, headers={'If-Match': yaml_tag})
    assert res.status_int == 200


def test_a_bad_return_type_is_a_logged_500(app, caplog):
    STORE.version = 1.5
    app.get('/posts/1', status=500)
    assert 'etag() must return a str, an int, bytes or None' in caplog.text
    STORE.version = 1
    STORE.modified = '2024-01-01'
    app.get('/posts/1', status=500)
    assert 'last_modified() must return a datetime or None' in caplog.text


# -- unsafe verbs: If-Match, If-Unmodified-Since, If-None-Match ------------


@pytest.mark.parametrize(
    'header',
    ['"3-json"', '"3-yaml"', '"3-xml"', '"x", "3-msgpack"', '*'],
)
def test_if_match_accepts_any_representations_tag(app, header):
    res = app.put_json('/posts/1', {}, headers={'If-Match': header})
    assert res.json == {'id': 1, 'version': '4'}
    # the new validators, of the negotiated representation
    assert res.headers['ETag'] == '"4-json"'
    assert res.headers['Last-Modified'] == 'Tue, 07 May 2024 07:08:09 GMT'
    assert STORE.calls == [
        'etag',
        'last_modified',
        'put',
        'etag',
        'last_modified',
    ]


def test_validators_are_called_again_after_put_and_patch(app):
    app.put_json('/posts/1', {})
    assert STORE.calls == ['put', 'etag', 'last_modified']
    res = app.patch_json('/posts/1.yaml', {}, status=204)
    assert res.headers['ETag'] == '"patched-yaml"'


@pytest.mark.parametrize(
    'header',
    ['"2-json"', 'W/"3-json"', '"3"', '3-json', '"3-json', '', '*, "3-json"'],
)
def test_if_match_failing_is_412_without_calling_the_method(app, header):
    res = app.put_json(
        '/posts/1', {}, headers={'If-Match': header}, status=412
    )
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 412
    assert 'put' not in STORE.calls


@pytest.mark.parametrize('verb', ['put', 'patch', 'delete', 'post'])
def test_every_unsafe_item_verb_checks_if_match(app, verb):
    call = getattr(app, f'{verb}_json')
    call('/posts/1', {}, headers={'If-Match': '"2-json"'}, status=412)
    assert verb not in STORE.calls
    call('/posts/1', {}, headers={'If-Match': '"3-json"'})
    assert verb in STORE.calls


def test_collection_unsafe_verbs(app):
    app.delete('/posts', headers={'If-Match': '"x"'}, status=412)
    app.delete('/posts', headers={'If-Match': '"all-yaml"'}, status=204)
    # POST on a collection creates: its preconditions are not checked.
    app.post_json('/posts', {}, headers={'If-Match': '"x"'}, status=200)


def test_a_weak_tag_never_satisfies_if_match(app):
    STORE.version = 'W/"3"'
    app.put_json(
        '/posts/1', {}, headers={'If-Match': 'W/"3-json"'}, status=412
    )
    app.put_json('/posts/1', {}, headers={'If-Match': '"3-json"'}, status=412)


def test_if_match_star_on_a_missing_item_is_412(app):
    STORE.exists = False
    app.put_json('/posts/1', {}, headers={'If-Match': '*'}, status=412)
    app.delete('/posts/1', headers={'If-Match': '*'}, status=412)
    assert STORE.calls == ['etag', 'last_modified'] * 2


def test_if_match_a_tag_when_etag_gives_none_is_412(app):
    STORE.version = None
    app.put_json('/posts/1', {}, headers={'If-Match': '"3-json"'}, status=412)
    # the date alone says the item exists
    app.put_json('/posts/1', {}, headers={'If-Match': '*'}, status=200)


@pytest.mark.parametrize(
    ('since', 'status'),
    [
        ('Mon, 06 May 2024 07:08:09 GMT', 200),  # equal: unmodified
        ('Mon, 06 May 2024 07:08:08 GMT', 412),
        ('Sunday, 05-May-24 07:08:09 GMT', 412),
        ('garbage', 200),  # ignored
        ('Mon, 06 May 2024 07:08:08 GMT, Mon, 06 May 2024 07:08:08 GMT', 200),
    ],
)
def test_if_unmodified_since(app, since, status):
    res = app.put_json(
        '/posts/1', {}, headers={'If-Unmodified-Since': since}, status=status
    )
    if status == 412:
        assert res.json['header'] == 'If-Unmodified-Since'
        assert 'put' not in STORE.calls


def test_if_match_wins_over_if_unmodified_since(app):
    res = app.put_json(
        '/posts/1',
        {},
        headers={
            'If-Match': '"3-json"',
            'If-Unmodified-Since': 'Mon, 06 May 2024 07:08:08 GMT',
        },
    )
    # The date alone would fail (the post changed a second later).
    assert res.status_int == 200
    assert 'put' in STORE.calls


@pytest.mark.parametrize(
    ('header', 'status'),
    [('*', 412), ('"3-yaml"', 412), ('W/"3-json"', 412), ('"2-json"', 200)],
)
def test_if_none_match_on_unsafe_verbs(app, header, status):
    res = app.put_json(
        '/posts/1', {}, headers={'If-None-Match': header}, status=status
    )
    if status == 412:
        assert res.json['header'] == 'If-None-Match'


def test_if_none_match_star_on_a_missing_item_passes(app):
    STORE.exists = False
    app.put_json('/posts/1', {}, headers={'If-None-Match': '*'}, status=200)


def test_if_none_match_when_etag_gives_none(app):
    STORE.version = None
    res = app.put_json('/posts/1', {}, headers={'If-None-Match': '"3-json"'})
    assert res.status_int == 200
    assert 'put' in STORE.calls


def test_unsafe_verbs_without_conditions_call_no_validator(app):
    app.delete('/posts/1', status=204)
    assert STORE.calls == ['delete']


# -- without validator methods -----------------------------------------------


def test_without_validators_if_match_a_tag_is_412(app):
    app.put_json('/plain/1', {}, headers={'If-Match': '"x"'}, status=412)
    app.delete('/plain/1', headers={'If-Match': '"x", "y"'}, status=412)
    assert STORE.calls == []


def test_without_validators_if_match_star_passes(app):
    app.put_json('/plain/1', {}, headers={'If-Match': '*'})
    app.delete('/plain/1', headers={'If-None-Match': '*'}, status=204)
    app.put_json(
        '/plain/1',
        {},
        headers={'If-Unmodified-Since': 'Mon, 06 May 2024 07:08:08 GMT'},
    )
    assert STORE.calls == ['put', 'delete', 'put']


def test_without_validators_get_ignores_conditions(app):
    res = app.get('/plain/1', headers={'If-None-Match': '*'})
    assert res.status_int == 200
    assert 'ETag' not in res.headers


# -- require_if_match (428) ------------------------------------------------


def test_require_if_match():
    app = make(
        (
            Posts,
            {
                'collection_path': '/posts',
                'path': '/posts/{id}',
                'require_if_match': True,
            },
        )
    )
    for verb in ('put', 'patch', 'delete'):
        res = getattr(app, f'{verb}_json')('/posts/1', {}, status=428)
        assert res.content_type == 'application/problem+json'
        assert res.json['status'] == 428
    assert STORE.calls == []  # refused before the validators
    # POST is not reached by the resource-wide value
    app.post_json('/posts/1', {})
    app.put_json('/posts/1', {}, headers={'If-Match': '"3-json"'})
    app.put_json('/posts/1', {}, headers={'If-Match': '"3-json"'}, status=412)


def test_require_if_match_per_operation():
    class Docs(Plain):
        @operation(require_if_match=True)
        def put(self):
            return {'ok': True}

    app = make((Docs, {'path': '/docs/{id}'}))
    app.put_json('/docs/1', {}, status=428)
    app.delete('/docs/1', status=204)


def test_require_if_match_problem_in_the_negotiated_format():
    app = make((Plain, {'path': '/plain/{id}', 'require_if_match': True}))
    res = app.delete('/plain/1.xml', status=428)
    assert res.content_type == 'application/problem+xml'
    res = app.delete('/plain/1.xml', headers={'If-Match': '"a"'}, status=412)
    assert res.content_type == 'application/problem+xml'


def test_order_of_checks():
    """415 and a malformed body (400) come before 428/412, which come
    before validation."""
    import colander

    class Schema(colander.MappingSchema):
        title = colander.SchemaNode(colander.String())

    app = make(
        (
            Posts,
            {
                'collection_path': '/posts',
                'path': '/posts/{id}',
                'schema': Schema,
                'require_if_match': True,
            },
        )
    )
    app.put('/posts/1', b'x', {'Content-Type': 'image/png'}, status=415)
    app.put('/posts/1', b'{', {'Content-Type': 'application/json'}, status=400)
    app.put_json('/posts/1', {}, status=428)
    app.put_json('/posts/1', {}, headers={'If-Match': '"x"'}, status=412)
    res = app.put_json(
        '/posts/1', {}, headers={'If-Match': '"3-json"'}, status=400
    )
    assert res.json['errors'][0]['name'] == 'title'
    app.get(
        '/posts/1',
        headers={'If-None-Match': '"3-json"', 'Accept': 'image/png'},
        status=406,
    )
    assert STORE.calls.count('put') == 0


# -- etag=True ---------------------------------------------------------------


def test_etag_true_tags_the_rendered_body(app):
    app = make((Plain, {'path': '/plain/{id}', 'etag': True}))
    res = app.get('/plain/1')
    tag = res.headers['ETag']
    assert tag.startswith('W/"')
    assert app.get('/plain/2').headers['ETag'] != tag
    yaml_tag = app.get('/plain/1.yaml').headers['ETag']
    assert yaml_tag != tag
    STORE.calls.clear()
    res = app.get('/plain/1', headers={'If-None-Match': tag})
    assert_not_modified(res)
    assert res.headers['ETag'] == tag
    assert res.headers['Vary'] == 'Accept'
    assert STORE.calls == ['get']  # the method ran
    res = app.get('/plain/1', headers={'If-None-Match': f'"x", {tag[2:]}'})
    assert_not_modified(res)
    res = app.head('/plain/1', headers={'If-None-Match': '*'})
    assert_not_modified(res)
    res = app.get('/plain/1', headers={'If-None-Match': yaml_tag})
    assert res.status_int == 200
    # never satisfies If-Match
    app.put_json('/plain/1', {}, headers={'If-Match': tag}, status=412)


def test_etag_true_with_request_response_and_cache_headers():
    class Cached(Plain):
        def get(self):
            response = self.request.response
            response.expires = datetime(2030, 1, 1, tzinfo=timezone.utc)
            response.set_cookie('seen', '1')
            return {'id': 1}

    app = make(
        (
            Cached,
            {'path': '/c/{id}', 'etag': True, 'cache_control': 'no-cache'},
        )
    )
    res = app.get('/c/1')
    assert res.headers['Cache-Control'] == 'no-cache'
    res = app.get('/c/1', headers={'If-None-Match': res.headers['ETag']})
    assert_not_modified(res)
    assert res.headers['Cache-Control'] == 'no-cache'
    assert res.headers['Expires'] == 'Tue, 01 Jan 2030 00:00:00 GMT'
    assert 'seen=1' in res.headers['Set-Cookie']


def test_etag_true_with_last_modified():
    class Dated(Plain):
        def last_modified(self):
            return MODIFIED

    app = make((Dated, {'path': '/d/{id}', 'etag': True}))
    res = app.get('/d/1')
    assert res.headers['ETag'].startswith('W/"')
    assert 'Last-Modified' in res.headers
    since = {'If-Modified-Since': res.headers['Last-Modified']}
    assert app.get('/d/1', headers=since).status_int == 304
    assert STORE.calls == ['get']
    res = app.get('/d/1', headers={'If-None-Match': res.headers['ETag']})
    assert_not_modified(res)
    assert 'Last-Modified' in res.headers


def test_etag_true_leaves_errors_and_returned_responses_alone():
    class Odd(Plain):
        def get(self):
            if self.request.matchdict['id'] == 'r':
                return Response(b'raw', content_type='text/plain')
            raise HTTPNotFound()

    app = make((Odd, {'path': '/o/{id}', 'etag': True}))
    res = app.get('/o/x', status=404)
    assert 'ETag' not in res.headers
    res = app.get('/o/r', headers={'If-None-Match': '*'})
    assert res.body == b'raw'
    assert 'ETag' not in res.headers


def test_a_method_setting_its_own_etag_keeps_it():
    class Own(Plain):
        def get(self):
            self.request.response.etag = 'mine'
            self.request.response.cache_control = 'private'
            return {}

    app = make(
        (Own, {'path': '/own/{id}', 'etag': True, 'cache_control': 'public'})
    )
    res = app.get('/own/1')
    assert res.headers['ETag'] == '"mine"'
    assert res.headers['Cache-Control'] == 'private'


def test_a_returned_response_gets_the_validators():
    class Raw(Posts):
        def get(self):
            return Response(b'raw', content_type='text/plain')

    app = make(
        (
            Raw,
            {
                'collection_path': '/raws',
                'path': '/raw/{id}',
                'cache_control': {'max_age': 5},
            },
        )
    )
    res = app.get('/raw/1')
    assert res.headers['ETag'] == '"3-json"'
    assert res.headers['Cache-Control'] == 'max-age=5'
    assert (
        app.get('/raw/1', headers={'If-None-Match': '"3-json"'}).status_int
        == 304
    )


# -- cache_control ---------------------------------------------------------


def test_cache_control_on_successful_get_and_head_only():
    app = make(
        (
            Posts,
            {
                'collection_path': '/posts',
                'path': '/posts/{id}',
                'cache_control': 'max-age=60, public',
            },
        )
    )
    assert app.get('/posts/1').headers['Cache-Control'] == 'max-age=60, public'
    assert app.head('/posts').headers['Cache-Control'] == 'max-age=60, public'
    res = app.get('/posts/1', headers={'If-None-Match': '"3-json"'})
    assert res.headers['Cache-Control'] == 'max-age=60, public'
    assert 'Cache-Control' not in app.put_json('/posts/1', {}).headers
    STORE.exists = False
    assert 'Cache-Control' not in app.get('/posts/1', status=404).headers


def test_cache_control_alone_on_a_get():
    app = make(
        (Plain, {'path': '/plain/{id}', 'cache_control': {'no_store': True}})
    )
    res = app.get('/plain/1', headers={'If-None-Match': '*'})
    assert res.status_int == 200
    assert res.headers['Cache-Control'] == 'no-store'
    assert 'ETag' not in res.headers


# -- every way of declaring --------------------------------------------------


def test_per_operation_options():
    class Ops(Plain):
        @operation(etag=True, cache_control='max-age=1')
        def get(self):
            return {}

    app = make((Ops, {'path': '/ops/{id}'}))
    res = app.get('/ops/1')
    assert res.headers['ETag'].startswith('W/')
    assert res.headers['Cache-Control'] == 'max-age=1'


@pytest.mark.parametrize(
    ('attr', 'options'),
    [
        ('put', {'etag': True}),
        ('put', {'cache_control': 'no-store'}),
        ('get', {'require_if_match': True}),
    ],
)
def test_options_on_verbs_they_do_not_apply_to(attr, options):
    cls = type(
        'Wrong', (Plain,), {attr: operation(**options)(getattr(Plain, attr))}
    )
    with pytest.raises(ConfigurationExecutionError, match='does not apply'):
        make((cls, {'path': '/w/{id}'}))


def test_scan_and_resource_decorator():
    config = Configurator(autocommit=False)
    config.include('pyramid_restkit')
    config.scan('tests.fixtures.conditional_scan')
    app = webtest.TestApp(config.make_wsgi_app())
    res = app.get('/scanned/1')
    assert res.headers['ETag'] == '"3-json"'
    assert res.headers['Cache-Control'] == 'max-age=9'
    app.delete('/scanned/1', status=428)
    app.delete('/scanned/1', headers={'If-Match': '"3-json"'}, status=204)


def test_yaml_class_and_module(tmp_path):
    import sys
    import types

    module = types.ModuleType('restkit_conditional_funcs')
    module.get = lambda request: {'id': 1}
    module.etag = lambda request: 'v1'
    module.last_modified = lambda request: MODIFIED
    module.Posts = Posts
    sys.modules[module.__name__] = module
    path = tmp_path / 'api.yaml'
    path.write_text(
        'version: 1\n'
        'resources:\n'
        '  - name: funcs\n'
        '    module: restkit_conditional_funcs\n'
        '    path: /funcs/{id}\n'
        '    cache_control: {max_age: 30}\n'
        '  - name: klass\n'
        '    class: restkit_conditional_funcs.Posts\n'
        '    collection_path: /klass\n'
        '    path: /klass/{id}\n'
        '    require_if_match: true\n'
    )
    try:
        config = Configurator(autocommit=False)
        config.include('pyramid_restkit')
        config.load_resources(str(path))
        app = webtest.TestApp(config.make_wsgi_app())
        res = app.get('/funcs/1')
        assert res.headers['ETag'] == '"v1-json"'
        assert res.headers['Cache-Control'] == 'max-age=30'
        assert (
            app.get(
                '/funcs/1',
                headers={
                    'If-Modified-Since': http_date(int(MODIFIED.timestamp()))
                },
            ).status_int
            == 304
        )
        app.delete('/klass/1', status=428)
        app.delete('/klass/1', headers={'If-Match': '"3-json"'}, status=204)
    finally:
        del sys.modules[module.__name__]


def test_validator_names_are_no_verbs_and_no_near_misses():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        app = make(
            (Posts, {'collection_path': '/posts', 'path': '/posts/{id}'})
        )
    res = app.options('/posts/1')
    assert (
        res.headers['Allow'] == 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'
    )
    assert app.options('/posts').headers['Allow'] == (
        'GET, HEAD, POST, DELETE, OPTIONS'
    )


def test_a_class_with_validators_only_has_no_route():
    class Only:
        def __init__(self, request):
            pass

        def etag(self):
            return 1

    with pytest.raises(ResourceConfigurationError, match='no method'):
        make((Only, {'path': '/only/{id}'}))


def test_validators_with_request_response():
    class Kept(Posts):
        def get(self):
            self.request.response.headers['X-Seen'] = '1'
            return {'id': 1}

        def put(self):
            STORE.version = 9
            self.request.response.status = 201
            return {'id': 1}

    app = make(
        (Kept, {'collection_path': '/kept', 'path': '/kept/{id}'}),
    )
    res = app.get('/kept/1')
    assert res.headers['ETag'] == '"3-json"'
    assert res.headers['X-Seen'] == '1'
    res = app.put_json('/kept/1.xml', {}, headers={'If-Match': '"3-json"'})
    assert res.status_int == 201
    assert res.headers['ETag'] == '"9-xml"'


class Versioned:
    def __init__(self, request):
        self.request = request

    def etag(self):
        return 5

    def get(self):
        return {'version': self.request.api_version}

    def put(self):
        return None


@pytest.mark.parametrize('mode', ['header', 'query'])
def test_each_api_version_is_a_representation_of_its_own(mode):
    """With versioning, one state has one tag per media type and version:
    a cache holding version 1 cannot revalidate it for version 2; If-Match
    takes the tag of any of them."""
    config = Configurator(
        settings={'restkit.versioning': mode, 'restkit.versions': '1 2'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.add_resource(Versioned, path='/v/{id}')
    app = webtest.TestApp(config.make_wsgi_app())

    def get(version, **headers):
        if mode == 'header':
            headers['Api-Version'] = version
            return app.get('/v/1', headers=headers, status='*')
        return app.get(f'/v/1?version={version}', headers=headers, status='*')

    one, two = get('1'), get('2')
    assert one.headers['ETag'] == '"5-json@1"'
    assert two.headers['ETag'] == '"5-json@2"'
    assert get('2', **{'If-None-Match': one.headers['ETag']}).status_int == 200
    assert get('2', **{'If-None-Match': two.headers['ETag']}).status_int == 304
    url = '/v/1?version=2' if mode == 'query' else '/v/1'
    headers = {'If-Match': one.headers['ETag']}
    if mode == 'header':
        headers['Api-Version'] = '2'
    assert app.put(url, headers=headers).status_int == 204
    headers['If-Match'] = '"5-json"'
    assert app.put(url, headers=headers, status=412).status_int == 412
