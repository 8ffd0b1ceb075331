"""The JSON Schema keywords of colander's validators.

The built-in validator converters
(:mod:`pyramid_restkit.openapi.jsonschema_validators`), through
:class:`~pyramid_restkit.openapi.jsonschema.JSONSchemaConverter`; see
:mod:`tests.openapi.jsonschema_helpers`.
"""

from __future__ import annotations

import datetime
import decimal
import re
import uuid
from typing import Any

import colander

from pyramid_restkit.openapi.jsonschema import (
    JSONSchemaConverter,
)
from tests.openapi.jsonschema_helpers import (
    Color,
    S,
    Tags,
    agree,
    convert,
)

# -- validators ---------------------------------------------------------------


def test_range() -> None:
    node = S(colander.Integer(), validator=colander.Range(1, 5))
    schema = agree(node, good=[1, 5], bad=[0, 6])
    assert schema == {'type': 'integer', 'minimum': 1, 'maximum': 5}
    node = S(colander.Float(), validator=colander.Range(max=1.5))
    assert agree(node, good=[1.5], bad=[1.6])['maximum'] == 1.5
    bounds = colander.Range(decimal.Decimal('2'), decimal.Decimal('2.5'))
    node = S(colander.Decimal(), validator=bounds)
    schema = agree(node, good=[2, '2.5'], bad=[1.9, 3])
    assert (schema['minimum'], schema['maximum']) == (2, 2.5)
    assert type(schema['minimum']) is int
    for useless in (
        colander.Range('a'),
        colander.Range(True),
        colander.Range(float('inf'), decimal.Decimal('NaN')),
    ):
        assert convert(S(colander.Integer(), validator=useless)) == {
            'type': 'integer'
        }
    # Bounds on other types (dates, strings) are not numbers.
    range_ = colander.Range(datetime.date(2020, 1, 1))
    assert 'minimum' not in convert(S(colander.Date(), validator=range_))


def test_length() -> None:
    node = S(colander.String(), validator=colander.Length(2, 3))
    schema = agree(node, good=['ab', 'abc', '\U0001f600\U0001f600'], bad=['a'])
    assert (schema['minLength'], schema['maxLength']) == (2, 3)
    node = Tags(validator=colander.Length(1, 2))
    schema = agree(node, good=[['a']], bad=[[], ['a', 'b', 'c']])
    assert (schema['minItems'], schema['maxItems']) == (1, 2)
    node = S(colander.Integer(), validator=colander.Length(1))
    assert convert(node) == {'type': 'integer'}
    for bounds in ((-1, None), (True, 2.5)):
        node = S(colander.String(), validator=colander.Length(*bounds))
        assert convert(node) == {'type': 'string', 'minLength': 1}


def test_one_of_and_none_of() -> None:
    node = S(colander.String(), validator=colander.OneOf(['a', 'b', 'a', 1]))
    schema = agree(node, good=['a', 'b'], bad=['c', 1])
    assert schema['enum'] == ['a', 'b', 1]
    node = S(colander.Enum(Color), validator=colander.OneOf([Color.RED]))
    schema = agree(node, good=['RED', 'SCARLET'], bad=['GREEN'])
    assert schema == {
        'enum': ['RED', 'GREEN', 'SCARLET'],
        'allOf': [{'enum': ['RED', 'SCARLET']}],
    }
    node = S(colander.Integer(), validator=colander.OneOf([]))
    assert agree(node, bad=[1]) == {'type': 'integer', 'not': {}}
    node = S(colander.Integer(), validator=colander.NoneOf([1, object()]))
    schema = agree(node, good=[2], bad=[1])
    assert schema == {'type': 'integer', 'not': {'enum': [1]}}

    class Odd:
        def __contains__(self, value: Any) -> bool:
            return bool(value % 2)

    for useless in (
        colander.OneOf('abc'),  # substrings
        colander.OneOf(Odd()),
        colander.NoneOf([object()]),
        colander.NoneOf('abc'),
    ):
        assert convert(S(colander.String(), validator=useless)) == {
            'type': 'string',
            'minLength': 1,
        }


def test_contains_only() -> None:
    only = colander.ContainsOnly([Color.RED])
    node = S(colander.Sequence(), S(colander.Enum(Color)), validator=only)
    schema = agree(node, good=[[], ['RED']], bad=[['GREEN']])
    assert schema == {
        'type': 'array',
        'items': {'enum': ['RED', 'GREEN', 'SCARLET']},
        'allOf': [{'items': {'enum': ['RED', 'SCARLET']}}],
    }
    node = S(colander.Set(), validator=colander.ContainsOnly([1, 2]))
    schema = agree(node, good=[[1, 2, 1]], bad=[[3]])
    assert schema['allOf'] == [{'items': {'enum': [1, 2]}}]
    node = S(colander.List(), validator=colander.ContainsOnly([]))
    assert agree(node, good=[[]], bad=[[1]])['items'] == {'not': {}}
    for useless in (colander.ContainsOnly('ab'), colander.ContainsOnly(None)):
        assert convert(S(colander.List(), validator=useless)) == {
            'type': 'array'
        }
    node = S(colander.String(), validator=colander.ContainsOnly('ab'))
    assert convert(node) == {'type': 'string', 'minLength': 1}


def test_regex() -> None:
    node = S(colander.String(), validator=colander.Regex(r'[a-c]+\d?$'))
    schema = agree(
        node, good=['ab', 'a1', 'a\u0661', 'ab\n'], bad=['xa', 'a12', 'A']
    )
    assert schema['pattern'].startswith('^[a-c]+[0-9')
    node = S(colander.String(), validator=colander.Regex('a', flags=re.I))
    assert 'pattern' not in convert(node)
    node = S(colander.String(), validator=colander.Regex(r'(a)\1'))
    assert 'pattern' not in convert(node)


def test_email_url_uuid() -> None:
    node = S(colander.String(), validator=colander.Email())
    schema = agree(
        node,
        good=['a@b.co', 'a.b+c@d-e.fg', 'a@b\n'],
        bad=['ab', 'a@-b', 'a b@c.d'],
    )
    assert schema['format'] == 'email'
    assert schema['pattern'].startswith(
        "^[a-zA-Z0-9.!#$%&'*+/=?\\^_`{|}~\\-]+@"
    )
    email = colander.Email()
    email.match_object = re.compile(colander.EMAIL_RE, re.IGNORECASE)
    node = S(colander.String(), validator=email)
    assert convert(node) == {
        'type': 'string',
        'minLength': 1,
        'format': 'email',
    }
    node = S(colander.String(), validator=colander.url)
    assert agree(node, good=['http://example.com/a'])['format'] == 'uri'
    node = S(colander.String(), validator=colander.uuid)
    value = str(uuid.uuid4())
    assert agree(node, good=[value, value.upper()])['format'] == 'uuid'


def test_all_and_any() -> None:
    both = colander.All(
        colander.Length(max=3),
        colander.Function(bool),
        colander.Regex('a'),
        colander.Regex('.b'),
    )
    node = S(colander.String(), validator=both)
    schema = agree(node, good=['ab'], bad=['ba', 'abab', 'a'])
    assert schema == {
        'type': 'string',
        'minLength': 1,
        'maxLength': 3,
        'pattern': '^a',
        'allOf': [{'pattern': '^[^\\n]b'}],
    }
    either = colander.Any(colander.Length(max=1), colander.Regex('x'))
    node = S(colander.String(), validator=either)
    schema = agree(node, good=['a', 'xyz'], bad=['ab'])
    assert schema['anyOf'] == [{'maxLength': 1}, {'pattern': '^x'}]
    single = colander.Any(colander.Length(max=1))
    assert convert(S(colander.String(), validator=single))['maxLength'] == 1
    for useless in (
        colander.Any(colander.Length(max=1), colander.Function(bool)),
        colander.Any(),
        colander.All(),
        colander.All(colander.Function(bool)),
        colander.Function(bool),
        colander.luhnok,
    ):
        assert convert(S(colander.String(), validator=useless)) == {
            'type': 'string',
            'minLength': 1,
        }


def test_validator_keywords_merge_with_the_type() -> None:
    def merged(validator: Any) -> dict[str, Any]:
        return convert(S(colander.String(), validator=validator))

    assert merged(colander.Length(min=3))['minLength'] == 3
    assert merged(colander.Length(min=0))['minLength'] == 1
    limits = colander.All(colander.Length(max=5), colander.Length(max=3))
    assert merged(limits)['maxLength'] == 3
    # Keywords that cannot combine go into allOf, after any already there.
    twice = colander.All(
        colander.Any(colander.Length(max=1), colander.Regex('a')),
        colander.Any(colander.Length(max=2), colander.Regex('b')),
        colander.Any(colander.Length(max=3), colander.Regex('c')),
    )
    schema = merged(twice)
    assert len(schema['allOf']) == 2 and 'anyOf' in schema

    converter = JSONSchemaConverter()
    converter.add_type(
        colander.String,
        lambda conv, node, ctx: {
            'minLength': 'x',
            'allOf': [{'type': 'string'}],
        },
    )
    node = S(
        colander.String(),
        validator=colander.All(
            colander.Length(min=2), colander.Regex('a'), colander.Regex('b')
        ),
    )
    assert converter.convert(node) == {
        'minLength': 'x',
        'allOf': [{'type': 'string'}, {'pattern': '^b'}, {'minLength': 2}],
        'pattern': '^a',
    }


def test_validators_are_kept_in_output() -> None:
    node = S(colander.String(), validator=colander.Length(max=2))
    assert convert(node, mode='output') == {'type': 'string', 'maxLength': 2}
