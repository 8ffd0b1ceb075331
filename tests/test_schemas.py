"""Unit tests of :mod:`pyramid_restkit.schemas`.

The contract is API.md, "Schemas (colander)": typed formats are not
coerced, ``null`` means absent, unknown fields are named, PATCH is a
partial, error names are dotted paths, and ``response_schema`` filters and
checks output without changing native types.
"""

from __future__ import annotations

import datetime
import decimal
import enum
from typing import Any

import colander
import pytest
from pyramid.request import Request

from pyramid_restkit.errors import (
    ResourceConfigurationError,
    ResponseValidationError,
    ValidationFailure,
)
from pyramid_restkit.schemas import (
    MAX_DESCRIPTION,
    RequestSchema,
    Validator,
    as_schema,
    compile_output,
    field_errors,
    has_deferred,
    prepare,
)

# -- schemas used throughout --------------------------------------------------


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    email = colander.SchemaNode(colander.String(), missing=None)


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Item(colander.MappingSchema):
    sku = colander.SchemaNode(colander.String())
    qty = colander.SchemaNode(
        colander.Integer(), validator=colander.Range(min=1)
    )


class Items(colander.SequenceSchema):
    item = Item()


class PostSchema(colander.MappingSchema):
    title = colander.SchemaNode(
        colander.String(), validator=colander.Length(max=20)
    )
    views = colander.SchemaNode(colander.Integer(), missing=0)
    author = Author()
    tags = Tags(missing=[])
    items = Items(missing=colander.drop)


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Upper(colander.SchemaType):
    """A custom type the kit knows nothing about."""

    def deserialize(self, node: Any, cstruct: Any) -> Any:
        if cstruct is colander.null:
            return colander.null
        return str(cstruct).upper()


VALID_POST = {'title': 'Hello', 'author': {'name': 'Ann'}}


def field(typ: Any, **kw: Any) -> colander.SchemaNode:
    return colander.SchemaNode(typ, name='f', **kw)


def one_field(node: colander.SchemaNode) -> colander.SchemaNode:
    return colander.SchemaNode(colander.Mapping(), node)


def deserialize(schema: colander.SchemaNode, cstruct: Any, **kw: Any) -> Any:
    kw.setdefault('typed', True)
    return prepare(schema, **kw).deserialize(cstruct)


def errors_of(schema: colander.SchemaNode, cstruct: Any, **kw: Any) -> Any:
    """The ``(name, description)`` pairs of the failed deserialization."""
    with pytest.raises(colander.Invalid) as info:
        deserialize(schema, cstruct, **kw)
    return [
        (error['name'], error['description'])
        for error in field_errors(info.value, 'body')
    ]


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


# -- typed values -------------------------------------------------------------

D = decimal.Decimal

TYPED_OK = [
    (colander.Integer(), 7, 7),
    (colander.Integer(), 0, 0),
    (colander.Integer(), -(10**30), -(10**30)),
    (colander.String(), 'x', 'x'),
    (colander.Float(), 7, 7.0),
    (colander.Float(), 7.5, 7.5),
    (colander.Float(), 0, 0.0),
    (colander.Decimal(), 7, D('7')),
    (colander.Decimal(), 7.5, D('7.5')),
    (colander.Decimal(), '7.50', D('7.50')),
    (colander.Decimal(), '-1e3', D('-1E+3')),
    (colander.Money(), '1.5', D('1.50')),
    (colander.Boolean(), True, True),
    (colander.Boolean(), False, False),
    (colander.Date(), '2024-02-29', datetime.date(2024, 2, 29)),
    (
        colander.DateTime(),
        '2024-02-29T10:11:12+01:00',
        datetime.datetime(
            2024,
            2,
            29,
            10,
            11,
            12,
            tzinfo=datetime.timezone(datetime.timedelta(hours=1)),
        ),
    ),
    (colander.Time(), '10:11:12', datetime.time(10, 11, 12)),
    (colander.Set(), [1, 1, 2], {1, 2}),
    (colander.List(), [1, 'a'], [1, 'a']),
    (colander.Enum(Color), 'RED', Color.RED),
    (
        colander.Enum(Color, attr='value', typ=colander.Integer()),
        2,
        Color.GREEN,
    ),
    (Upper(), 5, '5'),  # unknown types get no extra check
]


@pytest.mark.parametrize(('typ', 'value', 'expected'), TYPED_OK)
def test_typed_accepts(typ: Any, value: Any, expected: Any) -> None:
    result = deserialize(one_field(field(typ)), {'f': value})
    assert result == {'f': expected}
    assert type(result['f']) is type(expected)


TYPED_REFUSED = [
    (colander.Integer(), '7', 'Expected an integer.'),
    (colander.Integer(), 7.0, 'Expected an integer.'),
    (colander.Integer(), True, 'Expected an integer.'),
    (colander.Integer(), False, 'Expected an integer.'),
    (colander.Integer(), [7], 'Expected an integer.'),
    (colander.String(), False, 'Expected a string.'),
    (colander.String(), 7, 'Expected a string.'),
    (colander.String(), {}, 'Expected a string.'),
    (colander.Float(), True, 'Expected a number.'),
    (colander.Float(), '7.5', 'Expected a number.'),
    (colander.Decimal(), True, 'Expected a number or a numeric string.'),
    (colander.Decimal(), [1], 'Expected a number or a numeric string.'),
    (colander.Decimal(), 'abc', 'Expected a number or a numeric string.'),
    (colander.Decimal(), 'NaN', 'Expected a number or a numeric string.'),
    (colander.Decimal(), ' 1', 'Expected a number or a numeric string.'),
    (colander.Boolean(), 'true', 'Expected a boolean.'),
    (colander.Boolean(), 1, 'Expected a boolean.'),
    (colander.Boolean(), 0, 'Expected a boolean.'),
    (colander.Date(), 20240229, 'Expected a string.'),
    (colander.Date(), '29/02/2024', 'Invalid date'),
    (colander.DateTime(), 1700000000, 'Expected a string.'),
    (colander.DateTime(), 'yesterday', 'Invalid date'),
    (colander.Time(), 101112, 'Expected a string.'),
    (colander.Time(), 'noon', 'Invalid time'),
    (colander.Mapping(), [], 'Expected an object.'),
    (colander.Mapping(), 'x', 'Expected an object.'),
    (colander.Sequence(), '12', 'Expected an array.'),
    (colander.Sequence(), {'a': 1}, 'Expected an array.'),
    (colander.Tuple(), 'ab', 'Expected an array.'),
    (colander.Set(), 'ab', 'Expected an array.'),
    (colander.List(), 'ab', 'Expected an array.'),
    (colander.List(), {'a': 1}, 'Expected an array.'),
    (colander.Enum(Color), 1, 'Expected a string.'),
    (colander.Enum(Color), 'BLUE', '"BLUE" is not a valid "Color"'),
    (
        colander.Enum(Color, attr='value', typ=colander.Integer()),
        '1',
        'Expected an integer.',
    ),
    (
        colander.Enum(Color, attr='value', typ=colander.Integer()),
        True,
        'Expected an integer.',
    ),
]


@pytest.mark.parametrize(('typ', 'value', 'message'), TYPED_REFUSED)
def test_typed_refuses(typ: Any, value: Any, message: str) -> None:
    node = field(typ)
    if isinstance(typ, (colander.Sequence, colander.Tuple)):
        node.add(colander.SchemaNode(colander.Integer(), name='i'))
    assert errors_of(one_field(node), {'f': value}) == [('f', message)]


@pytest.mark.parametrize(
    ('typ', 'value', 'expected'),
    [
        (colander.Integer(), '7', 7),
        (colander.Float(), '7.5', 7.5),
        (colander.Decimal(), '7.50', D('7.50')),
        (colander.Boolean(), 'false', False),
        (colander.Boolean(), 'true', True),
        (colander.Date(), '2024-02-29', datetime.date(2024, 2, 29)),
        (colander.String(), 'x', 'x'),
        (
            colander.Enum(Color, attr='value', typ=colander.Integer()),
            '1',
            Color.RED,
        ),
    ],
)
def test_text_formats_are_coerced(typ: Any, value: str, expected: Any) -> None:
    result = deserialize(one_field(field(typ)), {'f': value}, typed=False)
    assert result == {'f': expected}
    assert type(result['f']) is type(expected)


def test_text_formats_still_refuse_garbage() -> None:
    schema = one_field(field(colander.Integer()))
    assert errors_of(schema, {'f': 'seven'}, typed=False) == [
        ('f', 'Expected an integer.')
    ]


@pytest.mark.parametrize(
    ('typ', 'text', 'expected'),
    [
        (colander.Boolean(), 'true', True),
        (colander.Boolean(), 'TRUE', True),
        (colander.Boolean(), 'on', True),
        (colander.Boolean(), 'False', False),
        (colander.Integer(), '-7', -7),
        (colander.Integer(), '+7', 7),
        (colander.Float(), '1.5e3', 1500.0),
        (colander.Float(), '.5', 0.5),
        (colander.Float(), '7', 7.0),
        (colander.Decimal(), '-0.10', decimal.Decimal('-0.10')),
        # The application's own spellings are colander's business.
        (colander.Boolean(true_choices=('oui',)), 'oui', True),
        (colander.Boolean(false_choices=('non',)), 'maybe', True),
    ],
)
def test_text_scalars_accepted(typ: Any, text: str, expected: Any) -> None:
    schema = one_field(field(typ))
    assert deserialize(schema, {'f': text}, typed=False) == {'f': expected}


@pytest.mark.parametrize(
    ('typ', 'text', 'description'),
    [
        (colander.Boolean(), 'maybe', 'Expected a boolean (true or false).'),
        (colander.Boolean(), '{}', 'Expected a boolean (true or false).'),
        (colander.Boolean(), '0', 'Expected a boolean (true or false).'),
        (colander.Boolean(), 'yes', 'Expected a boolean (true or false).'),
        (colander.Boolean(), ' true', 'Expected a boolean (true or false).'),
        (colander.Integer(), ' 7', 'Expected an integer.'),
        (colander.Integer(), '7_000', 'Expected an integer.'),
        (colander.Integer(), '\u0667', 'Expected an integer.'),
        (colander.Integer(), '7.0', 'Expected an integer.'),
        (colander.Float(), 'nan', 'Expected a number.'),
        (colander.Float(), 'inf', 'Expected a number.'),
        (colander.Float(), '1_0.5', 'Expected a number.'),
        (colander.Decimal(), 'NaN', 'Expected a number.'),
        (colander.Decimal(), 'Infinity', 'Expected a number.'),
    ],
)
def test_text_scalars_refused(typ: Any, text: str, description: str) -> None:
    schema = one_field(field(typ))
    assert errors_of(schema, {'f': text}, typed=False) == [('f', description)]


@pytest.mark.parametrize(
    ('typ', 'description'),
    [
        (colander.Boolean(), 'Expected a boolean (true or false).'),
        (
            colander.Boolean(false_choices=('non',)),
            'Expected a boolean (true or false).',
        ),
        (colander.Integer(), 'Expected an integer.'),
        (colander.Float(), 'Expected a number.'),
        (colander.Date(), 'Must not be empty.'),
    ],
)
def test_text_empty_scalar_is_refused(typ: Any, description: str) -> None:
    # colander would read '' as absent (and as true for a Boolean): an
    # empty field is a value, which these types refuse, optional or not.
    optional = one_field(field(typ, missing=None))
    assert errors_of(optional, {'f': ''}, typed=False) == [('f', description)]


def test_typed_nested_containers() -> None:
    schema = PostSchema()
    body = {
        'title': 'T',
        'views': 3,
        'author': {'name': 'Ann', 'email': 'a@b.c'},
        'tags': ['x', 'y'],
        'items': [{'sku': 'a', 'qty': 2}],
    }
    assert deserialize(schema, body) == body


def test_typed_tuple() -> None:
    schema = one_field(
        field(
            colander.Tuple(),
            children=[
                colander.SchemaNode(colander.Integer(), name='n'),
                colander.SchemaNode(colander.String(), name='s'),
            ],
        )
    )
    assert deserialize(schema, {'f': [1, 'a']}) == {'f': (1, 'a')}
    assert errors_of(schema, {'f': ['1', 2]}) == [
        ('f.0', 'Expected an integer.'),
        ('f.1', 'Expected a string.'),
    ]


# -- null ---------------------------------------------------------------------


def test_null_on_optional_nodes_means_absent() -> None:
    schema = PostSchema()
    body = {
        'title': 'T',
        'views': None,
        'author': {'name': 'Ann', 'email': None},
        'tags': None,
        'items': None,
    }
    expected = {
        'title': 'T',
        'views': 0,
        'author': {'name': 'Ann', 'email': None},
        'tags': [],
    }
    assert deserialize(schema, body) == expected


def test_null_on_required_nodes_is_an_error() -> None:
    body = {'title': None, 'author': None}
    assert errors_of(PostSchema(), body) == [
        ('title', 'Required'),
        ('author', 'Required'),
    ]
    body = {'title': 'T', 'author': {'name': None}, 'tags': ['a', None]}
    assert errors_of(PostSchema(), body) == [
        ('author.name', 'Required'),
        ('tags.1', 'Required'),
    ]


def test_null_with_a_custom_missing_message() -> None:
    node = field(colander.String(), missing_msg='Give ${name} a value')
    assert errors_of(one_field(node), {'f': None}) == [('f', 'Give f a value')]


# -- unknown fields -----------------------------------------------------------


def test_unknown_raise_names_each_field() -> None:
    body = {
        **VALID_POST,
        'zeta': 1,
        'author': {'name': 'Ann', 'nick': 'a'},
        'alpha': None,
        'items': [{'sku': 'a', 'qty': 1}, {'sku': 'b', 'qty': 1, 'x': 0}],
    }
    assert errors_of(PostSchema(), body, unknown='raise') == [
        ('author.nick', 'Unknown field.'),
        ('items.1.x', 'Unknown field.'),
        ('zeta', 'Unknown field.'),
        ('alpha', 'Unknown field.'),
    ]


def test_unknown_raise_combines_with_other_errors() -> None:
    body = {
        'title': 5,
        'extra': 1,
        'author': {'nick': 'a'},
        'tags': ['ok', 3],
    }
    assert errors_of(PostSchema(), body, unknown='raise') == [
        ('title', 'Expected a string.'),
        ('author.name', 'Required'),
        ('author.nick', 'Unknown field.'),
        ('tags.1', 'Expected a string.'),
        ('extra', 'Unknown field.'),
    ]


def test_unknown_raise_with_non_string_keys() -> None:
    # YAML may produce non-string keys
    body = {**VALID_POST, 1: 'one'}
    assert errors_of(PostSchema(), body, unknown='raise') == [
        ('1', 'Unknown field.')
    ]


def test_unknown_raise_in_text_formats() -> None:
    schema = one_field(field(colander.Integer()))
    assert errors_of(
        schema, {'f': '1', 'g': '2'}, typed=False, unknown='raise'
    ) == [('g', 'Unknown field.')]


def test_unknown_raise_accepts_known_fields() -> None:
    result = deserialize(PostSchema(), VALID_POST, unknown='raise')
    assert result == {
        'title': 'Hello',
        'views': 0,
        'author': {'name': 'Ann', 'email': None},
        'tags': [],
    }


def test_unknown_ignore_drops_fields() -> None:
    body = {**VALID_POST, 'extra': 1, 'author': {'name': 'A', 'nick': 'x'}}
    result = deserialize(PostSchema(), body, unknown='ignore')
    assert 'extra' not in result
    assert result['author'] == {'name': 'A', 'email': None}


@pytest.mark.parametrize('unknown', ['raise', 'ignore'])
def test_unknown_preserve_mapping_keeps_fields(unknown: str) -> None:
    class Doc(colander.MappingSchema):
        meta = colander.SchemaNode(
            colander.Mapping(unknown='preserve'),
            colander.SchemaNode(colander.String(), name='kind'),
        )

    body = {'meta': {'kind': 'k', 'anything': [1, 2]}}
    assert deserialize(Doc(), body, unknown=unknown) == body
    if unknown == 'raise':
        assert errors_of(Doc(), {**body, 'x': 1}, unknown='raise') == [
            ('x', 'Unknown field.')
        ]


def test_colander_raise_mapping_keeps_its_own_error() -> None:
    schema = colander.SchemaNode(
        colander.Mapping(unknown='raise'),
        colander.SchemaNode(colander.String(), name='a'),
    )
    errors = errors_of(schema, {'a': 'x', 'b': 1}, unknown='ignore')
    assert errors == [('', 'Unrecognized keys in mapping: "{\'b\': 1}"')]


# -- partial ------------------------------------------------------------------


def test_partial_makes_every_field_optional_without_defaults() -> None:
    assert deserialize(PostSchema(), {}, partial=True) == {}
    assert deserialize(PostSchema(), {'author': {}}, partial=True) == {
        'author': {}
    }
    assert deserialize(
        PostSchema(), {'author': {'email': 'e'}}, partial=True
    ) == {'author': {'email': 'e'}}


def test_partial_null_means_absent() -> None:
    body = {'title': None, 'author': {'name': None, 'email': None}}
    assert deserialize(PostSchema(), body, partial=True) == {'author': {}}


def test_partial_keeps_items_of_sequences_whole() -> None:
    body = {'items': [{'sku': 'a', 'qty': 1}, {'sku': 'b'}]}
    assert errors_of(PostSchema(), body, partial=True) == [
        ('items.1.qty', 'Required')
    ]
    assert errors_of(PostSchema(), {'tags': ['a', None]}, partial=True) == [
        ('tags.1', 'Required')
    ]


def test_partial_still_runs_validators() -> None:
    body = {'title': 'x' * 30, 'items': [{'sku': 'a', 'qty': 0}]}
    assert errors_of(PostSchema(), body, partial=True) == [
        ('title', 'Longer than maximum length 20'),
        ('items.0.qty', '0 is less than minimum value 1'),
    ]


def test_partial_and_unknown_raise() -> None:
    assert errors_of(
        PostSchema(), {'author': {'x': 1}}, partial=True, unknown='raise'
    ) == [('author.x', 'Unknown field.')]


def test_prepare_leaves_the_original_schema_alone() -> None:
    schema = PostSchema()
    original_type = type(schema['views'].typ)
    prepared = prepare(schema, typed=True, partial=True, unknown='raise')
    assert prepared is not schema
    assert type(schema['views'].typ) is original_type
    assert schema['views'].missing == 0
    with pytest.raises(colander.Invalid):
        schema.deserialize({})
    # the ordinary colander schema still coerces
    assert schema.deserialize({**VALID_POST, 'views': '3'})['views'] == 3


def test_prepared_types_subclass_the_users_types() -> None:
    first = prepare(PostSchema(), typed=True)
    second = prepare(PostSchema(), typed=False)
    for prepared in (first, second):
        assert isinstance(prepared.typ, colander.Mapping)
        assert isinstance(prepared['views'].typ, colander.Integer)
        assert type(prepared['views'].typ).__name__ == 'Integer'
    # one mixed class per user class
    assert type(first['views'].typ) is type(second['views'].typ)


def test_prepare_a_prepared_schema_again() -> None:
    typed = prepare(PostSchema(), typed=True, unknown='raise')
    text = prepare(typed, typed=False, unknown='ignore')
    body = {**VALID_POST, 'views': '3', 'extra': 1}
    assert text.deserialize(body)['views'] == 3
    with pytest.raises(colander.Invalid):
        typed.deserialize(body)


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


@colander.deferred
def tenant_validator(node: Any, kw: dict[str, Any]) -> Any:
    return colander.OneOf([kw['request'].headers.get('X-Tenant', '')])


@colander.deferred
def path_default(node: Any, kw: dict[str, Any]) -> Any:
    return kw['request'].path


class TenantSchema(colander.MappingSchema):
    tenant = colander.SchemaNode(colander.String(), validator=tenant_validator)
    origin = colander.SchemaNode(colander.String(), missing=path_default)


def test_has_deferred() -> None:
    assert has_deferred(TenantSchema()) is True
    assert has_deferred(PostSchema()) is False
    wrapped = RequestSchema()
    wrapped.add(TenantSchema(name='body'))
    assert has_deferred(wrapped) is True


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


# -- compile_output -----------------------------------------------------------


class Out(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    title = colander.SchemaNode(colander.String())
    price = colander.SchemaNode(colander.Decimal(), missing=colander.drop)
    published = colander.SchemaNode(colander.Boolean(), missing=None)
    created = colander.SchemaNode(colander.DateTime(), missing=colander.drop)
    author = Author(missing=colander.drop)
    tags = Tags(missing=colander.drop)


class Record:
    """A plain object whose attributes are read."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    @property
    def title(self) -> str:
        return 'from a property'


def test_output_keeps_declared_fields_and_drops_the_rest() -> None:
    output = compile_output(Out())
    value = {'id': 1, 'title': 't', 'secret': 'x', 'published': True}
    assert output(value) == {'id': 1, 'title': 't', 'published': True}


def test_output_keeps_native_types() -> None:
    created = datetime.datetime(2024, 1, 2, 3, 4, 5)
    value = {
        'id': 7,
        'title': 't',
        'price': D('9.90'),
        'published': False,
        'created': created,
        'tags': ('a', 'b'),
    }
    result = compile_output(Out())(value)
    assert result == {**value, 'tags': ['a', 'b']}
    assert type(result['id']) is int
    assert type(result['price']) is D
    assert result['created'] is created


def test_output_reads_attributes_of_plain_objects() -> None:
    record = Record(id=3, author=Record(name='Ann', password='x'), x=1)
    assert compile_output(Out())(record) == {
        'id': 3,
        'title': 'from a property',
        'author': {'name': 'Ann'},
    }


def test_output_of_sequences_of_objects() -> None:
    class Many(colander.SequenceSchema):
        item = Out()

    rows = [{'id': 1, 'title': 'a', 'x': 0}, Record(id=2)]
    assert compile_output(Many())(rows) == [
        {'id': 1, 'title': 'a'},
        {'id': 2, 'title': 'from a property'},
    ]


@pytest.mark.parametrize(
    ('value', 'name'),
    [
        ({'title': 't'}, 'id'),
        ({'id': 1}, 'title'),
        ({'id': 1, 'title': 't', 'author': {'email': 'e'}}, 'author.name'),
        ({'id': 1, 'title': 't', 'author': Record()}, 'author.name'),
        ({'id': 1, 'title': 't', 'tags': ['a', 'b', 3]}, 'tags.2'),
        ({'id': 1, 'title': 't', 'tags': ['a', None, 3]}, 'tags.1'),
    ],
)
def test_output_errors_have_dotted_names(value: Any, name: str) -> None:
    with pytest.raises(ResponseValidationError) as info:
        compile_output(Out())(value)
    assert info.value.name == name


def test_output_error_message() -> None:
    with pytest.raises(ResponseValidationError) as info:
        compile_output(Out())({'id': 1, 'title': 't', 'author': {}})
    assert info.value.description == 'A required field is missing.'
    assert str(info.value) == 'author.name: A required field is missing.'
    with pytest.raises(ResponseValidationError) as info:
        compile_output(Out())(5)
    assert str(info.value) == 'id: A required field is missing.'
    with pytest.raises(ResponseValidationError) as info:
        compile_output(Tags())('x')
    assert str(info.value) == '(root): Expected an array.'


def test_output_nested_positions() -> None:
    class Row(colander.MappingSchema):
        qty = colander.SchemaNode(colander.Integer())

    class Rows(colander.SequenceSchema):
        row = Row()

    class Order(colander.MappingSchema):
        items = Rows()

    with pytest.raises(ResponseValidationError) as info:
        compile_output(Order())({'items': [{'qty': 1}, {'qty': '2'}]})
    assert info.value.name == 'items.1.qty'
    assert info.value.description == 'Expected an integer.'


def test_output_optional_missing_fields_are_omitted() -> None:
    assert compile_output(Out())({'id': 1, 'title': 't'}) == {
        'id': 1,
        'title': 't',
    }


@pytest.mark.parametrize(
    'node',
    [
        Out(),
        Tags(),
        colander.SchemaNode(colander.Integer()),
        colander.SchemaNode(colander.String()),
        colander.SchemaNode(colander.Boolean()),
        colander.SchemaNode(colander.Float()),
        colander.SchemaNode(colander.Date()),
        colander.SchemaNode(colander.DateTime()),
        colander.SchemaNode(colander.Time()),
        colander.SchemaNode(colander.Sequence()),
        colander.SchemaNode(
            colander.Tuple(), colander.SchemaNode(colander.Integer())
        ),
    ],
)
def test_output_none_is_allowed_where_optional_or_nullable(
    node: colander.SchemaNode,
) -> None:
    optional = node.clone()
    optional.missing = colander.drop
    assert compile_output(optional)(None) is None
    nullable = node.clone()
    nullable.nullable = True
    assert compile_output(nullable)(None) is None
    # A required node without nullable=True: null breaks the schema.
    with pytest.raises(ResponseValidationError) as info:
        compile_output(node)(None)
    assert info.value.description == 'Must not be null.'


def test_output_none_for_fields() -> None:
    # Optional fields may be null; required ones may not.
    value = {'id': 1, 'title': 't', 'published': None, 'author': None}
    assert compile_output(Out())(value) == value
    for name in ('id', 'title'):
        with pytest.raises(ResponseValidationError) as info:
            compile_output(Out())({**value, name: None})
        assert (info.value.name, info.value.description) == (
            name,
            'Must not be null.',
        )


@pytest.mark.parametrize(
    ('typ', 'value', 'description'),
    [
        (colander.Integer(), '7', 'Expected an integer.'),
        (colander.Integer(), True, 'Expected an integer.'),
        (colander.Integer(), 7.0, 'Expected an integer.'),
        (colander.Integer(), D('7'), 'Expected an integer.'),
        (colander.String(), 7, 'Expected a string.'),
        (colander.String(), b'x', 'Expected a string.'),
        (colander.Boolean(), 1, 'Expected a boolean.'),
        (colander.Boolean(), 'true', 'Expected a boolean.'),
        (colander.Float(), '7.5', 'Expected a number.'),
        (colander.Float(), True, 'Expected a number.'),
        (colander.Decimal(), '7.5', 'Expected a number.'),
        (colander.DateTime(), 5, 'Expected a date-time.'),
        (colander.Date(), 5, 'Expected a date.'),
        (colander.Time(), datetime.date(2024, 1, 1), 'Expected a time.'),
        (colander.Sequence(), 'abc', 'Expected an array.'),
        (colander.Sequence(), b'abc', 'Expected an array.'),
        (colander.Sequence(), {'a': 1}, 'Expected an array.'),
        (colander.Sequence(), 5, 'Expected an array.'),
        (colander.List(), 'abc', 'Expected an array.'),
        (colander.Set(), 'abc', 'Expected an array.'),
    ],
)
def test_output_type_mismatches_raise(
    typ: Any, value: Any, description: str
) -> None:
    output = compile_output(colander.SchemaNode(typ))
    with pytest.raises(ResponseValidationError) as info:
        output(value)
    assert (info.value.name, info.value.description) == ('', description)


@pytest.mark.parametrize(
    ('typ', 'value'),
    [
        (colander.Integer(), 10**40),
        (colander.Float(), 7),
        (colander.Float(), 7.5),
        (colander.Decimal(), D('7.5')),
        (colander.Boolean(), False),
        (colander.String(), ''),
        (colander.DateTime(), datetime.datetime(2024, 1, 1, 12)),
        (colander.DateTime(), '2024-01-01T12:00:00Z'),
        (colander.Date(), datetime.date(2024, 1, 1)),
        (colander.Date(), '2024-01-01'),
        (colander.Time(), datetime.time(12, 30)),
        (colander.Time(), '12:30:00'),
        (Upper(), object),
        (colander.Enum(Color), Color.RED),
        (colander.Mapping(), {'dropped': 1}),
    ],
)
def test_output_accepted_scalars(typ: Any, value: Any) -> None:
    result = compile_output(colander.SchemaNode(typ))(value)
    if isinstance(typ, colander.Mapping):
        assert result == {}
    else:
        assert result is value


def test_output_date_field_with_a_datetime() -> None:
    output = compile_output(colander.SchemaNode(colander.Date()))
    try:
        result = output(datetime.datetime(2024, 1, 2, 3, 4))
    except ResponseValidationError:
        return
    assert not isinstance(result, datetime.datetime)


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (['a', 1, None, {'x': object}], ['a', 1, None, {'x': object}]),
        (('a', 'b'), ['a', 'b']),
        ((item for item in 'ab'), ['a', 'b']),
        ({'only'}, ['only']),
    ],
)
def test_output_sequence_without_child_passes_items_through(
    value: Any, expected: list[Any]
) -> None:
    result = compile_output(colander.SchemaNode(colander.Sequence()))(value)
    assert type(result) is list
    assert result == expected


@pytest.mark.parametrize(
    'typ', [colander.Set(), colander.List(), colander.Sequence()]
)
def test_output_sequence_types_check_their_items(typ: Any) -> None:
    node = colander.SchemaNode(typ, colander.SchemaNode(colander.Integer()))
    output = compile_output(node)
    assert output([1, 2]) == [1, 2]
    with pytest.raises(ResponseValidationError) as info:
        output([1, 'two'])
    assert info.value.name == '1'


def pair() -> colander.SchemaNode:
    return colander.SchemaNode(
        colander.Tuple(),
        colander.SchemaNode(colander.Integer(), name='n'),
        colander.SchemaNode(colander.String(), name='s'),
    )


def test_output_tuple() -> None:
    output = compile_output(pair())
    assert output((1, 'a')) == [1, 'a']
    assert output([1, 'a']) == [1, 'a']
    with pytest.raises(ResponseValidationError) as info:
        output((1, 2))
    assert (info.value.name, info.value.description) == (
        '1',
        'Expected a string.',
    )


@pytest.mark.parametrize('value', [(1,), (1, 'a', 'b'), ()])
def test_output_tuple_length_mismatch(value: Any) -> None:
    with pytest.raises(ResponseValidationError) as info:
        compile_output(pair())(value)
    assert (info.value.name, info.value.description) == (
        '',
        'Expected an array of 2 items.',
    )


@pytest.mark.parametrize('value', ['ab', {'a': 1, 'b': 'x'}, 5])
def test_output_tuple_refuses_non_arrays(value: Any) -> None:
    node = colander.SchemaNode(
        colander.Tuple(),
        colander.SchemaNode(colander.String(), name='a'),
        colander.SchemaNode(colander.String(), name='b'),
    )
    with pytest.raises(ResponseValidationError):
        compile_output(node)(value)


# -- as_schema ----------------------------------------------------------------


def test_as_schema_instantiates_a_class() -> None:
    schema = as_schema(PostSchema, 'schema')
    assert isinstance(schema, PostSchema)
    assert [child.name for child in schema.children] == [
        'title',
        'views',
        'author',
        'tags',
        'items',
    ]


def test_as_schema_keeps_an_instance_and_none() -> None:
    schema = PostSchema()
    assert as_schema(schema, 'schema') is schema
    assert as_schema(None, 'schema') is None


@pytest.mark.parametrize(
    'value', ['PostSchema', 5, colander.String(), colander.String, dict, {}]
)
def test_as_schema_refuses_other_values(value: Any) -> None:
    with pytest.raises(ResourceConfigurationError) as info:
        as_schema(value, 'response_schema')
    assert str(info.value).startswith(
        f'response_schema must be a colander schema, not {value!r}'
    )


def _string_schema(**kw: Any) -> colander.SchemaNode:
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(
        colander.SchemaNode(colander.String(**kw), name='title', missing='-')
    )
    schema.add(colander.SchemaNode(colander.Date(), name='day', missing=None))
    return schema


@pytest.mark.parametrize('partial', [False, True])
@pytest.mark.parametrize('field', ['title', 'day'])
def test_typed_empty_string_is_a_value_not_absence(
    partial: bool, field: str
) -> None:
    node = prepare(_string_schema(), typed=True, partial=partial)
    with pytest.raises(colander.Invalid) as info:
        node.deserialize({field: ''})
    errors = field_errors(info.value, 'body')
    assert errors == [
        {
            'location': 'body',
            'name': field,
            'description': 'Must not be empty.',
        }
    ]


def test_typed_empty_string_allowed_when_the_type_allows_it() -> None:
    node = prepare(_string_schema(allow_empty=True), typed=True)
    assert node.deserialize({'title': ''}) == {'title': '', 'day': None}


@pytest.mark.parametrize('partial', [False, True])
def test_text_empty_string_is_a_value_too(partial: bool) -> None:
    # As in JSON: a PATCH with title= must not skip the validators.
    node = prepare(_string_schema(), typed=False, partial=partial)
    with pytest.raises(colander.Invalid) as info:
        node.deserialize({'title': '', 'day': ''})
    assert info.value.asdict() == {
        'title': 'Must not be empty.',
        'day': 'Must not be empty.',
    }
    allowed = prepare(_string_schema(allow_empty=True), typed=False)
    assert allowed.deserialize({'title': ''}) == {'title': '', 'day': None}


def test_text_nil_is_absent() -> None:
    # XML's nil="true" parses to None: absent, like JSON's null.
    class Doc(colander.MappingSchema):
        flag = colander.SchemaNode(colander.Boolean(), missing=False)
        n = colander.SchemaNode(colander.Integer())

    node = prepare(Doc(), typed=False)
    with pytest.raises(colander.Invalid) as info:
        node.deserialize({'flag': None, 'n': None})
    assert info.value.asdict() == {'n': 'Required'}
    assert node.deserialize({'flag': None, 'n': '1'}) == {
        'flag': False,
        'n': 1,
    }


def test_text_empty_value_is_the_empty_container_the_schema_expects() -> None:
    # XML's <x/> is '', whatever x holds: the schema says which empty.
    class Doc(colander.MappingSchema):
        tags = Tags()
        pairs = colander.SchemaNode(
            colander.Tuple(),
            colander.SchemaNode(colander.Integer()),
            missing=colander.drop,
        )

        @colander.instantiate(missing=colander.drop)
        class author(colander.MappingSchema):
            name = colander.SchemaNode(colander.String(), missing='anon')

    node = prepare(Doc(), typed=False)
    assert node.deserialize({'tags': '', 'author': ''}) == {
        'tags': [],
        'author': {'name': 'anon'},
    }
    # The document itself: <doc/> is an empty mapping.
    with pytest.raises(colander.Invalid) as info:
        node.deserialize('')
    assert info.value.asdict() == {'tags': 'Required'}
    with pytest.raises(colander.Invalid) as info:
        node.deserialize({'tags': '', 'pairs': ''})
    assert 'pairs' in info.value.asdict()
    # Typed input keeps '' a string, which a container refuses.
    with pytest.raises(colander.Invalid):
        prepare(Doc(), typed=True).deserialize({'tags': ''})
