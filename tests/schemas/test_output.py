"""Unit tests of :mod:`pyramid_restkit.schemas.output`.

The contract is API.md, "Schemas (colander)": ``response_schema`` filters
and checks output without changing native types.
"""

from __future__ import annotations

import collections
import datetime
from typing import Any

import colander
import pytest

from pyramid_restkit.errors import (
    ResourceConfigurationError,
    ResponseValidationError,
)
from pyramid_restkit.schemas import compile_output
from tests.schemas.helpers import Author, Color, D, Tags, Upper

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
    assert str(info.value) == '(root): Expected an object.'
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


# -- a list where a mapping schema applies ------------------------------------

ROWS = [{'id': 1, 'title': 'a', 'x': 0}, Record(id=2)]
FILTERED = [{'id': 1, 'title': 'a'}, {'id': 2, 'title': 'from a property'}]


@pytest.mark.parametrize(
    'value',
    [
        ROWS,
        tuple(ROWS),
        (row for row in ROWS),
        iter(ROWS),
        map(dict, ROWS[:1]),
    ],
    ids=['list', 'tuple', 'generator', 'iterator', 'map'],
)
def test_output_mapping_schema_on_a_list_applies_to_each_item(
    value: Any,
) -> None:
    result = compile_output(Out())(value)
    assert type(result) is list
    assert result == FILTERED[: len(result)]
    assert result


def test_output_mapping_schema_on_an_empty_list() -> None:
    assert compile_output(Out())([]) == []
    assert compile_output(Out())(()) == []


def test_output_list_items_follow_the_schemas_nullability() -> None:
    with pytest.raises(ResponseValidationError) as info:
        compile_output(Out())([ROWS[0], None])
    assert (info.value.name, info.value.description) == (
        '1',
        'Must not be null.',
    )
    nullable = Out(missing=None)
    assert compile_output(nullable)([None, ROWS[0]]) == [None, FILTERED[0]]
    assert compile_output(nullable)(None) is None


def test_output_list_item_errors_are_named_by_position() -> None:
    with pytest.raises(ResponseValidationError) as info:
        compile_output(Out())([ROWS[0], {'id': 2}])
    assert str(info.value) == '1.title: A required field is missing.'


def test_output_named_tuples_are_objects_not_lists() -> None:
    Row = collections.namedtuple('Row', 'id title')
    assert compile_output(Out())(Row(1, 'a')) == {'id': 1, 'title': 'a'}
    assert compile_output(Out())([Row(1, 'a')]) == [{'id': 1, 'title': 'a'}]
    with pytest.raises(ResponseValidationError) as info:
        compile_output(Out())(Row(1, 2))
    assert info.value.name == 'title'


@pytest.mark.parametrize(
    ('value', 'name'),
    [
        ('text', ''),
        (b'bytes', ''),
        (7, ''),
        (7.5, ''),
        (True, ''),
        (D('1'), ''),
        (datetime.date(2024, 1, 1), ''),
        ({1, 2}, ''),
        ([1], '0'),
        ([[ROWS[0]]], '0'),
        ({'id': 1, 'title': 't', 'author': ['Ann']}, 'author'),
        ({'id': 1, 'title': 't', 'author': 'Ann'}, 'author'),
        ([{'id': 1, 'title': 't', 'author': ('Ann',)}], '0.author'),
    ],
)
def test_output_mapping_schemas_expect_objects(value: Any, name: str) -> None:
    with pytest.raises(ResponseValidationError) as info:
        compile_output(Out())(value)
    assert (info.value.name, info.value.description) == (
        name,
        'Expected an object.',
    )


def test_output_sequence_schemas_are_not_applied_item_by_item() -> None:
    # only a mapping schema reads a list as its items
    with pytest.raises(ResponseValidationError) as info:
        compile_output(Tags())([['a']])
    assert info.value.name == '0'


# -- naming the operation -----------------------------------------------------


def test_output_errors_name_the_operation_and_the_schema() -> None:
    output = compile_output(Out(), where="resource 'posts'.get")
    assert output(ROWS) == FILTERED
    with pytest.raises(ResponseValidationError) as info:
        output({'id': 1})
    assert str(info.value) == (
        "resource 'posts'.get: the value returned does not match its "
        'response_schema tests.schemas.test_output.Out: title: A required '
        'field is missing.'
    )
    # the parts stay as they were
    assert (info.value.name, info.value.description) == (
        'title',
        'A required field is missing.',
    )
    plain = colander.SchemaNode(colander.Integer())
    with pytest.raises(ResponseValidationError) as info:
        compile_output(plain, where='x')('7')
    assert 'response_schema colander.SchemaNode (Integer)' in str(info.value)


# -- schemas that cannot describe output --------------------------------------


def test_output_sequence_with_several_children_is_refused() -> None:
    node = colander.SchemaNode(
        colander.Sequence(),
        colander.SchemaNode(colander.String(), name='a'),
        colander.SchemaNode(colander.String(), name='b'),
        name='tags',
    )
    parent = colander.SchemaNode(colander.Mapping(), node)
    with pytest.raises(ResourceConfigurationError) as info:
        compile_output(parent, where="resource 'posts'.get")
    assert str(info.value) == (
        "resource 'posts'.get: response_schema "
        'colander.SchemaNode (Mapping): tags: a Sequence node needs exactly '
        'one child, the schema of its items (it has 2)'
    )
    with pytest.raises(ResourceConfigurationError) as info:
        compile_output(node)
    assert str(info.value).startswith('response_schema colander.SchemaNode')
