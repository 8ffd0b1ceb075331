"""The JSON Schema of each colander type.

The built-in type converters (:mod:`pyramid_restkit.openapi.jsonschema_types`),
through :class:`~pyramid_restkit.openapi.jsonschema.JSONSchemaConverter`;
see :mod:`tests.openapi.jsonschema_helpers`.
"""

from __future__ import annotations

import datetime
import decimal
import enum
from typing import Any

import colander
import pytest

from pyramid_restkit import File
from pyramid_restkit.errors import (
    ResourceConfigurationError,
    ResponseValidationError,
)
from pyramid_restkit.openapi.jsonschema import (
    NUMERIC_PATTERN,
    TIME_INPUT_PATTERN,
    TIME_OUTPUT_PATTERN,
)
from pyramid_restkit.schemas import compile_output
from tests.openapi.jsonschema_helpers import (
    Color,
    Rank,
    S,
    Tags,
    accepted,
    agree,
    convert,
    mapping,
    valid,
)

# -- scalar types -------------------------------------------------------------


def test_string() -> None:
    schema = agree(
        S(colander.String()),
        good=['a', '\u00e9', ' '],
        bad=['', 1, None, True, [], {}],
    )
    assert schema == {'type': 'string', 'minLength': 1}
    assert convert(S(colander.String()), mode='output') == {'type': 'string'}


def test_string_allow_empty() -> None:
    schema = agree(S(colander.String(allow_empty=True)), good=['', 'a'])
    assert schema == {'type': 'string'}


def test_integer() -> None:
    schema = agree(
        S(colander.Integer()),
        good=[0, -5, 10**30],
        bad=[1.5, '7', True, None, []],
    )
    assert schema == {'type': 'integer'}
    assert convert(S(colander.Integer(strict=True))) == {'type': 'integer'}


def test_float_and_numbers() -> None:
    schema = agree(
        S(colander.Float()), good=[1, 1.5, -0.0], bad=['1', True, None]
    )
    assert schema == {'type': 'number'}

    class Ratio(colander.Number):
        num = float

    assert agree(S(Ratio()), good=[0.5], bad=['x']) == {'type': 'number'}


def test_decimal() -> None:
    schema = agree(
        S(colander.Decimal()),
        good=[1, 1.5, '1.5', '-.5', '+1.', '1e3', '2E-7', 10**40],
        bad=['abc', '', '.', '1e', '--1', True, None, []],
    )
    assert schema == {'type': ['number', 'string'], 'pattern': NUMERIC_PATTERN}
    assert convert(S(colander.Decimal()), mode='output') == schema


def test_decimal_quantized() -> None:
    schema = agree(
        S(colander.Money()),
        good=['1.234', 1e25, '0' * 30 + '1', '9' * 26, -(10**26) + 1],
        bad=[1e26, 10**26, '1' + '0' * 26, -1e30, 'x'],
    )
    assert schema['exclusiveMaximum'] == 10**26
    assert schema['exclusiveMinimum'] == -(10**26)
    # Output is not quantized: whatever Decimal the resource returns.
    output = convert(S(colander.Money()), mode='output')
    assert output['pattern'] == NUMERIC_PATTERN
    # A quant that fails or leaves no digit bounds nothing.
    for quant in ('NaN', '1e-40'):
        schema = convert(S(colander.Decimal(quant=quant)))
        assert schema == {
            'type': ['number', 'string'],
            'pattern': NUMERIC_PATTERN,
        }


def test_boolean() -> None:
    schema = agree(
        S(colander.Boolean()),
        good=[True, False],
        bad=[0, 1, 'true', None],
    )
    assert schema == {'type': 'boolean'}
    assert convert(S(colander.Boolean()), mode='output') == schema


def test_boolean_choices() -> None:
    # colander reads str(value).lower(): 'true' is not among the choices.
    node = S(colander.Boolean(true_choices=('yes',)))
    assert agree(node, good=[False], bad=[True]) == {'enum': [False]}
    node = S(colander.Boolean(false_choices=(), true_choices=('yes',)))
    assert agree(node, bad=[True, False]) == {'not': {}}
    assert convert(node, mode='output') == {'type': 'boolean'}


def test_dates() -> None:
    schema = agree(
        S(colander.Date()),
        good=['2020-01-01', '0001-12-31'],
        bad=['', 'x', '2020-02-30', '2020-13-01', 20200101, None],
    )
    assert schema == {'type': 'string', 'format': 'date'}
    schema = agree(
        S(colander.DateTime()),
        good=['2020-01-01T10:00:00Z', '2020-01-01T10:00:00.5+01:00'],
        bad=['', 'x', '2020-01-01T25:00:00Z', 1],
    )
    assert schema == {'type': 'string', 'format': 'date-time'}
    output = convert(S(colander.DateTime()), mode='output')
    assert output == {'type': 'string', 'format': 'date-time'}


def test_dates_with_a_format() -> None:
    node = S(colander.Date(format='%d/%m/%Y'))
    schema = agree(node, good=['01/02/2020'], bad=['', 1])
    assert schema == {'type': 'string', 'minLength': 1}
    node = S(colander.DateTime(format='%d/%m/%Y %H:%M'))
    assert agree(node, good=['01/02/2020 10:00'], bad=['']) == schema
    # The renderer writes ISO 8601 whatever the colander format.
    output = convert(node, mode='output')
    assert output == {'type': 'string', 'format': 'date-time'}


def test_time() -> None:
    schema = agree(
        S(colander.Time()),
        good=['10:00', '1:2:3', '23:59:59.999999', '00:00:00.1'],
        bad=['10:00:00Z', '10:00+01:00', '24:00', '10:60', '10:00\n', '', 1],
    )
    assert schema == {'type': 'string', 'pattern': TIME_INPUT_PATTERN}
    output = convert(S(colander.Time()), mode='output')
    assert output == {'type': 'string', 'pattern': TIME_OUTPUT_PATTERN}
    utc = datetime.timezone.utc
    for value in (
        datetime.time(10, 0),
        datetime.time(1, 2, 3, 4),
        datetime.time(1, 2, tzinfo=utc),
        datetime.time(
            1,
            2,
            tzinfo=datetime.timezone(
                -datetime.timedelta(
                    hours=5, minutes=30, seconds=1, microseconds=2
                )
            ),
        ),
    ):
        assert valid(output, value.isoformat()), value


def test_enum() -> None:
    schema = agree(
        S(colander.Enum(Color)),
        good=['RED', 'GREEN', 'SCARLET'],
        bad=['red', 1, '', None],
    )
    assert schema == {'enum': ['RED', 'GREEN', 'SCARLET']}
    assert convert(S(colander.Enum(Color)), mode='output') == schema


def test_enum_values_typed_by_the_inner_type() -> None:
    node = S(colander.Enum(Rank, 'value', colander.Integer()))
    assert agree(node, good=[1, 2], bad=['1', True, 3]) == {'enum': [1, 2]}
    # A String reads no integer: nothing can be sent.
    node = S(colander.Enum(Rank, 'value'))
    assert agree(node, bad=[1, '1']) == {'not': {}}

    class Level(enum.Enum):
        LOW = 0.5
        HIGH = 2

    node = S(colander.Enum(Level, 'value', colander.Float()))
    assert agree(node, good=[0.5, 2], bad=['2']) == {'enum': [0.5, 2]}

    class Flag(enum.Enum):
        ON = True
        NONE = ''
        TEXT = 't'

    node = S(colander.Enum(Flag, 'value', colander.Boolean()))
    assert agree(node, good=[True], bad=['t']) == {'enum': [True]}
    node = S(colander.Enum(Flag, 'value', colander.String()))
    assert agree(node, good=['t'], bad=['', True]) == {'enum': ['t']}
    node = S(colander.Enum(Flag, 'value', colander.String(allow_empty=True)))
    assert agree(node, good=['', 't']) == {'enum': ['', 't']}

    class Amount(enum.Enum):
        ONE = decimal.Decimal('1.5')
        WEIRD = object()

    node = S(colander.Enum(Amount, 'value', colander.Decimal()))
    assert agree(node, good=['1.5']) == {'enum': ['1.5']}

    class Raw(colander.SchemaType):
        def deserialize(self, node: Any, cstruct: Any) -> Any:
            return cstruct

    node = S(colander.Enum(Rank, 'value', Raw()))
    assert agree(node, good=[1, 2], bad=['1', 1.5]) == {'enum': [1, 2]}


def test_global_object() -> None:
    # The runtime refuses it in input schemas (it would import what the
    # client names); the converter still describes it.
    node = S(colander.GlobalObject(None))
    assert convert(node) == {'type': 'string'}
    assert convert(node, mode='output') == {'type': 'string'}
    with pytest.raises(ResourceConfigurationError, match='GlobalObject'):
        accepted(node, 'os.path')


def test_unknown_type_is_any_value() -> None:
    class Upper(colander.SchemaType):
        def deserialize(self, node: Any, cstruct: Any) -> Any:
            return cstruct

    assert convert(S(Upper())) == {}
    assert convert(S(object())) == {}
    assert convert(S(Upper(), missing=None)) == {'default': None}


# -- containers ---------------------------------------------------------------


def test_mapping() -> None:
    node = mapping(
        S(colander.Integer(), name='b'),
        S(colander.String(), name='a', missing=colander.drop),
    )
    schema = agree(
        node,
        good=[{'b': 1}, {'b': 1, 'a': 'x'}, {'b': 1, 'a': None}],
        bad=[{}, {'b': None}, {'b': 1, 'c': 2}, [], None, 'x'],
    )
    assert schema == {
        'type': 'object',
        'properties': {
            'b': {'type': 'integer'},
            'a': {'type': ['string', 'null'], 'minLength': 1},
        },
        'required': ['b'],
        'additionalProperties': False,
    }
    assert list(schema['properties']) == ['b', 'a']  # declaration order


def test_mapping_unknown_fields() -> None:
    child = S(colander.Integer(), name='n', missing=0)
    extra = {'n': 1, 'other': 2}
    open_schema = agree(mapping(child), good=[extra], unknown='ignore')
    assert 'additionalProperties' not in open_schema
    # The mapping's own colander setting wins over the kit's.
    closed = agree(
        mapping(child, unknown='raise'), bad=[extra], unknown='ignore'
    )
    assert closed['additionalProperties'] is False
    preserve = agree(mapping(child, unknown='preserve'), good=[extra])
    assert 'additionalProperties' not in preserve
    # Output drops undeclared fields, whatever the settings.
    for unknown in ('raise', 'ignore', 'preserve'):
        schema = convert(mapping(child, unknown=unknown), mode='output')
        assert schema['additionalProperties'] is False


def test_mapping_output() -> None:
    node = mapping(
        S(colander.Integer(), name='n'),
        S(colander.Integer(), name='m', missing=5),
        S(colander.Integer(), name='k', nullable=True),
    )
    schema = convert(node, mode='output')
    assert schema == {
        'type': 'object',
        'properties': {
            'n': {'type': 'integer'},
            'm': {'type': ['integer', 'null']},
            'k': {'type': ['integer', 'null']},
        },
        'required': ['n', 'k'],
        'additionalProperties': False,
    }
    output = compile_output(node)
    for value in ({'n': 1, 'k': None}, {'n': 1, 'm': None, 'k': 2}):
        assert valid(schema, output(value))
    for value in ({'n': None, 'k': 1}, {'k': 1}):
        with pytest.raises(ResponseValidationError):
            output(value)
        assert not valid(schema, value)


def test_duplicate_children_are_required_once() -> None:
    node = mapping(S(colander.Integer(), name='n'))
    node.children.append(S(colander.Integer(), name='n'))
    assert convert(node)['required'] == ['n']


def test_sequence() -> None:
    schema = agree(
        Tags(),
        good=[[], ['a', 'b']],
        bad=[['a', ''], [1], 'a', None, {}],
    )
    assert schema == {
        'type': 'array',
        'items': {'type': 'string', 'minLength': 1},
    }
    # Typed input must be an array, accept_scalar or not.
    node = S(colander.Sequence(accept_scalar=True), S(colander.Integer()))
    agree(node, good=[[1]], bad=[1])
    # Without a child, colander fails on any array (IndexError).
    assert convert(S(colander.Sequence())) == {'not': {}}
    assert convert(S(colander.Sequence()), mode='output') == {'type': 'array'}


def test_sequence_items_may_be_null_when_optional() -> None:
    node = S(colander.Sequence(), S(colander.Integer(), missing=colander.drop))
    schema = agree(node, good=[[1, None]], bad=[[1.5]])
    assert schema['items'] == {'type': ['integer', 'null']}


def test_tuple() -> None:
    node = colander.TupleSchema(
        S(colander.Integer(), name='x'),
        S(colander.String(), name='y', missing=None),
    )
    schema = agree(
        node,
        good=[[1, 'a'], [1, None]],
        bad=[[1], [1, 'a', 2], ['a', 1], [None, 'a'], {}],
    )
    assert schema == {
        'type': 'array',
        'prefixItems': [
            {'type': 'integer'},
            {'type': ['string', 'null'], 'minLength': 1, 'default': None},
        ],
        'items': False,
        'minItems': 2,
        'maxItems': 2,
    }
    empty = agree(S(colander.Tuple()), good=[[]], bad=[[1]])
    assert empty == {'type': 'array', 'maxItems': 0}


def test_set_and_list() -> None:
    schema = agree(
        S(colander.Set()),
        good=[[], [1, 'a', None, True, 1.5], [1, 1]],
        bad=['ab', {}, None],
    )
    assert schema == {
        'type': 'array',
        'items': {'type': ['null', 'boolean', 'number', 'string']},
    }
    # set() would fail on these (see test_known_gaps): refused.
    assert not valid(schema, [[1]]) and not valid(schema, [{}])
    schema = agree(
        S(colander.List()), good=[[], [{'a': [1]}, None]], bad=['ab', {}]
    )
    assert schema == {'type': 'array'}
    for typ in (colander.Set(), colander.List()):
        output = convert(S(typ, S(colander.Integer())), mode='output')
        assert output == {'type': 'array', 'items': {'type': 'integer'}}
        assert convert(S(typ), mode='output') == {'type': 'array'}


def test_a_file_in_each_mode() -> None:
    """Input: no typed value is a file (forms: tests/schemas/test_files)."""
    node = colander.SchemaNode(File())
    assert convert(node) == {'not': {}, 'format': 'binary'}
    # output: the kit renders no file; nothing to check
    assert convert(node, mode='output') == {}
