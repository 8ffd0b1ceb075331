"""Unit tests of :mod:`pyramid_restkit.formats.yaml`.

The parser is a security boundary (API.md, "HTTP policy"): malformed or
hostile YAML must be a :class:`ParseError` (a 400), never a 500, and an
error message quotes at most a short excerpt of the input.  Every parser
test runs twice, with libyaml's event parser and with PyYAML's own, and
every renderer test with libyaml's emitter and with PyYAML's.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import enum
import json
import math
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pyramid.request import Request

from pyramid_restkit.errors import ParseError
from pyramid_restkit.formats import yaml as yaml_format
from pyramid_restkit.formats.json import JSONRenderer
from pyramid_restkit.formats.yaml import YAMLRenderer, parse_yaml
from pyramid_restkit.media import ParseOptions
from tests.formats import helpers
from tests.formats.helpers import (
    PROPERTY,
    Colour,
    Labelled,
    Point,
    Point3D,
    Post,
    Ratio,
    Size,
    Tag,
)

PARSERS = {
    'libyaml': yaml_format._EventParser,
    'python': yaml_format._PythonParser,
}
DUMPERS = {
    'libyaml': yaml_format._FastDumper,
    'python': yaml_format._PythonDumper,
}


def test_libyaml_is_tested() -> None:
    # Without libyaml both halves of each test would use PyYAML's code.
    assert yaml.__with_libyaml__
    assert PARSERS['libyaml'] is yaml.cyaml.CParser
    assert issubclass(DUMPERS['libyaml'], yaml.CSafeDumper)


@pytest.fixture(params=sorted(PARSERS))
def parser(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test with each event parser."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yaml_format, '_EventParser', PARSERS[request.param])
        yield request.param


@pytest.fixture(params=sorted(DUMPERS))
def dumper(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test with each emitter."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yaml_format, '_FastDumper', DUMPERS[request.param])
        yield request.param


def parse(body: bytes | str, max_depth: int = 64) -> Any:
    if isinstance(body, str):
        body = body.encode('utf-8')
    return parse_yaml(body, ParseOptions(max_depth=max_depth))


def parse_error(body: bytes | str, max_depth: int = 64) -> str:
    """Parse ``body`` and return the detail of its ParseError."""
    options = ParseOptions(max_depth=max_depth)
    return helpers.parse_error(parse_yaml, body, options)


def same(a: Any, b: Any) -> bool:
    """Equality that also tells 1, 1.0 and True, and 0.0 and -0.0, apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return bool(a == b)


def nested(kind: str, depth: int) -> str:
    """A document of ``depth`` nested collections around ``1``."""
    if kind == 'flow sequence':
        return '[' * depth + '1' + ']' * depth
    if kind == 'flow mapping':
        return '{a: ' * depth + '1' + '}' * depth
    if kind == 'block sequence':
        return '- ' * depth + '1'
    return ''.join(f'{"  " * level}a:\n' for level in range(depth)) + (
        '  ' * depth + '1'
    )


NESTINGS = ['flow sequence', 'flow mapping', 'block sequence', 'block mapping']


# -- valid documents ----------------------------------------------------------


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        ('a: 1', {'a': 1}),
        ('{}', {}),
        ('[]', []),
        ('a:\n  b: [1, x, null]\n', {'a': {'b': [1, 'x', None]}}),
        ('- 1\n- two\n- {c: d}\n', [1, 'two', {'c': 'd'}]),
        ('a:\n- 1\n- 2\n', {'a': [1, 2]}),
        (
            '[1, 2.5, s, true, false, null, {}, []]',
            [1, 2.5, 's', True, False, None, {}, []],
        ),
        ('{"a": 1, "b": [true, null]}', {'a': 1, 'b': [True, None]}),
        ('x', 'x'),
        ('"text"', 'text'),
        ("'it''s'", "it's"),
        ('"tab\\there \\u00e9 \\U0001F600"', 'tab\there \u00e9 \U0001f600'),
        ('a b\n  c', 'a b c'),  # a plain scalar over two lines is folded
        ('a: |\n  one\n  two\n', {'a': 'one\ntwo\n'}),
        ('a: >-\n  one\n  two\n', {'a': 'one two'}),
        (
            'Zo\u00eb: \u65e5\u672c \U0001f600',
            {'Zo\u00eb': '\u65e5\u672c \U0001f600'},
        ),
        ('# a comment\na: 1 # another\n', {'a': 1}),
        ('---\na: 1\n...\n', {'a': 1}),
        ('%YAML 1.2\n---\na: 1\n', {'a': 1}),
        ('%TAG !e! tag:example.com,2000:\n--- a', 'a'),
        ('? a\n: 1\n', {'a': 1}),  # an explicit key
        ('[a: 1]', [{'a': 1}]),  # a single pair in a flow sequence
        ('"\\0"', '\x00'),  # escapes may give any character
        ('a: 1\nb: 1\n', {'a': 1, 'b': 1}),
        ("'<<': 1", {'<<': 1}),  # a quoted << is just a key
        ('a: <<', {'a': '<<'}),  # and so is a plain one as a value
        ('a: {a: 1}\nb: [{a: 2}]', {'a': {'a': 1}, 'b': [{'a': 2}]}),
    ],
)
def test_parse_valid_documents(parser: str, body: str, expected: Any) -> None:
    assert same(parse(body), expected)


@pytest.mark.parametrize('body', ['', '   ', '\n\n', '# only a comment\n'])
def test_parse_empty_stream_is_none(parser: str, body: str) -> None:
    assert parse(body) is None


@pytest.mark.parametrize('body', ['---', '--- \n...\n', '---\n# nothing\n'])
def test_parse_empty_document_is_none(parser: str, body: str) -> None:
    assert parse(body) is None


def test_parse_keeps_key_order(parser: str) -> None:
    assert list(parse('z: 1\na: 2\nm: 3')) == ['z', 'a', 'm']


def test_parse_accepts_a_utf8_byte_order_mark(parser: str) -> None:
    assert parse(b'\xef\xbb\xbfa: 1') == {'a': 1}


# -- YAML 1.2 core schema -----------------------------------------------------


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        ('null', None),
        ('Null', None),
        ('NULL', None),
        ('~', None),
        ('', None),
        ('true', True),
        ('True', True),
        ('TRUE', True),
        ('false', False),
        ('False', False),
        ('FALSE', False),
        ('0', 0),
        ('-0', 0),
        ('7', 7),
        ('+12', 12),
        ('-12', -12),
        ('012', 12),  # decimal in YAML 1.2 (octal in 1.1)
        ('0o17', 15),
        ('0o0', 0),
        ('0x1F', 31),
        ('0xff', 255),
        ('1.5', 1.5),
        ('-1.5e3', -1500.0),
        ('1e5', 100000.0),
        ('1E+2', 100.0),
        ('2.5e-3', 0.0025),
        ('.5', 0.5),
        ('-.5', -0.5),
        ('+.5', 0.5),
        ('1.', 1.0),
        ('0.0', 0.0),
        ('-0.0', -0.0),
        ('1e-400', 0.0),  # underflow is not an error: no infinity
        ('9' * 100, int('9' * 100)),
        ('-' + '9' * 100, -int('9' * 100)),
        ('0x' + 'f' * 100, int('f' * 100, 16)),
    ],
)
def test_parse_core_schema_scalars(
    parser: str, text: str, expected: Any
) -> None:
    if text:  # an empty entry has no flow form
        assert same(parse(f'[{text}]'), [expected])
    assert same(parse(f'v: {text}'), {'v': expected})
    assert same(parse(f'- {text}'), [expected])


@pytest.mark.parametrize(
    'text',
    [
        # YAML 1.1 booleans are strings in 1.2
        'yes',
        'no',
        'Yes',
        'NO',
        'on',
        'off',
        'On',
        'y',
        'n',
        'Y',
        'N',
        # case variants the core schema does not list
        'tRUE',
        'nULL',
        'FaLse',
        # dates and times stay strings
        '2026-01-01',
        '2001-12-14t21:59:43.10-05:00',
        '2001-12-14 21:59:43.10 -5',
        '12:30:00',
        '1:20',  # sexagesimal in 1.1
        # numbers of other notations
        '0b101',
        '1_000',
        '0X1F',
        '0O17',
        '-0x1F',
        '+0o7',
        '0o8',
        '0xg',
        '1e',
        'e5',
        '1.5.2',
        '\u0661\u0662',  # ARABIC-INDIC digits are not numbers
        '.Nan',
        '.iNf',
        '+.nan',
        '=',  # the 1.1 value key
        '.',
        'a1',
    ],
)
def test_parse_other_plain_scalars_are_strings(parser: str, text: str) -> None:
    assert parse(f'[{text}]') == [text]
    assert parse(f'{text}: v') == {text: 'v'}


@pytest.mark.parametrize(
    'text', ['"1"', "'true'", '"null"', "'~'", '""', '"0o17"', "'yes'"]
)
def test_parse_quoted_scalars_are_strings(parser: str, text: str) -> None:
    assert parse(f'[{text}]') == [text[1:-1]]


@pytest.mark.parametrize('text', ['|\n  1\n', '>\n  true\n'])
def test_parse_block_scalars_are_strings(parser: str, text: str) -> None:
    assert type(parse(text)) is str


# -- tags, anchors and aliases ------------------------------------------------


@pytest.mark.parametrize(
    'body',
    [
        '!!python/object/apply:os.system ["echo hacked"]',
        '!!python/object:__main__.Thing {a: 1}',
        '!!python/name:os.system',
        'a: !!python/tuple [1, 2]',
        '!!str 1',
        '!!int "1"',
        '!!float 1',
        '!!bool yes',
        '!!null ""',
        '!!binary aGk=',
        '!!timestamp 2001-01-01',
        '!!set {a, b}',
        '!!omap [a: 1]',
        '!!map {a: 1}',
        '!!seq [a]',
        '!custom x',
        '! x',
        '!<tag:yaml.org,2002:str> x',
        '%TAG !e! tag:example.com,2000:\n--- !e!thing x',
        '[1, !x 2]',
        '{a: !!str 1}',
        '!!str key: value',
        '- !thing\n  a: 1\n',
    ],
)
def test_parse_refuses_tags(parser: str, body: str) -> None:
    assert parse_error(body).startswith('YAML tags are not allowed (line ')


def test_parse_tag_error_gives_the_position(parser: str) -> None:
    assert parse_error('a:\n  - 1\n  - !!str 2\n') == (
        'YAML tags are not allowed (line 3, column 5).'
    )


def test_parse_refuses_undefined_tag_handles(parser: str) -> None:
    # The parser itself refuses a handle no %TAG declared; a long one is
    # quoted shortened (PyYAML quotes it; libyaml does not).
    detail = parse_error('!' + 'h' * 200 + '!x y')
    assert detail.startswith('Invalid YAML: found undefined tag handle')
    assert detail.endswith('(line 1, column 1).')
    if parser == 'python':
        assert f"'!{'h' * 36}...'" in detail


@pytest.mark.parametrize(
    'body',
    [
        '&a x',
        'a: &a 1',
        '&a [1]',
        '- &a {b: 1}',
        '&a key: value',
        '[&a 1, 2]',
    ],
)
def test_parse_refuses_anchors(parser: str, body: str) -> None:
    assert parse_error(body).startswith('YAML anchors are not allowed (line')


@pytest.mark.parametrize(
    'body', ['*a', '[*a]', 'a: *a', '{b: *b}', '*a : 1', '- 1\n- *x\n']
)
def test_parse_refuses_aliases(parser: str, body: str) -> None:
    assert parse_error(body).startswith('YAML aliases are not allowed (line')


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, levels + 1):
        refs = ', '.join([f'*lol{level - 1}'] * 10)
        lines.append(f'lol{level}: &lol{level} [{refs}]')
    return '\n'.join(lines) + '\n'


def test_parse_refuses_the_billion_laughs(parser: str) -> None:
    assert parse_error(billion_laughs()) == (
        'YAML anchors are not allowed (line 1, column 7).'
    )


def test_parse_refuses_an_alias_bomb_without_anchors_first(
    parser: str,
) -> None:
    # Aliases to anchors that are never declared: refused at the first.
    body = 'a: [' + ', '.join(['*x'] * 100_000) + ']'
    assert parse_error(body) == (
        'YAML aliases are not allowed (line 1, column 5).'
    )


@pytest.mark.parametrize(
    'body',
    [
        '<<: {a: 1}',
        'base: {a: 1}\nchild:\n  <<: {b: 2}\n',
        '{<<: [x]}',
        '- <<: 1\n',
    ],
)
def test_parse_refuses_merge_keys(parser: str, body: str) -> None:
    assert parse_error(body).startswith(
        'Merge keys (<<) are not allowed; quote the key (line'
    )


def test_parse_refuses_merge_keys_with_aliases(parser: str) -> None:
    # The classic merge needs an anchor, which is refused first.
    body = 'base: &b {a: 1}\nchild:\n  <<: *b\n'
    assert parse_error(body).startswith('YAML anchors are not allowed')


# -- keys ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ('body', 'key'),
    [
        ('1: a', '1'),
        ('1.5: a', '1.5'),
        ('0x1: a', '0x1'),
        ('true: a', 'true'),
        ('False: a', 'False'),
        ('null: a', 'null'),
        ('~: a', '~'),
        ('{1: a}', '1'),
        ('a: {2: b}', '2'),
        ('- {? , : x}', ''),
        ('a: 1\n' + '9' * 50 + ': 2', '9' * 37 + '...'),
    ],
)
def test_parse_refuses_keys_that_are_not_strings(
    parser: str, body: str, key: str
) -> None:
    assert parse_error(body).startswith(
        f'Mapping key {key!r} is not a string (quote it to make it one)'
    )


@pytest.mark.parametrize(
    'body',
    [
        '? [a]\n: 1\n',
        '? {a: 1}\n: 1\n',
        '[a]: 1',
        '{[a]: 1}',
        '{{a: 1}: 2}',
        'x:\n  ? - a\n  : 1\n',
    ],
)
def test_parse_refuses_collection_keys(parser: str, body: str) -> None:
    assert parse_error(body).startswith(
        'Mapping keys must be strings, not collections (line'
    )


@pytest.mark.parametrize(
    'body', ["'1': a", '"true": a', '"": a', "'null': a", '"~": a']
)
def test_parse_quoted_keys_are_strings(parser: str, body: str) -> None:
    (key,) = parse(body)
    assert type(key) is str


@pytest.mark.parametrize(
    ('body', 'position'),
    [
        ('a: 1\na: 2', (2, 1)),
        ("a: 1\n'a': 2", (2, 1)),
        ('{a: 1, "a": 2}', (1, 8)),
        ('x:\n  a: 1\n  b: 2\n  a: 3\n', (4, 3)),
        ('- {ok: 1}\n- {a: 1, a: 1}\n', (2, 10)),
        ('a: [{a: null, a: null}]', (1, 15)),
        ('"\\x61": 1\na: 2', (2, 1)),  # the same key once unescaped
        ('? a\n: 1\n? a\n: 2\n', (3, 3)),
    ],
)
def test_parse_refuses_duplicate_keys(
    parser: str, body: str, position: tuple[int, int]
) -> None:
    line, column = position
    assert parse_error(body) == (
        f"Duplicate key 'a' (line {line}, column {column})."
    )


def test_parse_duplicate_key_message_quotes_an_excerpt(parser: str) -> None:
    key = 'k' * 500
    detail = parse_error(f'{key}: 1\n{key}: 2\n')
    assert detail == f"Duplicate key '{'k' * 37}...' (line 2, column 1)."


# -- documents and directives -------------------------------------------------


@pytest.mark.parametrize(
    'body',
    [
        'a\n---\nb',
        '---\na: 1\n---\nb: 2\n',
        'a: 1\n...\n---\nb: 2\n',
        '---\n---\n',
        '--- a\n--- b\n--- c\n',
    ],
)
def test_parse_refuses_several_documents(parser: str, body: str) -> None:
    assert parse_error(body).startswith(
        'The body holds more than one YAML document (line'
    )


def test_parse_refuses_a_second_document_that_is_malformed(
    parser: str,
) -> None:
    assert parse_error('a: 1\n---\n[').startswith(
        'The body holds more than one YAML document'
    )


@pytest.mark.parametrize('version', ['1.0', '1.1', '1.3'])
def test_parse_refuses_other_yaml_versions(parser: str, version: str) -> None:
    body = f'%YAML {version}\n--- yes\n'
    if parser == 'libyaml' and version in ('1.0', '1.3'):
        # libyaml itself knows only 1.1 and 1.2.
        assert parse_error(body) == (
            'Invalid YAML: found incompatible YAML document '
            '(line 1, column 1).'
        )
    else:
        assert parse_error(body) == (
            f'Only YAML 1.2 documents are accepted, not %YAML {version} '
            '(line 1, column 1).'
        )


def test_parse_refuses_yaml_2(parser: str) -> None:
    assert parse_error('%YAML 2.0\n--- a\n').startswith(
        'Invalid YAML: found incompatible YAML document'
    )


# -- NaN, infinities and number limits ----------------------------------------


@pytest.mark.parametrize(
    'text', ['.inf', '.Inf', '.INF', '+.inf', '-.inf', '-.INF', '.nan', '.NaN']
)
def test_parse_refuses_nan_and_infinity(parser: str, text: str) -> None:
    assert parse_error(f'a: [1, {text}]') == (
        f'{text} is not a JSON number (line 1, column 8).'
    )


def test_parse_refuses_infinity_as_a_key(parser: str) -> None:
    assert parse_error('.inf: 1').startswith('.inf is not a JSON number')


@pytest.mark.parametrize('sign', ['', '-', '+'])
@pytest.mark.parametrize('length', [101, 4301, 100_000])
def test_parse_integer_over_100_digits(
    parser: str, sign: str, length: int
) -> None:
    detail = parse_error(f'n: {sign}{"1" * length}')
    assert detail == 'A number has more than 100 digits (line 1, column 4).'


@pytest.mark.parametrize(
    'text', ['0x' + 'f' * 101, '0o' + '7' * 101, '0' * 101, '0x' + '0' * 5000]
)
def test_parse_refuses_long_octal_and_hexadecimal(
    parser: str, text: str
) -> None:
    assert parse_error(text).startswith('A number has more than 100 digits')


@pytest.mark.parametrize(
    'text',
    [
        '0.' + '1' * 150,
        '1' * 150 + '.5',
        '1.5e' + '0' * 200,
        '-.' + '3' * 1000,
        '1' * 101 + 'e1',
    ],
)
def test_parse_refuses_very_long_floats(parser: str, text: str) -> None:
    assert parse_error(text).startswith('A number has more than 100 digits')


def test_parse_float_of_100_digits(parser: str) -> None:
    assert parse('-0.' + '5' * 99) == pytest.approx(-0.5555555555)


@pytest.mark.parametrize(
    'text', ['1e400', '-1e400', '1E+400', '[1.5e999]', '{a: 2e308}']
)
def test_parse_refuses_floats_out_of_range(parser: str, text: str) -> None:
    assert parse_error(text).startswith('A number is out of range (line 1')


# -- encoding and characters --------------------------------------------------


@pytest.mark.parametrize(
    ('body', 'position'),
    [
        (b'"\xff"', 1),
        (b'a: "\xc3"', 4),  # truncated sequence
        (b'"\xc0\xaf"', 1),  # overlong encoding of '/'
        (b'"\xed\xa0\x80"', 1),  # an encoded surrogate is not UTF-8
        (b'\xff\xfea\x00:\x00 \x001\x00', 0),  # UTF-16 with its BOM
        (b'a: \x80', 3),
    ],
)
def test_parse_refuses_invalid_utf8(
    parser: str, body: bytes, position: int
) -> None:
    assert parse_error(body) == (
        f'The body is not valid UTF-8 (byte {position}).'
    )


@pytest.mark.parametrize(
    ('body', 'code'),
    [
        ('\x00', '0000'),
        ('a: b\x07', '0007'),
        ('x\x1b', '001B'),
        ('"\x7f"', '007F'),
        ('\ufffe', 'FFFE'),
    ],
)
def test_parse_refuses_control_characters(
    parser: str, body: str, code: str
) -> None:
    detail = parse_error(body)
    assert detail.startswith('Invalid YAML: ')
    assert detail.endswith(f'characters are not allowed (U+{code}).')


@pytest.mark.parametrize(
    'body',
    [
        '"\\ud800"',
        '"\\uDFFF"',
        'a: "x\\udbffy"',
        '"\\ud83d\\ude00"',
        '{"\\ud800": 1}',
    ],
)
def test_parse_refuses_surrogate_escapes(parser: str, body: str) -> None:
    detail = parse_error(body)
    if parser == 'libyaml':
        assert detail.startswith(
            'Invalid YAML: found invalid Unicode character escape code'
        )
    else:
        assert detail.startswith('A string holds a surrogate escape (line 1')


def test_parse_accepts_characters_beyond_the_bmp(parser: str) -> None:
    assert parse('"\\U0001F600 \U0001f600"') == '\U0001f600 \U0001f600'


# -- malformed documents ------------------------------------------------------


@pytest.mark.parametrize(
    'body',
    [
        '[1, 2',
        '{a: 1',
        '[1]]',
        'a: b: c',
        '"unterminated',
        "'unterminated",
        'a:\n  - b\n c: d',
        '\tkey: 1',
        '@x',
        '`x',
        '- a\nb: 1',
        'a: 1\n- b',
        '%YAML 1.2\n%YAML 1.2\n--- a',
        'a\n...\nb',
        '"\\x"',
        '{a: 1}}',
        'key: "a\n  b" c',
        '|\n  a\n b',
    ],
)
def test_parse_malformed(parser: str, body: str) -> None:
    detail = parse_error(body)
    assert detail.startswith('Invalid YAML: ')
    assert detail.endswith(').')


def test_parse_error_gives_the_position(parser: str) -> None:
    detail = parse_error('a: 1\nb: [1, 2\n')
    assert detail.startswith('Invalid YAML: ')
    assert detail.endswith('(line 3, column 1).')


def test_describe_error_of_other_failures() -> None:
    describe = yaml_format._describe_error
    assert describe(yaml.YAMLError('boom')) == 'Invalid YAML.'
    assert describe(ValueError('boom')) == 'Invalid YAML.'
    assert describe(RecursionError()) == (
        'The body is nested too deeply to parse.'
    )
    assert describe(yaml.MarkedYAMLError()) == (
        'Invalid YAML: malformed document.'
    )
    mark = yaml.Mark('<body>', 0, 4, 2, None, None)
    assert describe(yaml.MarkedYAMLError('while parsing', mark)) == (
        'Invalid YAML: while parsing (line 5, column 3).'
    )


def test_describe_error_shortens_long_quotes() -> None:
    error = yaml.MarkedYAMLError(problem=f'found {"x" * 100!r} here')
    assert yaml_format._describe_error(error) == (
        f"Invalid YAML: found '{'x' * 37}...' here."
    )


# -- depth --------------------------------------------------------------------


@pytest.mark.parametrize('kind', NESTINGS)
@pytest.mark.parametrize('max_depth', [1, 2, 3, 8])
def test_parse_nesting_up_to_max_depth(
    parser: str, kind: str, max_depth: int
) -> None:
    result = parse(nested(kind, max_depth), max_depth)
    for _ in range(max_depth):
        result = result['a'] if isinstance(result, dict) else result[0]
    assert result == 1


@pytest.mark.parametrize('kind', NESTINGS)
@pytest.mark.parametrize('max_depth', [0, 1, 2, 3, 8, 64])
def test_parse_nesting_beyond_max_depth(
    parser: str, kind: str, max_depth: int
) -> None:
    detail = parse_error(nested(kind, max_depth + 1), max_depth)
    assert detail == f'The body is nested deeper than {max_depth} levels.'


def test_parse_scalars_do_not_count_as_levels(parser: str) -> None:
    assert parse('x', 0) == 'x'
    assert parse('[1, a, null]', 1) == [1, 'a', None]
    assert parse('{a: 1, b: [2]}', 2) == {'a': 1, 'b': [2]}


@pytest.mark.parametrize(
    'body',
    [
        '[' * 100_000,
        '[' * 100_000 + ']' * 100_000,
        '{a: ' * 100_000 + '1' + '}' * 100_000,
        '- ' * 100_000 + '1',
        '[{a: ' * 50_000,
        '{a: [' * 50_000,
    ],
)
def test_parse_extremely_deep_nesting(parser: str, body: str) -> None:
    assert parse_error(body) == 'The body is nested deeper than 64 levels.'


def test_parse_deep_nesting_within_a_large_max_depth(parser: str) -> None:
    # No recursion: a max_depth beyond the interpreter's recursion limit
    # is honoured exactly.  (The scanners take time quadratic in the
    # depth, which the usual small max_depth bounds.)
    depth = sys.getrecursionlimit() * 2
    value = parse('[' * depth + ']' * depth, depth)
    for _ in range(depth - 1):
        (value,) = value
    assert value == []
    assert parse_error('[' * (depth + 1), depth) == (
        f'The body is nested deeper than {depth} levels.'
    )


def test_parse_beyond_libyaml_nesting_limit(parser: str) -> None:
    # libyaml refuses more than LIBYAML_MAX_DEPTH levels itself; past a
    # max_depth that high, the body is still read (or refused) exactly.
    limit = yaml_format.LIBYAML_MAX_DEPTH
    depth = limit + 10
    value = parse('[' * depth + ']' * depth, depth)
    for _ in range(depth - 1):
        (value,) = value
    assert value == []
    assert parse_error('[' * depth + ']', depth).startswith('Invalid YAML: ')
    assert parse_error('[' * (limit + 1), limit - 1) == (
        f'The body is nested deeper than {limit - 1} levels.'
    )


# -- fuzzing ------------------------------------------------------------------

YAML_PIECES = st.sampled_from(
    [
        *'[ ] { } : , 1 a b ! \\ " # | > * <<'.split(),
        *'--- ... &a *a !!str !a! 1e999 .inf 0x 0o7 null no'.split(),
        *[': ', '- ', '? ', ' ', '  ', '\n', '\t', "'", '9' * 120],
        *['%YAML 1.2\n', '%TAG ! x\n', '\x00', '\ufeff', '\u2028'],
        *['\x85', '\U0001f600', '\\ud800'],
    ]
)


@settings(PROPERTY, max_examples=400)
@given(pieces=st.lists(YAML_PIECES, max_size=30))
def test_parse_fuzz_never_raises_anything_but_parse_error(
    pieces: list[str],
) -> None:
    body = ''.join(pieces).encode('utf-8', 'surrogatepass')
    for parser_class in PARSERS.values():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(yaml_format, '_EventParser', parser_class)
            try:
                parse(body, max_depth=5)
            except ParseError as error:
                assert error.detail


@PROPERTY
@given(body=st.binary(max_size=200))
def test_parse_random_bytes(body: bytes) -> None:
    for parser_class in PARSERS.values():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(yaml_format, '_EventParser', parser_class)
            try:
                parse(body)
            except ParseError:
                pass


# -- renderer -----------------------------------------------------------------


@pytest.fixture
def renderer() -> YAMLRenderer:
    return YAMLRenderer()


def render(renderer: YAMLRenderer, value: Any, request: Any = None) -> str:
    return renderer.dumps(value, request).decode('utf-8')


def test_renderer_content_type(renderer: YAMLRenderer) -> None:
    assert renderer.content_type == 'application/yaml'


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (
            {'a': [1, 2.5], 'b': None, 'c': True, 'd': {'e': 'f'}},
            'a:\n- 1\n- 2.5\nb: null\nc: true\nd:\n  e: f\n',
        ),
        ({}, '{}\n'),
        ([], '[]\n'),
        ({'a': {}, 'b': []}, 'a: {}\nb: []\n'),
        ((1, 'x'), '- 1\n- x\n'),
        ([[1, 2], [3]], '- - 1\n  - 2\n- - 3\n'),
    ],
)
def test_renderer_block_style(
    renderer: YAMLRenderer, dumper: str, value: Any, expected: str
) -> None:
    assert render(renderer, value) == expected


@pytest.mark.parametrize('value', ['x', 7, None, True, 1.5])
def test_renderer_scalar_documents(
    renderer: YAMLRenderer, dumper: str, value: Any
) -> None:
    # PyYAML's emitter ends an open scalar document with '...'.
    text = render(renderer, value)
    assert text.split('\n')[0] == yaml.safe_dump(value).split('\n')[0]
    assert same(parse(text), value)


def test_renderer_keeps_insertion_order(
    renderer: YAMLRenderer, dumper: str
) -> None:
    assert render(renderer, {'z': 1, 'a': 2, 'm': 3}) == 'z: 1\na: 2\nm: 3\n'


def test_renderer_writes_utf8(renderer: YAMLRenderer, dumper: str) -> None:
    value = {'name': 'Zo\u00eb \u65e5\u672c \U0001f600'}
    result = renderer.dumps(value, None)
    if dumper == 'libyaml':
        # libyaml 0.2.5 escapes characters beyond the BMP.
        expected = 'name: "Zo\u00eb \u65e5\u672c \\U0001F600"\n'
    else:
        expected = 'name: Zo\u00eb \u65e5\u672c \U0001f600\n'
    assert result == expected.encode()
    assert parse(result) == value


#: Strings that a YAML 1.1 or 1.2 reader would take for something else.
AMBIGUOUS = [
    '',
    *'yes no on off y n Yes NO On OFF Y N true False TRUE null Null'.split(),
    *'NULL ~ 1 -1 +1 012 0o17 0x1F 0b101 1_000 1:20 1.0 1e5 1E+2 .5'.split(),
    *'+.5 1. -0.0 .inf -.Inf .nan .NaN 2026-01-01 12:30:00 << ='.split(),
    '2001-12-14t21:59:43.10-05:00',
]


@pytest.mark.parametrize('text', AMBIGUOUS)
def test_renderer_quotes_strings_readers_would_misread(
    renderer: YAMLRenderer, dumper: str, text: str
) -> None:
    for value in [text, [text], {text: text}]:
        output = render(renderer, value)
        assert f"'{text}'" in output or f'"{text}"' in output
        assert same(parse(output), value)
        # A YAML 1.1 reader (PyYAML's) reads the same.
        assert same(yaml.safe_load(output), value)


@pytest.mark.parametrize(
    'text', ['plain', 'two words', 'a1', 'x-y', '.Nan', '1.5.2', '0X1F']
)
def test_renderer_leaves_plain_strings_plain(
    renderer: YAMLRenderer, dumper: str, text: str
) -> None:
    assert render(renderer, {'k': text}) == f'k: {text}\n'


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (1e16, '1.0e+16'),
        (1e-7, '1.0e-07'),
        (-0.0, '-0.0'),
        (0.1, '0.1'),
        (123456789012345678.0, '1.2345678901234568e+17'),
        (5e-324, '5.0e-324'),
        (10**30, '1' + '0' * 30),
        (-(2**70), str(-(2**70))),
    ],
)
def test_renderer_numbers(
    renderer: YAMLRenderer, dumper: str, value: Any, expected: str
) -> None:
    output = render(renderer, {'v': value})
    assert output == f'v: {expected}\n'
    assert same(parse(output), {'v': value})
    assert same(yaml.safe_load(output), {'v': value})


@pytest.mark.parametrize(
    ('value', 'text', 'written'),
    [
        (
            datetime.datetime(2024, 2, 29, 10, 11, 12),
            '2024-02-29T10:11:12',
            "'2024-02-29T10:11:12'",
        ),
        (
            datetime.datetime(
                2024, 2, 29, 10, 11, 12, 5, tzinfo=datetime.timezone.utc
            ),
            '2024-02-29T10:11:12.000005+00:00',
            "'2024-02-29T10:11:12.000005+00:00'",
        ),
        (datetime.date(2024, 2, 29), '2024-02-29', "'2024-02-29'"),
        (datetime.time(10, 11, 12), '10:11:12', "'10:11:12'"),
        (decimal.Decimal('1.10'), '1.10', "'1.10'"),
        (decimal.Decimal('-1E+3'), '-1E+3', "'-1E+3'"),
        (
            uuid.UUID('12345678-1234-5678-1234-567812345678'),
            '12345678-1234-5678-1234-567812345678',
            '12345678-1234-5678-1234-567812345678',
        ),
    ],
)
def test_renderer_strings_for_dates_decimals_and_uuids(
    renderer: YAMLRenderer, dumper: str, value: Any, text: str, written: str
) -> None:
    output = render(renderer, {'v': value})
    assert output == f'v: {written}\n'
    assert parse(output) == {'v': text}
    assert yaml.safe_load(output) == {'v': text}


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ({3, 1, 2}, [1, 2, 3]),
        (frozenset({'b', 'a'}), ['a', 'b']),
        (set(), []),
        ({'a': {2, 1}}, {'a': [1, 2]}),
    ],
)
def test_renderer_sets_become_sorted_lists(
    renderer: YAMLRenderer, dumper: str, value: Any, expected: Any
) -> None:
    assert parse(render(renderer, value)) == expected


def test_renderer_uses_json_method_with_the_request(
    renderer: YAMLRenderer, dumper: str, request_: Request
) -> None:
    value = [Post('Hi'), {'nested': Post('Yo')}]
    assert render(renderer, value, request_) == (
        '- title: Hi\n  path: /posts/7\n'
        '- nested:\n    title: Yo\n    path: /posts/7\n'
    )


def test_renderer_add_adapter(
    renderer: YAMLRenderer, dumper: str, request_: Request
) -> None:
    seen: list[Any] = []

    def adapt(point: Point, request: Any) -> Any:
        seen.append(request)
        return [point.x, point.y]

    renderer.add_adapter(Point, adapt)
    assert parse(render(renderer, {'p': Point(1, 2)}, request_)) == {
        'p': [1, 2]
    }
    assert seen == [request_]


def test_renderer_adapter_found_through_the_mro(
    renderer: YAMLRenderer, dumper: str
) -> None:
    renderer.add_adapter(Point, lambda p, request: [p.x, p.y])
    assert parse(render(renderer, Point3D(1, 2, 3))) == [1, 2]
    renderer.add_adapter(Point3D, lambda p, request: [p.x, p.y, p.z])
    assert parse(render(renderer, [Point(1, 2), Point3D(1, 2, 3)])) == [
        [1, 2],
        [1, 2, 3],
    ]
    # an adapter of a base class comes before __json__
    assert parse(render(renderer, Labelled(4, 5))) == [4, 5]
    assert parse(render(YAMLRenderer(), Labelled(4, 5))) == 'from __json__'


def test_renderer_adapter_replaces_a_builtin_one(
    renderer: YAMLRenderer, dumper: str
) -> None:
    renderer.add_adapter(datetime.date, lambda d, request: d.year)
    value = [datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4)]
    assert parse(render(renderer, value)) == [2024, '2024-01-02T03:04:00']


def test_renderer_adapters_belong_to_one_renderer(
    renderer: YAMLRenderer,
) -> None:
    renderer.add_adapter(Point, lambda p, request: [p.x, p.y])
    with pytest.raises(TypeError):
        YAMLRenderer().dumps(Point(1, 2), None)


def test_renderer_shares_the_adapters_of_a_json_renderer() -> None:
    json_renderer = JSONRenderer()
    renderer = YAMLRenderer(json_renderer)
    json_renderer.add_adapter(Point, lambda p, request: [p.x, p.y])
    assert renderer.dumps(Point(1, 2), None) == b'- 1\n- 2\n'
    renderer.add_adapter(Point, lambda p, request: 'p')
    assert json_renderer.dumps(Point(1, 2), None) == b'"p"'


class Row(tuple):  # type: ignore[type-arg]
    pass


def test_renderer_subclasses_of_json_types_are_those_types(
    renderer: YAMLRenderer, dumper: str
) -> None:
    value = {
        'size': Size.BIG,
        'tag': Tag('yes'),
        'ratio': Ratio(0.5),
        'row': Row((1, 2)),
        'ordered': collections.OrderedDict(b=1, a=2),
        'default': collections.defaultdict(list, k=[1]),
    }
    assert render(renderer, value) == (
        "size: 3\ntag: 'yes'\nratio: 0.5\nrow:\n- 1\n- 2\n"
        'ordered:\n  b: 1\n  a: 2\ndefault:\n  k:\n  - 1\n'
    )
    # the same as JSON makes of them
    assert parse(render(renderer, value)) == json.loads(
        JSONRenderer().dumps(value, None)
    )


def test_renderer_enum_is_adapted(renderer: YAMLRenderer, dumper: str) -> None:
    with pytest.raises(TypeError, match='^Colour is not YAML serializable$'):
        renderer.dumps(Colour.RED, None)
    renderer.add_adapter(enum.Enum, lambda member, request: member.value)
    assert render(renderer, [Colour.RED]) == '- red\n'


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (
            {1: 'a', 2.5: 'b', False: 'c', None: 'd'},
            ['1', '2.5', 'false', 'null'],
        ),
        ({True: 1, -7: 2, Size.BIG: 3}, ['true', '-7', '3']),
        ({Tag('k'): 1}, ['k']),
    ],
)
def test_renderer_keys_become_strings_as_in_json(
    renderer: YAMLRenderer, dumper: str, value: Any, expected: list[str]
) -> None:
    result = parse(render(renderer, value))
    assert list(result) == expected
    assert result == json.loads(JSONRenderer().dumps(value, None))


@pytest.mark.parametrize(
    ('key', 'name'),
    [((1, 2), 'tuple'), (datetime.date(2024, 1, 1), 'date'), (b'k', 'bytes')],
)
def test_renderer_other_keys_are_a_type_error(
    renderer: YAMLRenderer, key: Any, name: str
) -> None:
    with pytest.raises(TypeError, match=f'not {name}$'):
        renderer.dumps({key: 1}, None)


@pytest.mark.parametrize(
    ('value', 'name'),
    [
        (object(), 'object'),
        ({'p': Point(1, 2)}, 'Point'),
        ([b'bytes'], 'bytes'),
        ({'c': 1j}, 'complex'),
    ],
)
def test_renderer_unserializable_is_a_type_error(
    renderer: YAMLRenderer, value: Any, name: str
) -> None:
    with pytest.raises(TypeError, match=f'^{name} is not YAML serializable$'):
        renderer.dumps(value, None)


@pytest.mark.parametrize(
    'value',
    [
        float('nan'),
        [float('inf')],
        {'a': -float('inf')},
        {float('nan'): 1},
        Ratio('inf'),
    ],
)
def test_renderer_refuses_nan_and_infinity(
    renderer: YAMLRenderer, dumper: str, value: Any
) -> None:
    with pytest.raises(ValueError, match='^Out of range float values'):
        renderer.dumps(value, None)


def test_renderer_refuses_circular_references(
    renderer: YAMLRenderer, dumper: str
) -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    mapping: dict[str, Any] = {}
    mapping['self'] = [mapping]
    renderer.add_adapter(Point, lambda p, request: {'again': p})
    for value in [loop, mapping, Point(1, 2)]:
        with pytest.raises(ValueError, match='^Circular reference detected$'):
            renderer.dumps(value, None)


def test_renderer_writes_shared_objects_without_anchors(
    renderer: YAMLRenderer, dumper: str
) -> None:
    shared = {'x': [1]}
    post = Post('p')
    renderer.add_adapter(Point, lambda p, request: shared)
    value = {'a': shared, 'b': [shared, shared], 'c': Point(0, 0)}
    output = render(renderer, value, Request.blank('/'))
    assert '&' not in output and '*' not in output
    assert parse(output) == {'a': shared, 'b': [shared, shared], 'c': shared}
    assert (
        parse(render(renderer, [post, post], Request.blank('/')))
        == [{'title': 'p', 'path': '/'}] * 2
    )


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('\ud800', '"\\uD800"\n'),
        ({'k\udfff': 'Zo\u00eb'}, '"k\\uDFFF": Zo\u00eb\n'),
        (['\U0001f600', 'x\udc00'], '- \U0001f600\n- "x\\uDC00"\n'),
    ],
)
def test_renderer_lone_surrogate_is_escaped(
    renderer: YAMLRenderer, dumper: str, value: Any, expected: str
) -> None:
    result = renderer.dumps(value, None)
    assert result.decode('utf-8') == expected


def test_renderer_long_keys_and_multiline_strings(
    renderer: YAMLRenderer, dumper: str
) -> None:
    value = {
        'k' * 300: 'v',
        'lines': 'one\ntwo\n\n three \n',
        'long': ' '.join(['word'] * 100),
        'x\ny': 'key with a line break',
    }
    output = render(renderer, value)
    assert same(parse(output), value)
    assert same(yaml.safe_load(output), value)


def test_renderer_ignores_options_and_renders_problems(
    renderer: YAMLRenderer, request_: Request
) -> None:
    problem = {'type': 'about:blank', 'title': 'Not Found', 'status': 404}
    expected = b'type: about:blank\ntitle: Not Found\nstatus: 404\n'
    assert renderer.dumps(problem, request_, root='post') == expected
    assert renderer.dumps_problem(problem, request_) == expected


# -- round trips --------------------------------------------------------------

TRICKY_TEXT = st.sampled_from(
    [
        *AMBIGUOUS,
        *'- -- ? : , # @ ` ! & * | > % [a] {a} \' " \\ --- ...'.split(),
        *[' ', ' a', 'a ', '- a', '? x', ': x', 'a: b', 'a #b', '#x', '@x'],
        *['`x', '!x', '&x', '*x', '%x', '\t', 'a\tb', 'a\nb', 'a\n', '\n'],
        *['\n\n ', '\r', '\r\n', '\x85', '\u2028', '\u2029', '\ufeff'],
        *['\x00', '\x7f', '\x1b', '\U0010ffff', '--- x', '... x', 'a\n---\nb'],
    ]
)

JSON_TEXT = st.one_of(
    st.text(),
    TRICKY_TEXT,
    st.from_regex(r'[-+]?[0-9._eExXoO:]{0,8}', fullmatch=True),
)

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**100) + 1, max_value=10**100 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    JSON_TEXT,
)

JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(JSON_TEXT, children, max_size=5),
    ),
    max_leaves=25,
)


@pytest.mark.slow
@pytest.mark.parametrize('dumper_name', sorted(DUMPERS))
@settings(PROPERTY, max_examples=500)
@given(value=JSON_VALUES)
def test_round_trip(dumper_name: str, value: Any) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yaml_format, '_FastDumper', DUMPERS[dumper_name])
        output = YAMLRenderer().dumps(value, None)
    for parser_class in PARSERS.values():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(yaml_format, '_EventParser', parser_class)
            assert same(parse(output, max_depth=100), value), output
    # A YAML 1.1 reader (PyYAML's safe_load) reads the same value.
    assert same(yaml.safe_load(output), value), output


@PROPERTY
@given(value=JSON_VALUES)
def test_emitters_agree(value: Any) -> None:
    outputs = set()
    for dumper_class in DUMPERS.values():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(yaml_format, '_FastDumper', dumper_class)
            outputs.add(YAMLRenderer().dumps(value, None))
    values = [parse(output, max_depth=100) for output in outputs]
    assert all(same(item, values[0]) for item in values)
