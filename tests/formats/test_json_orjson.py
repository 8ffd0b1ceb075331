"""The orjson fast path of :class:`~pyramid_restkit.formats.json.JSONRenderer`.

With orjson installed the renderer must write the very bytes the standard
library encoder writes, or raise the same error: each test compares a
renderer with the fast path against one without (``use_orjson=False``),
and checks which path served the value.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import decimal
import enum
import functools
import json
import sys
import uuid
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyramid.request import Request

from pyramid_restkit.formats.json import JSONRenderer
from tests.formats.helpers import PROPERTY, Colour, Ratio, Size, Tag

#: The request adapters and ``__json__`` methods receive.
REQUEST = Request.blank('/posts/7')


@pytest.fixture
def fast() -> JSONRenderer:
    renderer = JSONRenderer()
    assert renderer._orjson is orjson
    return renderer


@pytest.fixture
def slow() -> JSONRenderer:
    renderer = JSONRenderer(use_orjson=False)
    assert renderer._orjson is None
    return renderer


def outcome(renderer: JSONRenderer, value: Any) -> tuple[Any, Any]:
    """What ``dumps`` returns, or the type and message of its error."""
    try:
        return 'ok', renderer.dumps(value, REQUEST)
    except (TypeError, ValueError, RecursionError) as error:
        return type(error), str(error)


def served_by_orjson(renderer: JSONRenderer, value: Any) -> bool:
    """Tell whether the fast path alone wrote ``value``."""
    token = renderer._request.set(REQUEST)
    try:
        return renderer._dumps_orjson(value) is not None
    except (TypeError, ValueError):
        return False
    finally:
        renderer._request.reset(token)


def assert_same(value: Any, *, by_orjson: bool | None = None) -> None:
    """Both renderers give the same outcome; optionally check the path."""
    fast, slow = JSONRenderer(), JSONRenderer(use_orjson=False)
    assert outcome(fast, value) == outcome(slow, value)
    if by_orjson is not None:
        assert served_by_orjson(fast, value) is by_orjson


# -- setup --------------------------------------------------------------------


def test_orjson_is_used_when_installed(fast: JSONRenderer) -> None:
    assert served_by_orjson(fast, {'a': [1, 'x', None, True, 2.5]})


def test_use_orjson_false_keeps_the_stdlib(slow: JSONRenderer) -> None:
    assert slow.dumps({'a': 1}, REQUEST) == b'{"a":1}'


def test_without_orjson_the_stdlib_encoder_is_used() -> None:
    with pytest.MonkeyPatch.context() as patch:
        # A None entry makes ``import orjson`` raise ImportError.
        patch.setitem(sys.modules, 'orjson', None)
        renderer = JSONRenderer()
    assert renderer._orjson is None
    assert renderer.dumps({'a': [1e-7]}, REQUEST) == b'{"a":[1e-07]}'


def test_orjson_agrees_with_the_installed_release() -> None:
    assert JSONRenderer._orjson_agrees(orjson.dumps)


@pytest.mark.parametrize(
    'dumps',
    [
        functools.partial(orjson.dumps, option=orjson.OPT_APPEND_NEWLINE),
        functools.partial(orjson.dumps, option=orjson.OPT_INDENT_2),
        lambda value: json.dumps(value).encode(),  # other separators
        lambda value: json.dumps(value, separators=(',', ':')).encode(),
        # a formatter of floats unlike repr()
        lambda value: (
            json.dumps(value, separators=(',', ':'))
            .replace('0.0001', '1e-4')
            .encode()
        ),
    ],
)
def test_orjson_agrees_refuses_other_output(dumps: Any) -> None:
    assert not JSONRenderer._orjson_agrees(dumps)


# -- edge cases ---------------------------------------------------------------


@pytest.mark.parametrize(
    'value',
    [
        0.1,
        0.0,
        -0.0,
        1e-4,
        -1e-4,
        0.00012345,
        1.5,
        1e15,
        9999999999999998.0,
        1234567890123456.8,
        2.0**53,
        [0.2 + 0.1, 1 / 3],
    ],
)
def test_floats_without_exponent_take_the_fast_path(value: Any) -> None:
    assert_same(value, by_orjson=True)


@pytest.mark.parametrize(
    'value',
    [
        1e16,
        1e-7,
        1e-5,
        3e-05,
        9.999999999999999e-05,
        123456789012345678.0,
        5e-324,
        -5e-324,
        1.7976931348623157e308,
        1e22,
        [1, 2, {'a': 1e-10}],
    ],
)
def test_floats_with_exponent_take_the_stdlib_path(value: Any) -> None:
    # orjson writes 1e-7 and 0.00001 where repr() writes 1e-07 and 1e-05.
    assert_same(value, by_orjson=False)


@pytest.mark.parametrize(
    'value', [float('nan'), float('inf'), [-float('inf')], {'a': float('nan')}]
)
def test_nan_and_infinity_are_a_value_error(value: Any) -> None:
    # orjson alone would write null.
    assert outcome(JSONRenderer(), value)[0] is ValueError
    assert_same(value, by_orjson=False)


@pytest.mark.parametrize(
    ('value', 'by_orjson'),
    [
        (0, True),
        (-1, True),
        (2**63 - 1, True),
        (2**63, True),
        (2**64 - 1, True),
        (-(2**63), True),
        (2**64, False),
        (-(2**63) - 1, False),
        (10**100, False),
        ([1, 2**200], False),
        (True, True),
        (None, True),
    ],
)
def test_integers(value: Any, by_orjson: bool) -> None:
    assert_same(value, by_orjson=by_orjson)


@pytest.mark.parametrize(
    'value',
    [
        '',
        'a"b\\c/',
        '\x00\x01\x1f\x7f\b\f\n\r\t',
        '\u2028\u2029\x85\ufeff',
        'Zo\u00eb \u65e5\u672c \U0001f600 \U0010ffff',
        '</script><!--',
        {'k\x00"': 'v\n'},
    ],
)
def test_strings_take_the_fast_path(value: Any) -> None:
    assert_same(value, by_orjson=True)


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('\ud800', b'"\\ud800"'),
        ({'k\udfff': 'Zo\u00eb'}, b'{"k\\udfff":"Zo\\u00eb"}'),
        (['\U0001f600', 'x\udc00'], b'["\\ud83d\\ude00","x\\udc00"]'),
    ],
)
def test_lone_surrogates_keep_the_ascii_fallback(
    fast: JSONRenderer, value: Any, expected: bytes
) -> None:
    assert fast.dumps(value, REQUEST) == expected
    assert_same(value, by_orjson=False)


@pytest.mark.parametrize(
    'value',
    [
        {1: 'a'},
        {1.5: 'a', 2: 'b'},
        {True: 'a', None: 'b'},
        {'a': {7: [1]}},
        {(1, 2): 'a'},
        {datetime.date(2024, 1, 1): 'a'},
    ],
)
def test_keys_that_are_not_strings(value: Any) -> None:
    assert_same(value, by_orjson=False)


class Mood(str, enum.Enum):
    HAPPY = 'happy'


class Items(dict):  # type: ignore[type-arg]
    def items(self) -> Any:
        return [('from', 'items')]


Pair = collections.namedtuple('Pair', 'a b')


@pytest.mark.parametrize(
    'value',
    [
        Colour.RED,  # orjson writes its value; the stdlib refuses it
        [Size.BIG],
        {'m': Mood.HAPPY},
        Tag('x'),
        {Tag('k'): 1},
        Ratio(0.5),
        Items(a=1),
        collections.OrderedDict(b=1, a=2),
        Pair(1, 2),
        orjson.Fragment(b'{"raw":true}'),  # orjson's own type
    ],
)
def test_enums_subclasses_and_fragments_take_the_stdlib_path(
    value: Any,
) -> None:
    assert_same(value, by_orjson=False)


def test_enum_adapters_apply_as_without_orjson() -> None:
    fast = JSONRenderer()
    fast.add_adapter(enum.Enum, lambda member, request: member.name)
    assert fast.dumps([Colour.RED, Mood.HAPPY], REQUEST) == b'["RED","happy"]'


@dataclasses.dataclass
class Point:
    x: float
    y: float

    def __json__(self, request: Request) -> Any:
        return {'x': self.x, 'y': self.y, 'path': request.path}


class Opaque:
    pass


@pytest.mark.parametrize(
    ('value', 'by_orjson'),
    [
        (datetime.datetime(2024, 2, 29, 10, 11, 12), True),
        (
            datetime.datetime(
                2024, 2, 29, 10, 11, 12, 5, tzinfo=datetime.timezone.utc
            ),
            True,
        ),
        (datetime.date(2024, 2, 29), True),
        (datetime.time(10, 11, 12), True),
        (decimal.Decimal('1.10'), True),
        (uuid.UUID('12345678-1234-5678-1234-567812345678'), True),
        ({3, 1, 2}, True),
        (frozenset({'b', 'a'}), True),
        ({'p': Point(1.5, 2)}, True),  # a dataclass with __json__
        ({'p': Point(1e-9, 2)}, False),  # ... that returns a tiny float
        ({'p': Point(float('nan'), 2)}, False),
        (Opaque(), False),
        ([b'bytes'], False),
        (1j, False),
    ],
)
def test_adapted_types(value: Any, by_orjson: bool) -> None:
    assert_same(value, by_orjson=by_orjson)


class LoudUUID(uuid.UUID):
    def __str__(self) -> str:
        return super().__str__().upper()


def test_uuid_subclasses_go_through_the_adapters() -> None:
    value = LoudUUID(int=10)
    assert_same(value, by_orjson=True)
    assert JSONRenderer().dumps(value, REQUEST) == (
        b'"00000000-0000-0000-0000-00000000000A"'
    )


def test_a_replaced_uuid_adapter_turns_uuids_to_the_stdlib_path() -> None:
    value = {'id': uuid.UUID(int=1)}
    for renderer in (JSONRenderer(), JSONRenderer(use_orjson=False)):
        renderer.add_adapter(uuid.UUID, lambda u, request: u.int)
        assert renderer.dumps(value, REQUEST) == b'{"id":1}'
    renderer = JSONRenderer()
    renderer.add_adapter(uuid.UUID, lambda u, request: u.int)
    assert not served_by_orjson(renderer, value)


def test_adapters_see_the_request_on_the_fast_path(
    fast: JSONRenderer,
) -> None:
    seen: list[Any] = []

    def adapt(value: Opaque, request: Any) -> Any:
        seen.append(request)
        return 'opaque'

    fast.add_adapter(Opaque, adapt)
    assert served_by_orjson(fast, [Opaque()])
    assert fast.dumps({'o': Opaque()}, REQUEST) == b'{"o":"opaque"}'
    assert seen == [REQUEST, REQUEST]


def test_adapter_results_that_are_adapted_again() -> None:
    renderer = JSONRenderer()
    renderer.add_adapter(Opaque, lambda value, request: [Opaque2()])
    slow = JSONRenderer(use_orjson=False)
    slow.add_adapter(Opaque, lambda value, request: [Opaque2()])
    for item in (renderer, slow):
        item.add_adapter(Opaque2, lambda value, request: {'n': 1.5})
    assert renderer.dumps(Opaque(), REQUEST) == b'[{"n":1.5}]'
    assert slow.dumps(Opaque(), REQUEST) == b'[{"n":1.5}]'
    assert served_by_orjson(renderer, Opaque())


class Opaque2:
    pass


def test_adapter_errors_are_the_stdlib_errors() -> None:
    def fail(value: Opaque, request: Any) -> Any:
        raise ValueError('cannot adapt')

    results = []
    for renderer in (JSONRenderer(), JSONRenderer(use_orjson=False)):
        renderer.add_adapter(Opaque, fail)
        results.append(outcome(renderer, {'o': Opaque()}))
    assert results[0] == results[1] == (ValueError, 'cannot adapt')


def test_circular_references() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    mapping: dict[str, Any] = {}
    mapping['self'] = mapping
    for value in (loop, mapping):
        fast = outcome(JSONRenderer(), value)
        assert fast == (ValueError, 'Circular reference detected')
        assert_same(value)


@pytest.mark.parametrize('depth', [250, 260, 600])
def test_deep_nesting_beyond_orjson_limit(depth: int) -> None:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    assert_same(value, by_orjson=depth < 255)
    value = {'a': 1}
    for _ in range(depth):
        value = {'a': value}
    assert_same(value, by_orjson=depth < 255)


def test_shared_objects() -> None:
    shared = {'x': [1.5, 'y']}
    assert_same({'a': shared, 'b': [shared, shared]}, by_orjson=True)


# -- property -----------------------------------------------------------------

#: Shared by the property tests (function fixtures would be per example).
FAST = JSONRenderer()
SLOW = JSONRenderer(use_orjson=False)

KEYS = st.one_of(
    st.text(max_size=8),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**66), 2**66),
    st.integers(-(10**120), 10**120),
    st.floats(),
    st.floats(min_value=-1e17, max_value=1e17),
    st.floats(min_value=-1e-3, max_value=1e-3),
    st.text(),
    st.text(st.characters(codec='utf-8')),
    st.text(st.characters(categories=['Cs', 'Cc', 'Zl', 'Zp'])),
    st.sampled_from([Colour.RED, Size.BIG, Mood.HAPPY, Tag('t')]),
    st.datetimes(timezones=st.none() | st.just(datetime.timezone.utc)),
    st.dates(),
    st.times(),
    st.decimals(allow_nan=False),
    st.uuids(),
    st.frozensets(st.integers(), max_size=4),
    st.builds(Point, st.floats(), st.floats()),
)

VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.lists(children, max_size=5).map(tuple),
        st.dictionaries(st.text(max_size=8), children, max_size=5),
        st.dictionaries(KEYS, children, max_size=4),
    ),
    max_leaves=30,
)


@pytest.mark.slow
@settings(PROPERTY, max_examples=3000)
@given(value=VALUES)
def test_fast_path_writes_the_stdlib_bytes(value: Any) -> None:
    assert outcome(FAST, value) == outcome(SLOW, value)


@pytest.mark.slow
@settings(PROPERTY, max_examples=3000)
@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_is_written_as_repr(value: float) -> None:
    assert FAST.dumps(value, REQUEST) == float.__repr__(value).encode()
    assert FAST.dumps([value], REQUEST) == SLOW.dumps([value], REQUEST)
