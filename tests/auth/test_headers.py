"""Reading ``Authorization`` (pyramid_restkit.auth.headers).

Every malformed value is "no credentials" (``None``), never an
exception: the table of bad headers, the 8 KiB boundary, and a property
run over arbitrary text.
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyramid_restkit.auth.headers import (
    MAX_AUTHORIZATION,
    basic_credentials,
    bearer_token,
    check_realm,
    has_scheme,
    quoted,
)


def basic(raw: bytes) -> str:
    return 'Basic ' + base64.b64encode(raw).decode('ascii')


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (basic(b'alice:secret'), ('alice', 'secret')),
        # the scheme is case-insensitive; spaces around and between
        ('basic ' + basic(b'a:b')[6:], ('a', 'b')),
        ('BASIC  ' + basic(b'a:b')[6:], ('a', 'b')),
        (' \t' + basic(b'a:b') + ' ', ('a', 'b')),
        # the password may be empty, and holds colons after the first
        (basic(b'alice:'), ('alice', '')),
        (basic(b'alice:x:y'), ('alice', 'x:y')),
        # UTF-8 (RFC 7617 charset="UTF-8")
        (basic('José:pässwörd'.encode()), ('José', 'pässwörd')),
    ],
)
def test_basic_credentials(value: str, expected: tuple[str, str]) -> None:
    assert basic_credentials(value) == expected


#: Values that carry no usable Basic credentials.
BAD_BASIC = [
    None,
    '',
    'Basic',
    'Basic ',
    'Basic    ',
    'Bearer abc',
    'Digest username="a"',
    'Basic realm="x"',  # auth-params, not a token68
    basic(b'alice'),  # no colon
    basic(b':secret'),  # empty username
    basic(b''),  # nothing
    basic(b'\xff\xfe:secret'),  # not UTF-8
    basic(b'al\x00ice:secret'),  # a control character
    basic(b'alice:se\ncret'),
    basic(b'alice:secret') + ', ' + basic(b'bob:x'),  # two credentials
    basic(b'alice:secret') + ',',
    'Basic YWxpY2U6c2VjcmU',  # "alice:secre" without its padding
    'Basic YWxpY2U6c2VjcmV0PQ',  # bad padding
    'Basic YWxp Y2U6',  # a space inside
    'Basic YWxp\x00Y2U6',  # a control character in the header
    'Basic YW-xpY2U6c2VjcmV0',  # b64token character, not base64
    'Basic YWxpY2U6c2VjcmV0\r\nX: y',  # header splitting
    'Basic ====',
    'Basicx ' + basic(b'a:b')[6:],
    basic(b'a:b') + 'é',
    'Basic ' + 'A' * (MAX_AUTHORIZATION - 5),  # over 8 KiB
]


@pytest.mark.parametrize('value', BAD_BASIC)
def test_malformed_basic_is_no_credentials(value: str | None) -> None:
    assert basic_credentials(value) is None


def test_the_8_kib_boundary() -> None:
    password = 'x' * 6000
    value = basic(f'alice:{password}'.encode())
    # pad with spaces before the scheme up to the limit exactly
    at_limit = ' ' * (MAX_AUTHORIZATION - len(value)) + value
    assert len(at_limit) == MAX_AUTHORIZATION == 8192
    assert basic_credentials(at_limit) == ('alice', password)
    assert basic_credentials(' ' + at_limit) is None
    token = 'a' * (MAX_AUTHORIZATION - len('Bearer '))
    assert bearer_token('Bearer ' + token) == token
    assert bearer_token('Bearer ' + token + 'a') is None


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (
            'Bearer abc.DEF-ghi_jkl~mno+pqr/stu==',
            'abc.DEF-ghi_jkl~mno+pqr/stu==',
        ),
        ('bearer t', 't'),
        ('BEARER   t ', 't'),
        ('Bearer', None),
        ('Bearer ', None),
        ('Bearer a b', None),
        ('Bearer a,b', None),
        ('Bearer a, Bearer b', None),
        ('Bearer a=b', None),  # "=" only at the end
        ('Bearer a"b', None),
        ('Bearer a\x7fb', None),
        ('Bearer tökén', None),
        ('Basic ' + 'dDp0', None),
        ('Token abc', None),
        (None, None),
    ],
)
def test_bearer_token(value: str | None, expected: str | None) -> None:
    assert bearer_token(value) == expected


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('Bearer x', True),
        ('bearer', True),
        (' BEARER a,b', True),
        ('Bearerx y', False),
        ('Basic x', False),
        ('', False),
        (None, False),
    ],
)
def test_has_scheme(value: str | None, expected: bool) -> None:
    assert has_scheme(value, 'bearer') is expected


@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(value: str) -> None:
    for scheme in ('Basic ', 'Bearer ', ''):
        found = basic_credentials(scheme + value)
        assert found is None or (isinstance(found, tuple) and found[0])
        token = bearer_token(scheme + value)
        assert token is None or (token and ' ' not in token)


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    # what a WSGI server hands over: the bytes decoded as ISO-8859-1, or
    # base64 of any bytes behind the scheme
    text = raw.decode('latin-1')
    assert bearer_token(text) in (None, text.strip(' \t')[7:].strip(' '))
    assert basic_credentials(text) is None or text.strip()[:6].lower() == (
        'basic '
    )
    found = basic_credentials(basic(raw))
    if found is not None:
        assert f'{found[0]}:{found[1]}'.encode() == raw
    assert bearer_token(basic(raw)) is None


def test_realms_are_quoted() -> None:
    assert quoted('api') == '"api"'
    assert quoted('a "b" \\c') == '"a \\"b\\" \\\\c"'


@pytest.mark.parametrize(
    'realm', ['a\r\nSet-Cookie: x', 'tab\there', 'nul\x00', 'é', '\x7f']
)
def test_realms_refuse_control_and_non_ascii_characters(realm: str) -> None:
    with pytest.raises(ValueError, match='printable ASCII') as info:
        check_realm(realm)
    assert repr(realm) in str(info.value)


def test_a_realm_is_a_string() -> None:
    with pytest.raises(TypeError, match='a realm is a str'):
        check_realm(b'api')
    assert check_realm('') == ''
    assert check_realm('My API "v2"') == 'My API "v2"'
