"""Unit tests of :mod:`pyramid_restkit.schemas.rules`: the input rules.

The contract is API.md, "Schemas (colander)": typed formats are not
coerced, ``null`` means absent, unknown fields are named and PATCH is a
partial.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import colander
import pytest

from pyramid_restkit.errors import ResourceConfigurationError
from pyramid_restkit.schemas import field_errors, prepare
from tests.schemas.helpers import (
    VALID_POST,
    Color,
    D,
    PostSchema,
    Tags,
    Upper,
    deserialize,
    errors_of,
    field,
    one_field,
)

# -- typed values -------------------------------------------------------------

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


def test_unknown_raise_below_a_preserve_mapping() -> None:
    # The mapping that preserves keeps its unknown fields; the setting
    # still applies to the mappings it holds.
    class Owner(colander.MappingSchema):
        name = colander.SchemaNode(colander.String())

    class Doc(colander.MappingSchema):
        meta = colander.SchemaNode(
            colander.Mapping(unknown='preserve'), Owner(name='owner')
        )

    body = {'meta': {'x': 1, 'owner': {'name': 'a', 'y': 2}}}
    assert errors_of(Doc(), body, unknown='raise') == [
        ('meta.owner.y', 'Unknown field.')
    ]
    assert deserialize(Doc(), body, unknown='ignore') == {
        'meta': {'x': 1, 'owner': {'name': 'a'}}
    }


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
    # one class per user class: the user's own, no class is made
    assert type(first['views'].typ) is type(second['views'].typ)
    assert type(first['views'].typ) is colander.Integer


def test_prepare_makes_no_classes() -> None:
    # The prepared types are instances of the user's classes, not of
    # subclasses made (and cached) by the kit; see schemas._colander.hook.
    def subclasses() -> set[type]:
        return {
            *colander.SchemaType.__subclasses__(),
            *colander.Mapping.__subclasses__(),
            *Upper.__subclasses__(),
        }

    node = colander.SchemaNode(colander.Mapping())
    node.add(colander.SchemaNode(Upper(), name='u'))
    before = subclasses()
    prepared = prepare(node, typed=True)
    assert type(prepared['u'].typ) is Upper
    assert prepared.deserialize({'u': 'x'}) == {'u': 'X'}
    assert subclasses() == before


def test_prepare_a_prepared_schema_again() -> None:
    typed = prepare(PostSchema(), typed=True, unknown='raise')
    text = prepare(typed, typed=False, unknown='ignore')
    body = {**VALID_POST, 'views': '3', 'extra': 1}
    assert text.deserialize(body)['views'] == 3
    with pytest.raises(colander.Invalid):
        typed.deserialize(body)


@pytest.mark.parametrize('typed', [True, False])
@pytest.mark.parametrize('items', [[['a']], [{'a': 1}], ['a', [1]]])
def test_set_items_must_be_scalars(typed: bool, items: list[Any]) -> None:
    # colander's set() of lists or objects would raise TypeError (a 500).
    schema = one_field(field(colander.Set()))
    assert errors_of(schema, {'f': items}, typed=typed) == [
        ('f', 'Expected an array of strings, numbers or booleans.')
    ]
    assert deserialize(schema, {'f': ['a', 1, None]}, typed=typed) == {
        'f': {'a', 1, None}
    }


@pytest.mark.parametrize(
    ('node', 'message'),
    [
        (
            colander.SchemaNode(colander.GlobalObject(None), name='g'),
            'g: a GlobalObject node imports whatever module the client '
            'names; it cannot validate input',
        ),
        (
            colander.SchemaNode(colander.Sequence(), name='s'),
            's: a Sequence node needs exactly one child, the schema of its '
            'items',
        ),
        (
            colander.SchemaNode(
                colander.Sequence(),
                colander.SchemaNode(colander.String(), name='a'),
                colander.SchemaNode(colander.String(), name='b'),
            ),
            'the schema: a Sequence node needs exactly one child',
        ),
    ],
)
def test_prepare_refuses_nodes_that_cannot_validate_input(
    node: colander.SchemaNode, message: str
) -> None:
    with pytest.raises(ResourceConfigurationError) as info:
        prepare(one_field(node), typed=True)
    assert message in str(info.value)


# -- empty values -------------------------------------------------------------


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
