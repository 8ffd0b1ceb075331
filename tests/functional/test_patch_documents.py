"""PATCH documents end to end: merge patch (RFC 7396), JSON Patch (6902)."""

from __future__ import annotations

import datetime
import json
import logging

import colander
import pytest
from pyramid.httpexceptions import HTTPGone, HTTPNotFound
from pyramid.response import Response

from pyramid_restkit import RequestSchema, operation

MERGE = 'application/merge-patch+json'
JSON_PATCH = 'application/json-patch+json'
ALL_PATCH_TYPES = {'application/json', MERGE, JSON_PATCH}


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    email = colander.SchemaNode(colander.String(), missing=colander.drop)


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Comment(colander.MappingSchema):
    text = colander.SchemaNode(colander.String())


class Comments(colander.SequenceSchema):
    comment = Comment()


class Labels(colander.MappingSchema):
    slash = colander.SchemaNode(
        colander.String(), name='a/b', missing=colander.drop
    )
    tilde = colander.SchemaNode(
        colander.String(), name='m~n', missing=colander.drop
    )


class PostIn(colander.MappingSchema):
    title = colander.SchemaNode(
        colander.String(), validator=colander.Length(max=40)
    )
    body = colander.SchemaNode(colander.String(), missing=colander.drop)
    views = colander.SchemaNode(colander.Integer(), missing=0)
    author = Author(missing=colander.drop)
    tags = Tags(missing=colander.drop)
    comments = Comments(missing=colander.drop)
    labels = Labels(missing=colander.drop)


class AuthorOut(Author):
    id = colander.SchemaNode(colander.Integer(), missing=colander.drop)


class CommentOut(Comment):
    id = colander.SchemaNode(colander.Integer(), missing=colander.drop)


class CommentsOut(colander.SequenceSchema):
    comment = CommentOut()


class PostOut(PostIn):
    id = colander.SchemaNode(colander.Integer())
    created = colander.SchemaNode(colander.DateTime())
    author = AuthorOut(missing=colander.drop)
    comments = CommentsOut(missing=colander.drop)


CREATED = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)


def new_post():
    return {
        'id': 7,
        'title': 'Hello',
        'body': 'text',
        'views': 3,
        'created': CREATED,
        'secret': 'not in the response schema',
        'author': {'id': 1, 'name': 'Ann', 'email': 'ann@example.com'},
        'tags': ['a', 'b'],
        'comments': [{'id': 1, 'text': 'one'}, {'id': 2, 'text': 'two'}],
        'labels': {'a/b': 'slash', 'm~n': 'tilde'},
    }


@pytest.fixture
def store():
    return {'7': new_post()}


@pytest.fixture
def calls():
    return []


@pytest.fixture
def app(config, make_app, store, calls):
    class Posts:
        def __init__(self, request):
            self.request = request

        def _post(self):
            post = store.get(self.request.matchdict['id'])
            if post is None:
                raise HTTPNotFound()
            return post

        def get(self):
            return self._post()

        def patch(self):
            post = self._post()
            validated = self.request.validated
            calls.append(validated)
            for name, value in validated.items():
                if value is None:
                    post.pop(name, None)
                else:
                    post[name] = value
            return post

    config.add_resource(
        Posts, path='/posts/{id}', schema=PostIn, response_schema=PostOut
    )
    return make_app()


def merge(app, doc, status=200, url='/posts/7', **kwargs):
    return app.patch(
        url,
        json.dumps(doc),
        content_type=kwargs.pop('content_type', MERGE),
        status=status,
        **kwargs,
    )


def json_patch(app, ops, status=200, url='/posts/7', **kwargs):
    return app.patch(
        url,
        json.dumps(ops),
        content_type=kwargs.pop('content_type', JSON_PATCH),
        status=status,
        **kwargs,
    )


def problem(res, status):
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == status
    return res.json


# -- merge patch ------------------------------------------------------------


def test_merge_patch_changes_one_field(app, calls, store):
    res = merge(app, {'title': 'New'})
    assert calls == [{'title': 'New'}]
    assert res.json['title'] == 'New'
    assert res.json['created'] == '2024-05-06T07:08:09+00:00'
    assert store['7']['views'] == 3


def test_merge_patch_nested_field_arrives_whole(app, calls):
    merge(app, {'author': {'name': 'Bob'}})
    assert calls == [{'author': {'name': 'Bob', 'email': 'ann@example.com'}}]


def test_merge_patch_null_removes_an_optional_field(app, calls, store):
    res = merge(app, {'body': None, 'author': {'email': None}})
    assert calls == [{'body': None, 'author': {'name': 'Ann'}}]
    assert 'body' not in res.json
    assert 'body' not in store['7']


def test_merge_patch_null_on_a_field_with_a_default_is_none(app, calls):
    merge(app, {'views': None})
    assert calls == [{'views': None}]


def test_merge_patch_null_on_a_required_field_is_a_validation_error(
    app, calls
):
    body = problem(merge(app, {'title': None}, status=400), 400)
    assert body['type'] == 'tag:pyramid-restkit,2026:validation'
    assert [(e['location'], e['name']) for e in body['errors']] == [
        ('body', 'title')
    ]
    assert calls == []


@pytest.mark.parametrize('settings', [{'restkit.validation_status': '422'}])
def test_removing_a_required_field_follows_validation_status(app):
    problem(merge(app, {'title': None, 'views': 'x'}, status=422), 422)


def test_merge_patch_validates_the_result_with_the_full_schema(app):
    body = problem(
        merge(app, {'title': 'x' * 41, 'author': {'name': 5}}, status=400),
        400,
    )
    names = sorted(e['name'] for e in body['errors'])
    assert names == ['author.name', 'title']


@pytest.mark.parametrize('doc', [[1, 2], 'text', 5, None])
def test_merge_patch_that_is_not_an_object_replaces_the_whole(app, doc, calls):
    body = problem(merge(app, doc, status=400), 400)
    assert body['errors'][0]['location'] == 'body'
    assert calls == []


def test_empty_merge_patch_calls_patch_with_nothing(app, calls):
    merge(app, {})
    assert calls == [{}]


def test_merge_patch_with_the_same_values_changes_nothing(app, calls):
    merge(app, {'title': 'Hello', 'author': {'name': 'Ann'}, 'views': 3})
    assert calls == [{}]


def test_read_only_fields_sent_back_unchanged_are_dropped(app, calls):
    merge(
        app,
        {
            'id': 7,
            'created': '2024-05-06T07:08:09+00:00',
            'author': {'id': 1},
            'title': 'T',
        },
    )
    assert calls == [{'title': 'T'}]


def test_a_changed_read_only_field_is_an_unknown_field(app, calls):
    body = problem(merge(app, {'id': 8, 'author': {'id': 2}}, status=400), 400)
    assert sorted(e['name'] for e in body['errors']) == ['author.id', 'id']
    assert {e['description'] for e in body['errors']} == {'Unknown field.'}
    assert calls == []


def test_an_added_field_is_an_unknown_field(app, calls):
    body = problem(merge(app, {'extra': 1}, status=400), 400)
    assert body['errors'][0]['name'] == 'extra'


@pytest.mark.parametrize('settings', [{'restkit.unknown_fields': 'ignore'}])
def test_added_fields_can_be_ignored(app, calls):
    merge(app, {'extra': 1, 'id': 9, 'title': 'T'})
    assert calls == [{'title': 'T'}]


def test_fields_outside_gets_response_schema_are_not_in_the_document(app):
    # 'secret' is filtered out by the response schema: nothing to test.
    res = json_patch(
        app, [{'op': 'test', 'path': '/secret', 'value': 'x'}], status=409
    )
    problem(res, 409)


def test_unknown_item_is_a_404_before_anything_applies(app, calls):
    problem(merge(app, {'title': 'x'}, url='/posts/8', status=404), 404)
    problem(json_patch(app, [], url='/posts/8', status=404), 404)
    assert calls == []


# -- JSON Patch ---------------------------------------------------------------


def test_json_patch_operations(app, calls):
    res = json_patch(
        app,
        [
            {'op': 'test', 'path': '/title', 'value': 'Hello'},
            {'op': 'replace', 'path': '/title', 'value': 'New'},
            {'op': 'add', 'path': '/tags/-', 'value': 'c'},
            {'op': 'remove', 'path': '/tags/0'},
            {'op': 'copy', 'from': '/author/name', 'path': '/body'},
            {'op': 'move', 'from': '/labels/a~1b', 'path': '/labels/m~0n'},
        ],
    )
    assert calls == [
        {
            'title': 'New',
            'tags': ['b', 'c'],
            'body': 'Ann',
            'labels': {'m~n': 'slash'},
        }
    ]
    assert res.json['labels'] == {'m~n': 'slash'}


def test_empty_json_patch_calls_patch_with_nothing(app, calls):
    json_patch(app, [])
    assert calls == [{}]


def test_json_patch_test_compares_json_values(app, calls):
    json_patch(
        app,
        [
            {'op': 'test', 'path': '/views', 'value': 3.0},
            {'op': 'test', 'path': '/created', 'value': CREATED.isoformat()},
            {
                'op': 'test',
                'path': '/author',
                'value': {'email': 'ann@example.com', 'name': 'Ann', 'id': 1},
            },
        ],
    )
    assert calls == [{}]


@pytest.mark.parametrize(
    'ops',
    [
        [{'op': 'test', 'path': '/title', 'value': 'Other'}],
        [{'op': 'test', 'path': '/views', 'value': True}],
        [{'op': 'test', 'path': '/views', 'value': '3'}],
        [{'op': 'test', 'path': '/nope', 'value': 1}],
        [{'op': 'remove', 'path': '/nope'}],
        [{'op': 'replace', 'path': '/author/nope', 'value': 1}],
        [{'op': 'add', 'path': '/nope/deeper', 'value': 1}],
        [{'op': 'add', 'path': '/tags/9', 'value': 'x'}],
        [{'op': 'add', 'path': '/tags/01', 'value': 'x'}],
        [{'op': 'remove', 'path': '/tags/-'}],
        [{'op': 'replace', 'path': '/tags/-', 'value': 'x'}],
        [{'op': 'add', 'path': '/title/x', 'value': 'x'}],
        [{'op': 'move', 'from': '/nope', 'path': '/title'}],
        [{'op': 'copy', 'from': '/tags/5', 'path': '/body'}],
        [{'op': 'remove', 'path': ''}],
    ],
)
def test_json_patch_that_cannot_apply_is_409(app, ops, calls):
    body = problem(json_patch(app, ops, status=409), 409)
    assert body['type'] == 'tag:pyramid-restkit,2026:patch-conflict'
    assert body['detail'].startswith('Operation 0 (')
    assert calls == []


def test_a_later_failing_operation_names_its_index(app, store):
    body = problem(
        json_patch(
            app,
            [
                {'op': 'replace', 'path': '/title', 'value': 'x'},
                {'op': 'test', 'path': '/title', 'value': 'y'},
            ],
            status=409,
        ),
        409,
    )
    assert body['detail'] == 'Operation 1 (test /title): the test failed.'
    assert store['7']['title'] == 'Hello'


@pytest.mark.parametrize(
    ('ops', 'detail'),
    [
        ({'op': 'add'}, 'A JSON Patch is an array of operations.'),
        ([1], 'Operation 0 is not an object.'),
        ([{'path': '/a'}], 'Operation 0 has no "op" string.'),
        ([{'op': 1, 'path': '/a'}], 'Operation 0 has no "op" string.'),
        (
            [{'op': 'frob', 'path': '/a'}],
            "Operation 0: unknown op 'frob' (expected one of add, remove, "
            'replace, move, copy, test).',
        ),
        (
            [{'op': 'add', 'value': 1}],
            'Operation 0 (add) has no "path" member.',
        ),
        (
            [{'op': 'add', 'path': '/a'}],
            'Operation 0 (add) has no "value" member.',
        ),
        (
            [{'op': 'move', 'path': '/a'}],
            'Operation 0 (move) has no "from" member.',
        ),
        (
            [{'op': 'remove', 'path': 5}],
            'Operation 0 (remove): "path" is not a string.',
        ),
        (
            [{'op': 'copy', 'path': '/a', 'from': None}],
            'Operation 0 (copy): "from" is not a string.',
        ),
        (
            [{'op': 'remove', 'path': 'title'}],
            'Operation 0 (remove): "path" \'title\' is not a JSON Pointer: '
            'it does not start with "/".',
        ),
        (
            [{'op': 'copy', 'path': '/a', 'from': '/~2'}],
            'Operation 0 (copy): "from" \'/~2\' is not a JSON Pointer: '
            '"~" is followed by neither 0 nor 1.',
        ),
        (
            [{'op': 'remove', 'path': '/a~'}],
            'Operation 0 (remove): "path" \'/a~\' is not a JSON Pointer: '
            '"~" is followed by neither 0 nor 1.',
        ),
        (
            [{'op': 'move', 'from': '/author', 'path': '/author/x'}],
            'Operation 0 (move) moves a value into itself.',
        ),
        (
            [{'op': 'move', 'from': '', 'path': '/x'}],
            'Operation 0 (move) moves a value into itself.',
        ),
    ],
)
def test_malformed_json_patch_is_400(app, ops, detail, calls):
    body = problem(json_patch(app, ops, status=400), 400)
    assert body['type'] == 'tag:pyramid-restkit,2026:malformed-body'
    assert body['detail'] == detail
    assert calls == []


def test_members_rfc_6902_does_not_define_are_ignored(app, calls):
    json_patch(
        app,
        [{'op': 'remove', 'path': '/body', 'from': 5, 'value': 1, 'x': 2}],
    )
    assert calls == [{'body': None}]


def test_json_patch_replacing_the_whole_document(app, calls):
    json_patch(
        app,
        [{'op': 'replace', 'path': '', 'value': {'title': 'Only'}}],
    )
    # Every field it lacks is removed, each optional one as None; the
    # read-only ones were not sent back, and need not be.
    assert calls == [
        {
            'title': 'Only',
            'body': None,
            'views': None,
            'author': None,
            'tags': None,
            'comments': None,
            'labels': None,
        }
    ]


def test_list_items_keep_their_read_only_fields_when_moved(app, calls):
    json_patch(
        app,
        [
            {'op': 'remove', 'path': '/comments/0'},
            {'op': 'add', 'path': '/comments/-', 'value': {'text': 'new'}},
            {'op': 'copy', 'from': '/comments/0', 'path': '/comments/0'},
        ],
    )
    assert calls == [
        {
            'comments': [
                {'text': 'two'},
                {'text': 'two'},
                {'text': 'new'},
            ]
        }
    ]


def test_a_new_list_item_with_a_read_only_field_is_refused(app):
    body = problem(
        json_patch(
            app,
            [
                {
                    'op': 'add',
                    'path': '/comments/-',
                    'value': {'id': 3, 'text': 'x'},
                }
            ],
            status=400,
        ),
        400,
    )
    assert [e['name'] for e in body['errors']] == ['comments.2.id']


@pytest.mark.parametrize('settings', [{'restkit.max_body_size': '500'}])
def test_copies_are_bounded(app):
    # Each copy doubles the author: 4, 8, ... 512 values copied.
    ops = [
        {'op': 'copy', 'from': '/author', 'path': f'/author/{n}'}
        for n in range(8)
    ]
    raw = json.dumps(ops, separators=(',', ':')).encode()
    assert len(raw) < 500
    res = app.patch('/posts/7', raw, content_type=JSON_PATCH, status=413)
    body = problem(res, 413)
    assert body['detail'] == (
        'Operation 6 (copy /author/6): the copies would make the document '
        'too large.'
    )


@pytest.mark.parametrize('settings', [{'restkit.max_depth': '4'}])
def test_nesting_of_the_result_is_bounded(app):
    ops = [
        {'op': 'copy', 'from': '/author', 'path': '/author/x'},
        {'op': 'copy', 'from': '/author', 'path': '/author/x'},
        {'op': 'copy', 'from': '/author', 'path': '/author/y'},
    ]
    body = problem(json_patch(app, ops, status=400), 400)
    assert body['detail'] == (
        'Operation 2 (copy /author/y): the patched document would be '
        'nested deeper than 4 levels.'
    )


@pytest.mark.parametrize('settings', [{'restkit.max_depth': '4'}])
def test_nesting_of_added_values_is_bounded(app):
    ops = [{'op': 'add', 'path': '/labels/x', 'value': {'a': []}}]
    body = problem(json_patch(app, ops, status=400), 400)
    assert body['type'] == 'tag:pyramid-restkit,2026:validation'
    ops = [{'op': 'add', 'path': '/labels/x', 'value': {'a': [[]]}}]
    body = problem(json_patch(app, ops, status=400), 400)
    assert 'nested deeper than 4 levels' in body['detail']


# -- parsing, limits, Content-Type --------------------------------------------


@pytest.mark.parametrize('content_type', [MERGE, JSON_PATCH])
@pytest.mark.parametrize(
    'raw',
    [
        b'',
        b'{"title": "a", "title": "b"}',
        b'{"views": NaN}',
        b'[' * 70 + b']' * 70,
        b'{"views": 1' + b'0' * 120 + b'}',
        b'\xff',
    ],
)
def test_documents_are_parsed_strictly(app, content_type, raw, calls):
    res = app.patch('/posts/7', raw, content_type=content_type, status=400)
    body = problem(res, 400)
    assert body['type'] == 'tag:pyramid-restkit,2026:malformed-body'
    assert calls == []


@pytest.mark.parametrize('settings', [{'restkit.max_body_size': '64'}])
@pytest.mark.parametrize('content_type', [MERGE, JSON_PATCH])
def test_huge_documents_are_413(app, content_type):
    res = app.patch(
        '/posts/7',
        b'{"title": "' + b'x' * 100 + b'"}',
        content_type=content_type,
        status=413,
    )
    problem(res, 413)


@pytest.mark.parametrize('content_type', [MERGE, JSON_PATCH])
def test_charset_parameters(app, content_type, calls):
    doc = {'title': 'Z'} if content_type == MERGE else []
    merge(app, doc, content_type=f'{content_type.upper()}; charset="UTF-8"')
    res = merge(
        app, doc, content_type=f'{content_type}; charset=latin-1', status=415
    )
    problem(res, 415)
    assert set(res.headers['Accept-Patch'].split(', ')) >= ALL_PATCH_TYPES
    assert len(calls) == 1


def test_415_lists_the_patch_formats(app):
    res = app.patch('/posts/7', b'x', content_type='text/csv', status=415)
    accepted = res.headers['Accept-Patch'].split(', ')
    assert ALL_PATCH_TYPES <= set(accepted)
    assert set(res.json['accepted']) == set(accepted)


def test_options_lists_the_patch_formats(app):
    res = app.options('/posts/7', status=204)
    assert ALL_PATCH_TYPES <= set(res.headers['Accept-Patch'].split(', '))
    assert res.headers['Allow'] == 'GET, HEAD, PATCH, OPTIONS'


def test_plain_partial_patch_still_works(app, calls):
    app.patch_json('/posts/7', {'title': 'Plain', 'body': None})
    assert calls == [{'title': 'Plain'}]
    app.patch_json('/posts/7', {'id': 9}, status=200)
    assert calls[-1] == {}


# -- other resources ---------------------------------------------------------


class Search(RequestSchema):
    @colander.instantiate()
    class querystring(colander.MappingSchema):
        note = colander.SchemaNode(colander.String(), missing='none')

    @colander.instantiate()
    class body(colander.MappingSchema):
        name = colander.SchemaNode(colander.String())
        size = colander.SchemaNode(colander.Integer(), missing=colander.drop)


class TagList(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


@pytest.fixture
def other_app(config, make_app, calls):
    class Things:
        """A RequestSchema; get() without a response schema."""

        def __init__(self, request):
            self.request = request

        def get(self):
            thing = self.request.matchdict['id']
            if thing == 'gone':
                return HTTPGone()
            if thing == 'response':
                return Response(b'raw')
            return {'name': 'box', 'size': 2, 'internal': [1, 2]}

        @operation(schema=Search)
        def patch(self):
            calls.append(self.request.validated)
            return {}

        # A collection of tags, patched as a whole list.
        def collection_get(self):
            return ['x', 'y']

        @operation(schema=TagList)
        def collection_patch(self):
            calls.append(self.request.validated)
            return self.request.validated

    class NoGet:
        def __init__(self, request):
            self.request = request

        def patch(self):
            return self.request.validated

        def delete(self):
            return None

    class Plain:
        def __init__(self, request):
            self.request = request

        def collection_get(self):
            return []

        def collection_post(self):
            return self.request.validated

    class Untyped:
        """PATCH without a schema: no documents, the body is its own."""

        def __init__(self, request):
            self.request = request

        def get(self):
            return {}

        def patch(self):
            return {'raw': self.request.text}

    config.add_resource(Things, collection_path='/things', path='/things/{id}')
    config.add_resource(NoGet, path='/noget/{id}', schema=PostIn)
    config.add_resource(Untyped, path='/untyped/{id}')
    config.add_resource(Plain, collection_path='/plain', schema=PostIn)
    return make_app()


def test_request_schema_document_is_the_body(other_app, calls):
    merge(other_app, {'size': 3}, url='/things/1?note=hi')
    assert calls == [{'querystring': {'note': 'hi'}, 'body': {'size': 3}}]


def test_request_schema_unchanged_extra_fields_are_dropped(other_app, calls):
    json_patch(
        other_app,
        [{'op': 'add', 'path': '/internal/-', 'value': 3}],
        url='/things/1',
        status=400,
    )
    json_patch(
        other_app,
        [{'op': 'test', 'path': '/internal', 'value': [1, 2]}],
        url='/things/1',
    )
    assert calls == [{'querystring': {'note': 'none'}, 'body': {}}]


def test_get_returning_an_error_is_that_error(other_app):
    problem(merge(other_app, {}, url='/things/gone', status=410), 410)


def test_get_returning_a_response_is_a_logged_500(other_app, caplog):
    caplog.set_level(logging.ERROR, 'pyramid_restkit')
    problem(merge(other_app, {}, url='/things/response', status=500), 500)
    assert 'returned a Response' in caplog.text


def test_collection_documents_patch_the_whole_list(other_app, calls):
    res = json_patch(
        other_app, [{'op': 'add', 'path': '/-', 'value': 'z'}], url='/things'
    )
    assert res.json == ['x', 'y', 'z']
    merge(other_app, ['only'], url='/things')
    json_patch(other_app, [], url='/things')
    assert calls == [['x', 'y', 'z'], ['only'], ['x', 'y']]
    body = problem(merge(other_app, {'a': 1}, url='/things', status=400), 400)
    assert body['errors'][0]['location'] == 'body'


def test_collection_options_lists_the_patch_formats(other_app):
    res = other_app.options('/things', status=204)
    assert ALL_PATCH_TYPES <= set(res.headers['Accept-Patch'].split(', '))


def test_without_get_the_documents_are_unknown_types(other_app):
    for content_type in (MERGE, JSON_PATCH):
        res = other_app.patch(
            '/noget/1', b'{}', content_type=content_type, status=415
        )
        problem(res, 415)
        accepted = res.headers['Accept-Patch'].split(', ')
        assert 'application/json' in accepted
        assert MERGE not in accepted
        assert JSON_PATCH not in accepted
    res = other_app.options('/noget/1', status=204)
    assert MERGE not in res.headers['Accept-Patch']


def test_without_a_schema_patch_reads_its_own_body(other_app):
    res = merge(other_app, {'a': None}, url='/untyped/1')
    assert res.json == {'raw': '{"a": null}'}


def test_documents_are_415_on_other_verbs_and_routes(other_app):
    res = other_app.post('/plain', b'{}', content_type=MERGE, status=415)
    problem(res, 415)
    assert 'Accept-Patch' not in res.headers
    assert MERGE not in res.headers['Accept-Post']
    res = other_app.options('/plain', status=204)
    assert 'Accept-Patch' not in res.headers


class Filters(RequestSchema):
    @colander.instantiate()
    class querystring(colander.MappingSchema):
        note = colander.SchemaNode(colander.String(), missing='none')


class Stamped:
    def __init__(self, request):
        self.request = request

    def get(self):
        return {'title': 'T', 'created': CREATED}

    @operation(schema=PostIn)
    def patch(self):
        return self.request.validated

    @operation(schema=Filters)
    def collection_patch(self):
        return self.request.validated

    def collection_get(self):
        return []


@pytest.mark.parametrize(
    'settings',
    [{'restkit.media_types': 'yaml', 'restkit.default_media_type': 'yaml'}],
)
def test_documents_without_the_json_media_type(config, make_app):
    config.add_resource(Stamped, collection_path='/s', path='/s/{id}')
    app = make_app()
    # the kit's own JSON form: dates as the JSON renderer writes them
    res = json_patch(
        app,
        [
            {'op': 'test', 'path': '/created', 'value': CREATED.isoformat()},
            {'op': 'remove', 'path': '/created'},
        ],
        url='/s/1',
    )
    assert res.content_type == 'application/yaml'
    assert res.text == '{}\n'
    res = app.patch('/s/1', b'{}', content_type='application/json', status=415)
    accepted = res.headers['Accept-Patch'].split(', ')
    assert MERGE in accepted
    assert 'application/json' not in accepted


def test_no_documents_where_the_schema_takes_no_body(config, make_app):
    config.add_resource(Stamped, collection_path='/s', path='/s/{id}')
    app = make_app()
    # the body is not read at all, as for any type
    res = merge(app, {'title': None}, url='/s')
    assert res.json == {'querystring': {'note': 'none'}}
    res = app.options('/s', status=204)
    assert MERGE not in res.headers['Accept-Patch']


class DocAuthor(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    email = colander.SchemaNode(colander.String(), missing=colander.drop)


class DocPostIn(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    body = colander.SchemaNode(colander.String(), missing=colander.drop)
    author = DocAuthor(missing=colander.drop)
    tags = Tags(missing=colander.drop)


class DocPostOut(DocPostIn):
    id = colander.SchemaNode(colander.Integer())


def test_the_examples_of_docs_patch_md(config, make_app, calls):
    class Post:
        def __init__(self, request):
            self.request = request

        def get(self):
            return {
                'id': 7,
                'title': 'Hi',
                'body': 'text',
                'author': {'name': 'Ann'},
                'tags': ['a'],
            }

        def patch(self):
            calls.append(self.request.validated)
            return {**self.get(), **self.request.validated}

    config.add_resource(
        Post, path='/posts/{id}', schema=DocPostIn, response_schema=DocPostOut
    )
    app = make_app()
    app.patch_json('/posts/7', {'title': 'Hello'})
    merge(app, {'body': None, 'author': {'email': 'ann@example.com'}})
    problem(merge(app, {'title': None}, status=400), 400)
    problem(merge(app, [1], status=400), 400)
    ops = [
        {'op': 'test', 'path': '/title', 'value': 'Hi'},
        {'op': 'add', 'path': '/tags/-', 'value': 'b'},
        {'op': 'copy', 'from': '/author/name', 'path': '/body'},
    ]
    json_patch(app, ops)
    assert calls == [
        {'title': 'Hello'},
        {'body': None, 'author': {'name': 'Ann', 'email': 'ann@example.com'}},
        {'tags': ['a', 'b'], 'body': 'Ann'},
    ]


@pytest.mark.parametrize(
    ('accept', 'problem_type'),
    [
        ('application/xml', 'application/problem+xml'),
        ('application/yaml', 'application/problem+yaml'),
    ],
)
def test_errors_are_problems_in_the_negotiated_format(
    app, accept, problem_type
):
    for ops, status in [
        ([{'op': 'test', 'path': '/title', 'value': 'x'}], 409),
        ([{'op': 'frob', 'path': '/title'}], 400),
        ({'title': None}, 400),
    ]:
        content_type = MERGE if isinstance(ops, dict) else JSON_PATCH
        res = app.patch(
            '/posts/7',
            json.dumps(ops),
            content_type=content_type,
            headers={'Accept': accept},
            status=status,
        )
        assert res.content_type == problem_type
    res = merge(app, {'title': 'Y'}, headers={'Accept': accept})
    assert res.content_type == accept


class ById(RequestSchema):
    @colander.instantiate()
    class path(colander.MappingSchema):
        id = colander.SchemaNode(colander.Integer())

    @colander.instantiate()
    class body(colander.MappingSchema):
        name = colander.SchemaNode(colander.String())


def test_get_sees_the_other_locations_validated(config, make_app, calls):
    class Named:
        def __init__(self, request):
            self.request = request

        @operation(schema=ById)
        def get(self):
            return {'name': f'n{self.request.validated["path"]["id"]}'}

        @operation(schema=ById)
        def patch(self):
            calls.append(self.request.validated)
            return self.get()

    config.add_resource(Named, path='/named/{id}')
    app = make_app()
    json_patch(
        app, [{'op': 'test', 'path': '/name', 'value': 'n5'}], url='/named/5'
    )
    assert calls == [{'path': {'id': 5}, 'body': {}}]
    body = problem(merge(app, {'name': 5}, url='/named/x', status=400), 400)
    # the path is refused before GET runs, hence alone
    assert [(e['location'], e['name']) for e in body['errors']] == [
        ('path', 'id')
    ]
    body = problem(merge(app, {'name': 5}, url='/named/5', status=400), 400)
    assert [(e['location'], e['name']) for e in body['errors']] == [
        ('body', 'name')
    ]


def test_documents_through_a_method_override(app, calls):
    app.post(
        '/posts/7',
        json.dumps({'body': None}),
        content_type=MERGE,
        headers={'X-HTTP-Method-Override': 'PATCH'},
        status=200,
    )
    assert calls == [{'body': None}]
