"""MessagePack: integers beyond 64 bits are rendered as decimal strings.

JSON carries any integer (the JSON parser accepts up to 100 digits), so a
resource may return one; MessagePack's integers stop at 64 bits.  Rather
than a 500 for data JSON can send, the renderer writes those as strings.
"""

from __future__ import annotations

from typing import Any

import msgpack
import pytest

from pyramid_restkit.formats.msgpack import MsgpackRenderer


@pytest.fixture
def renderer() -> MsgpackRenderer:
    return MsgpackRenderer()


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (2**64, str(2**64)),
        (-(2**63) - 1, str(-(2**63) - 1)),
        (10**99, '1' + '0' * 99),
        (
            {'a': [2**64 - 1, -(2**63), 2**70], 'b': {'c': -(10**30)}},
            {
                'a': [2**64 - 1, -(2**63), str(2**70)],
                'b': {'c': str(-(10**30))},
            },
        ),
        (
            [True, False, None, 1.5, 's', 2**65],
            [True, False, None, 1.5, 's', str(2**65)],
        ),
    ],
)
def test_big_integers_become_strings(
    renderer: MsgpackRenderer, value: Any, expected: Any
) -> None:
    assert msgpack.unpackb(renderer.dumps(value, None)) == expected


def test_integers_within_64_bits_stay_integers(
    renderer: MsgpackRenderer,
) -> None:
    value = [2**64 - 1, -(2**63), 0]
    assert msgpack.unpackb(renderer.dumps(value, None)) == value
