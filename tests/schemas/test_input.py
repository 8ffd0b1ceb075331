"""Unit tests of :mod:`pyramid_restkit.schemas.input`: validating a request.

The contract is API.md, "Schemas (colander)": error names are dotted
paths, every location's errors are reported together, and deferred values
are bound to the request.
"""

from __future__ import annotations

from typing import Any

import colander
import pytest
from pyramid.request import Request
from webob.multidict import MultiDict

from pyramid_restkit.errors import (
    ResourceConfigurationError,
    ValidationFailure,
)
from pyramid_restkit.schemas import (
    MAX_DESCRIPTION,
    RequestSchema,
    Validator,
    field_errors,
    from_multidict,
)
from tests.schemas.helpers import (
    VALID_POST,
    Author,
    PostSchema,
    Tags,
    TenantSchema,
    deserialize,
    errors_of,
    field,
    one_field,
    tenant_validator,
)


def blank(url: str = '/', **kw: Any) -> Request:
    return Request.blank(url, **kw)


def failure(
    validator: Validator,
    request: Request,
    body: Any = None,
    present: bool = True,
    typed: bool = True,
) -> ValidationFailure:
    with pytest.raises(ValidationFailure) as info:
        validator.validate(request, body, present, typed)
    return info.value


def triples(exc: ValidationFailure) -> list[tuple[str, str, str]]:
    return [
        (error['location'], error['name'], error['description'])
        for error in exc.errors
    ]


# -- field_errors -------------------------------------------------------------


def test_field_errors_dotted_names() -> None:
    class Entry(colander.MappingSchema):
        qty = colander.SchemaNode(colander.Integer())

    class Entries(colander.SequenceSchema):
        entry = Entry()

    class Matrix(colander.SequenceSchema):
        row = Tags()

    class Doc(colander.MappingSchema):
        author = Author()
        tags = Tags()
        items = Entries()
        matrix = Matrix()

    body = {
        'author': {},
        'tags': ['a', 1],
        'items': [{'qty': 1}, {'qty': 'x'}],
        'matrix': [['a'], ['b', None]],
    }
    with pytest.raises(colander.Invalid) as info:
        deserialize(Doc(), body)
    assert field_errors(info.value, 'querystring') == [
        {
            'location': 'querystring',
            'name': 'author.name',
            'description': 'Required',
        },
        {
            'location': 'querystring',
            'name': 'tags.1',
            'description': 'Expected a string.',
        },
        {
            'location': 'querystring',
            'name': 'items.1.qty',
            'description': 'Expected an integer.',
        },
        {
            'location': 'querystring',
            'name': 'matrix.1.1',
            'description': 'Required',
        },
    ]


def test_field_errors_root_has_an_empty_name() -> None:
    assert errors_of(PostSchema(), ['not', 'a', 'mapping']) == [
        ('', 'Expected an object.')
    ]
    assert errors_of(Tags(), None) == [('', 'Required')]


def test_field_errors_truncate_long_messages() -> None:
    choices = [f'choice{i}' for i in range(100)]
    node = field(colander.String(), validator=colander.OneOf(choices))
    ((name, description),) = errors_of(one_field(node), {'f': 'nope'})
    assert name == 'f'
    assert len(description) == MAX_DESCRIPTION == 160
    assert description.startswith('"nope" is not one of choice0, choice1')
    assert description.endswith('...')


def test_field_errors_plain_and_short_messages() -> None:
    node = field(colander.String())
    error = colander.Invalid(node, 'x' * 160)
    error.add(colander.Invalid(field(colander.String()), 'y' * 161))
    assert field_errors(error, 'body') == [
        {'location': 'body', 'name': '', 'description': 'x' * 160},
        {'location': 'body', 'name': 'f', 'description': 'y' * 157 + '...'},
    ]


def test_field_errors_without_a_message() -> None:
    error = colander.Invalid(field(colander.Mapping()))
    assert field_errors(error, 'body') == []


def test_field_errors_several_messages_from_all() -> None:
    node = field(
        colander.String(),
        validator=colander.All(
            colander.Length(min=5), colander.Regex('^[a-z]+$')
        ),
    )
    assert errors_of(one_field(node), {'f': 'A1'}) == [
        ('f', 'Shorter than minimum length 5'),
        ('f', 'String does not match expected pattern'),
    ]


# -- Validator: the body ------------------------------------------------------


def validator(
    schema: colander.SchemaNode,
    partial: bool = False,
    unknown: str = 'raise',
    status: int = 400,
) -> Validator:
    return Validator(schema, partial=partial, unknown=unknown, status=status)


def test_validator_plain_mapping_returns_the_body() -> None:
    result = validator(PostSchema()).validate(blank(), VALID_POST, True, True)
    assert result == {
        'title': 'Hello',
        'views': 0,
        'author': {'name': 'Ann', 'email': None},
        'tags': [],
    }


def test_validator_typed_and_text_bodies() -> None:
    body = {**VALID_POST, 'views': '3'}
    check = validator(PostSchema())
    assert check.validate(blank(), body, True, False)['views'] == 3
    exc = failure(check, blank(), body, typed=True)
    assert triples(exc) == [('body', 'views', 'Expected an integer.')]


def test_validator_absent_body_names_each_required_field() -> None:
    exc = failure(validator(PostSchema()), blank(), None, present=False)
    assert exc.code == 400
    assert triples(exc) == [
        ('body', 'title', 'Required'),
        ('body', 'author', 'Required'),
    ]


def test_validator_absent_body_fills_defaults() -> None:
    class Options(colander.MappingSchema):
        limit = colander.SchemaNode(colander.Integer(), missing=10)
        sort = colander.SchemaNode(colander.String(), missing=colander.drop)

    for typed in (True, False):
        assert validator(Options()).validate(blank(), None, False, typed) == {
            'limit': 10
        }


def test_validator_absent_body_with_partial() -> None:
    check = validator(PostSchema(), partial=True)
    assert check.validate(blank(), None, False, True) == {}


def test_validator_null_body_is_required() -> None:
    exc = failure(validator(PostSchema()), blank(), None, present=True)
    assert triples(exc) == [('body', '', 'Required')]


@pytest.mark.parametrize('typed', [True, False])
@pytest.mark.parametrize('body', [[1, 2], 'text', 7])
def test_validator_body_not_a_mapping(body: Any, typed: bool) -> None:
    exc = failure(validator(PostSchema()), blank(), body, typed=typed)
    assert exc.code == 400
    [(location, name, description)] = triples(exc)
    assert (location, name) == ('body', '')
    if typed:
        assert description == 'Expected an object.'
    else:
        assert 'is not a mapping type' in description


def test_validator_sequence_body() -> None:
    check = validator(Tags())
    assert check.validate(blank(), ['a', 'b'], True, True) == ['a', 'b']
    exc = failure(check, blank(), None, present=False)
    assert triples(exc) == [('body', '', 'Required')]
    exc = failure(check, blank(), {'a': 1})
    assert triples(exc) == [('body', '', 'Expected an array.')]


def test_validator_unknown_setting() -> None:
    body = {**VALID_POST, 'extra': 1}
    exc = failure(validator(PostSchema(), unknown='raise'), blank(), body)
    assert triples(exc) == [('body', 'extra', 'Unknown field.')]
    check = validator(PostSchema(), unknown='ignore')
    assert 'extra' not in check.validate(blank(), body, True, True)


@pytest.mark.parametrize('status', [400, 422])
def test_validator_status(status: int) -> None:
    exc = failure(validator(PostSchema(), status=status), blank(), {})
    assert exc.code == status
    assert exc.status_int == status
    if status == 422:
        assert exc.status == '422 Unprocessable Content'
        assert exc.title == 'Unprocessable Content'


# -- Validator: form bodies ---------------------------------------------------


def form(*pairs: tuple[str, str]) -> MultiDict[str, str]:
    return MultiDict(list(pairs))


class Flat(colander.MappingSchema):
    """What a form can carry: no nested mapping."""

    title = colander.SchemaNode(colander.String())
    tags = Tags(missing=[])
    views = colander.SchemaNode(colander.Integer(), missing=0)


def test_validator_form_body_is_shaped_by_the_schema() -> None:
    body = form(('title', 'Hi'), ('title', 'Hello'), ('views', '3'))
    body.add('tags', 'a')
    body.add('tags', 'b')
    check = validator(Flat())
    assert check.validate(blank(), body, True, False) == {
        'title': 'Hello',
        'tags': ['a', 'b'],
        'views': 3,
    }
    body.add('extra', '1')
    exc = failure(check, blank(), body, typed=False)
    assert triples(exc) == [('body', 'extra', 'Unknown field.')]


def test_from_multidict_lists_only_where_the_schema_expects_many() -> None:
    schema = PostSchema()
    data = form(('title', 'a'), ('title', 'b'), ('tags', 'x'), ('z', '1'))
    assert from_multidict(schema, data) == {
        'title': 'b',
        'tags': ['x'],
        'z': '1',
    }
    many = form(('tags', 'x'), ('tags', 'y'), ('z', '1'), ('z', '2'))
    assert from_multidict(schema, many) == {'tags': ['x', 'y'], 'z': '2'}


def test_from_multidict_leaves_data_alone_for_other_schemas() -> None:
    data = form(('tag', 'x'))
    assert from_multidict(Tags(), data) is data


# -- Validator: several locations ---------------------------------------------


class Search(RequestSchema):
    @colander.instantiate()
    class querystring(colander.MappingSchema):
        q = colander.SchemaNode(colander.String())
        page = colander.SchemaNode(colander.Integer(), missing=1)
        tag = colander.SchemaNode(
            colander.Sequence(),
            colander.SchemaNode(colander.String()),
            missing=[],
        )
        kinds = colander.SchemaNode(
            colander.Set(),
            missing=colander.drop,
        )

    @colander.instantiate()
    class path(colander.MappingSchema):
        id = colander.SchemaNode(colander.Integer())

    @colander.instantiate()
    class headers(colander.MappingSchema):
        token = colander.SchemaNode(colander.String(), name='X-Api-Token')
        trace = colander.SchemaNode(
            colander.String(), name='x-trace', missing=colander.drop
        )

    body = PostSchema()


def search_request(url: str = '/posts/7?q=hi', **headers: str) -> Request:
    request = blank(url, headers={'X-Api-Token': 's3cret', **headers})
    request.matchdict = {'id': '7'}
    return request


def test_validator_request_schema_returns_each_location() -> None:
    request = search_request(
        '/posts/7?q=hi&page=2&tag=a&tag=b&kinds=x&kinds=x&other=1'
    )
    result = validator(Search()).validate(request, VALID_POST, True, True)
    assert result == {
        'body': {
            'title': 'Hello',
            'views': 0,
            'author': {'name': 'Ann', 'email': None},
            'tags': [],
        },
        'querystring': {
            'q': 'hi',
            'page': 2,
            'tag': ['a', 'b'],
            'kinds': {'x'},
        },
        'path': {'id': 7},
        'headers': {'X-Api-Token': 's3cret'},
    }


def test_validator_querystring_defaults_and_single_values() -> None:
    request = search_request('/posts/7?q=hi&tag=only')
    result = validator(Search()).validate(request, VALID_POST, True, True)
    assert result['querystring'] == {'q': 'hi', 'page': 1, 'tag': ['only']}


def test_validator_querystring_sequence_items_are_checked() -> None:
    class Query(RequestSchema):
        @colander.instantiate()
        class querystring(colander.MappingSchema):
            n = colander.SchemaNode(
                colander.Sequence(), colander.SchemaNode(colander.Integer())
            )

    check = validator(Query())
    assert check.validate(blank('/?n=1&n=2'), None, False, True) == {
        'querystring': {'n': [1, 2]}
    }
    exc = failure(check, blank('/?n=1&n=x'), present=False)
    assert triples(exc) == [('querystring', 'n.1', 'Expected an integer.')]


def test_validator_querystring_list_collects_repeated_params() -> None:
    class Query(RequestSchema):
        @colander.instantiate()
        class querystring(colander.MappingSchema):
            tag = colander.SchemaNode(colander.List())

    result = validator(Query()).validate(
        blank('/?tag=ab&tag=cd'), None, False, True
    )
    assert result == {'querystring': {'tag': ['ab', 'cd']}}


def test_validator_format_param_is_never_validated() -> None:
    class Query(RequestSchema):
        @colander.instantiate()
        class querystring(colander.MappingSchema):
            q = colander.SchemaNode(colander.String())
            format = colander.SchemaNode(
                colander.Integer(), missing=colander.drop
            )

    check = validator(Query())
    assert check.validate(blank('/?q=x&format=yaml'), None, False, True) == {
        'querystring': {'q': 'x'}
    }
    plain = validator(Search())
    request = search_request('/posts/7?q=x&format=json')
    result = plain.validate(request, VALID_POST, True, True)
    assert 'format' not in result['querystring']


def test_validator_headers_are_case_insensitive() -> None:
    request = blank(
        '/posts/7?q=hi',
        headers={'x-api-token': 'lower', 'X-TRACE': 'abc'},
    )
    request.matchdict = {'id': '7'}
    result = validator(Search()).validate(request, VALID_POST, True, True)
    assert result['headers'] == {'X-Api-Token': 'lower', 'x-trace': 'abc'}


def test_validator_path_from_matchdict() -> None:
    class Item(RequestSchema):
        @colander.instantiate()
        class path(colander.MappingSchema):
            id = colander.SchemaNode(colander.Integer())
            slug = colander.SchemaNode(colander.String())

    check = validator(Item())
    request = blank('/posts/7/hello')
    request.matchdict = {'id': '7', 'slug': 'hello', 'other': 'x'}
    assert check.validate(request, None, False, True) == {
        'path': {'id': 7, 'slug': 'hello'}
    }
    exc = failure(check, blank('/'), present=False)  # no matchdict at all
    assert triples(exc) == [
        ('path', 'id', 'Required'),
        ('path', 'slug', 'Required'),
    ]


def test_validator_without_body_ignores_it() -> None:
    class Item(RequestSchema):
        @colander.instantiate()
        class path(colander.MappingSchema):
            id = colander.SchemaNode(colander.Integer())

    request = blank('/')
    request.matchdict = {'id': '3'}
    check = validator(Item())
    assert check.wants_body is False
    assert check.validate(request, {'x': 1}, True, True) == {'path': {'id': 3}}


@pytest.mark.parametrize('status', [400, 422])
def test_validator_reports_all_locations_together(status: int) -> None:
    request = blank('/posts/x?page=two', headers={'X-Trace': 't'})
    request.matchdict = {'id': 'x'}
    body = {'title': 7, 'author': {'name': 'A'}, 'extra': True}
    exc = failure(validator(Search(), status=status), request, body)
    assert exc.code == status
    assert triples(exc) == [
        ('body', 'title', 'Expected a string.'),
        ('body', 'extra', 'Unknown field.'),
        ('querystring', 'q', 'Required'),
        ('querystring', 'page', 'Expected an integer.'),
        ('path', 'id', 'Expected an integer.'),
        ('headers', 'X-Api-Token', 'Required'),
    ]


@pytest.mark.parametrize(
    ('names', 'bad'),
    [(['body', 'cookies'], 'cookies'), (['json', 'form'], 'form, json')],
)
def test_validator_request_schema_with_unexpected_children(
    names: list[str], bad: str
) -> None:
    schema = RequestSchema()
    for name in names:
        schema.add(colander.SchemaNode(colander.Mapping(), name=name))
    with pytest.raises(ResourceConfigurationError) as info:
        validator(schema)
    assert str(info.value).endswith(
        'a RequestSchema may only have the children body, querystring, '
        f'path, headers; not {bad}'
    )


# -- deferred -----------------------------------------------------------------


@pytest.mark.parametrize('partial', [False, True])
def test_validator_binds_deferred_values_to_the_request(
    partial: bool,
) -> None:
    check = validator(TenantSchema(), partial=partial)
    request = blank('/t/acme', headers={'X-Tenant': 'acme'})
    expected = {'tenant': 'acme'}
    if not partial:
        expected['origin'] = '/t/acme'
    assert check.validate(request, {'tenant': 'acme'}, True, True) == expected
    other = blank('/t/other', headers={'X-Tenant': 'other'})
    exc = failure(check, other, {'tenant': 'acme'})
    assert triples(exc) == [('body', 'tenant', '"acme" is not one of other')]


def test_validator_binds_deferred_values_in_every_location() -> None:
    class Query(RequestSchema):
        @colander.instantiate()
        class querystring(colander.MappingSchema):
            tenant = colander.SchemaNode(
                colander.String(), validator=tenant_validator
            )

    check = validator(Query())
    request = blank('/?tenant=a', headers={'X-Tenant': 'a'})
    assert check.validate(request, None, False, True) == {
        'querystring': {'tenant': 'a'}
    }
    exc = failure(check, blank('/?tenant=a'), present=False)
    assert triples(exc) == [('querystring', 'tenant', '"a" is not one of ')]


def test_validator_binds_class_level_deferred_values() -> None:
    class Tenant(colander.SchemaNode):
        schema_type = colander.String
        validator = tenant_validator

    class Schema(colander.MappingSchema):
        tenant = Tenant()

    check = validator(Schema())
    request = blank('/', headers={'X-Tenant': 'acme'})
    assert check.validate(request, {'tenant': 'acme'}, True, True) == {
        'tenant': 'acme'
    }
