"""Unit tests of :mod:`pyramid_restkit.formats.form`.

Form bodies come straight from browsers and scripts: anything malformed
must be a :class:`ParseError` (a 400), and uploaded file names must never
be usable as paths.
"""

from __future__ import annotations

import dataclasses
import io
import urllib.parse
from typing import Any

import pytest
import webtest
from hypothesis import given
from hypothesis import strategies as st
from webob.multidict import MultiDict
from webob.request import Request

from pyramid_restkit.errors import ParseError
from pyramid_restkit.formats.form import (
    FORM_TYPES,
    MAX_BOUNDARY,
    MAX_FILENAME_BYTES,
    MAX_PART_HEADERS,
    UploadedFile,
    multipart_boundary,
    parse_form,
    remove_field,
    safe_filename,
)
from pyramid_restkit.media import ParseOptions
from tests.formats import helpers
from tests.formats.helpers import PROPERTY

URLENCODED = 'application/x-www-form-urlencoded'
BOUNDARY = 'XyZ-b0undary'
MULTIPART = f'multipart/form-data; boundary={BOUNDARY}'


def options(
    content_type: str = URLENCODED,
    max_fields: int = 1000,
    charset: str | None = None,
) -> ParseOptions:
    return ParseOptions(
        max_depth=64,
        charset=charset,
        content_type=content_type,
        max_fields=max_fields,
    )


def parse(
    body: bytes,
    content_type: str = URLENCODED,
    max_fields: int = 1000,
    charset: str | None = None,
) -> MultiDict[str, Any]:
    return parse_form(body, options(content_type, max_fields, charset))


def parse_error(
    body: bytes,
    content_type: str = URLENCODED,
    max_fields: int = 1000,
    charset: str | None = None,
) -> str:
    detail = helpers.parse_error(
        parse_form, body, options(content_type, max_fields, charset)
    )
    assert len(detail) < 120
    return detail


def part(
    name: str | None = 'f',
    content: bytes = b'',
    filename: str | None = None,
    content_type: str | None = None,
    disposition: str | None = None,
    headers: tuple[bytes, ...] = (),
) -> bytes:
    """One multipart part: header lines, a blank line and the content."""
    lines = list(headers)
    if disposition is None:
        disposition = 'form-data'
        if name is not None:
            disposition += f'; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
    lines.insert(0, f'Content-Disposition: {disposition}'.encode())
    if content_type is not None:
        lines.append(f'Content-Type: {content_type}'.encode())
    return b'\r\n'.join(lines) + b'\r\n\r\n' + content


def multipart(*parts: bytes, boundary: str = BOUNDARY) -> bytes:
    delimiter = b'--' + boundary.encode()
    body = b''.join(delimiter + b'\r\n' + p + b'\r\n' for p in parts)
    return body + delimiter + b'--\r\n'


def test_form_types() -> None:
    assert FORM_TYPES == (
        'application/x-www-form-urlencoded',
        'multipart/form-data',
    )


# -- urlencoded ---------------------------------------------------------------


def test_urlencoded_fields() -> None:
    form = parse(b'title=Hello+world&tag=a&tag=b&empty=&x=%3D%26%2B')
    assert isinstance(form, MultiDict)
    assert list(form.items()) == [
        ('title', 'Hello world'),
        ('tag', 'a'),
        ('tag', 'b'),
        ('empty', ''),
        ('x', '=&+'),
    ]
    assert form.getall('tag') == ['a', 'b']


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        (b'', []),
        (b'=', [('', '')]),
        (b'a=1=2', [('a', '1=2')]),
        (b'name=Zo%C3%AB', [('name', 'Zo\u00eb')]),
        ('name=Zo\u00eb'.encode(), [('name', 'Zo\u00eb')]),  # raw UTF-8
        (b'k%20y=%F0%9F%98%80', [('k y', '\U0001f600')]),
        (b'a=%zz', [('a', '%zz')]),  # not an escape: kept as it is
        (b'a=%00', [('a', '\x00')]),
    ],
)
def test_urlencoded_values(
    body: bytes, expected: list[tuple[str, str]]
) -> None:
    assert list(parse(body).items()) == expected


@pytest.mark.parametrize(
    'content_type',
    [
        URLENCODED,
        'Application/X-WWW-Form-URLEncoded; charset=UTF-8',
        '',  # not multipart: read as urlencoded
    ],
)
def test_urlencoded_content_types(content_type: str) -> None:
    assert parse(b'a=1', content_type) == MultiDict([('a', '1')])


@pytest.mark.parametrize(
    ('body', 'position'), [(b'a=\xff', 2), (b'\xc3(=1', 0)]
)
def test_urlencoded_refuses_invalid_utf8(body: bytes, position: int) -> None:
    assert parse_error(body) == (
        f'The body is not valid UTF-8 (byte {position}).'
    )


@pytest.mark.parametrize(
    'body', [b'a=%FF', b'%C3=1', b'a=%ED%A0%80', b'a=%C0%AF', b'a=1&b=%E2%82']
)
def test_urlencoded_refuses_invalid_percent_encoded_utf8(body: bytes) -> None:
    assert parse_error(body) == (
        'A form field is not valid UTF-8 once percent-decoded.'
    )


@pytest.mark.parametrize('body', [b'a', b'a=1&b', b'a=1&', b'&a=1', b'a=1&&'])
def test_urlencoded_refuses_fields_without_equals(body: bytes) -> None:
    assert parse_error(body) == "A form field has no '=' or is empty."


def test_urlencoded_max_fields() -> None:
    assert len(parse(b'a=1&b=2&a=3', max_fields=3)) == 3
    assert parse_error(b'a=1&b=2&a=3', max_fields=2) == (
        'The form has more than 2 fields.'
    )
    body = b'&'.join([b'x=1'] * 100_000)
    assert parse_error(body) == 'The form has more than 1000 fields.'


def test_urlencoded_refuses_other_charsets() -> None:
    assert parse_error(b'a=1', charset='iso-8859-1') == (
        "The charset 'iso-8859-1' is not supported; send UTF-8."
    )
    assert parse(b'a=1', charset='us-ascii')['a'] == '1'


@PROPERTY
@given(st.lists(st.tuples(st.text(), st.text()), max_size=20))
def test_urlencoded_round_trip(pairs: list[tuple[str, str]]) -> None:
    body = urllib.parse.urlencode(pairs).encode('ascii')
    assert list(parse(body).items()) == pairs


@PROPERTY
@given(st.binary())
def test_urlencoded_any_bytes_returns_or_raises_parse_error(
    body: bytes,
) -> None:
    try:
        form = parse(body, max_fields=10)
    except ParseError:
        return
    assert all(isinstance(value, str) for value in form.values())


# -- multipart: valid bodies --------------------------------------------------


def test_multipart_text_fields_and_files() -> None:
    body = multipart(
        part('title', b'Hello'),
        part('tag', b'a'),
        part('tag', 'Zo\u00eb'.encode()),
        part('doc', b'\x00\xff\r\nbinary', 'report.pdf', 'application/pdf'),
    )
    form = parse(body, MULTIPART)
    assert isinstance(form, MultiDict)
    assert [key for key in form] == ['title', 'tag', 'tag', 'doc']
    assert form['title'] == 'Hello'
    assert form.getall('tag') == ['a', 'Zo\u00eb']
    upload = form['doc']
    assert isinstance(upload, UploadedFile)
    assert upload.filename == 'report.pdf'
    assert upload.content_type == 'application/pdf'
    assert upload.size == 10
    assert upload.file.tell() == 0
    assert upload.read(4) == b'\x00\xff\r\n'
    assert upload.read() == b'binary'
    assert upload.read() == b''
    upload.file.seek(0)
    assert upload.file.read() == b'\x00\xff\r\nbinary'


def test_uploaded_file_is_frozen_and_hides_its_content() -> None:
    upload = UploadedFile('a.txt', 'text/plain', 3, io.BytesIO(b'abc'))
    with pytest.raises(dataclasses.FrozenInstanceError):
        upload.filename = '../x'  # type: ignore[misc]
    assert repr(upload) == (
        "UploadedFile(filename='a.txt', content_type='text/plain', size=3)"
    )


def test_multipart_from_webob_request() -> None:
    # A real client encoder: WebOb's own, as used by Request.blank.
    request = Request.blank(
        '/', POST={'title': 'Hi', 'upload': ('notes.txt', b'line\r\n')}
    )
    form = parse(request.body, request.headers['Content-Type'])
    assert form['title'] == 'Hi'
    upload = form['upload']
    assert (upload.filename, upload.content_type, upload.read()) == (
        'notes.txt',
        'text/plain',
        b'line\r\n',
    )


def test_multipart_from_webtest() -> None:
    app = webtest.TestApp(lambda environ, start_response: [])
    content_type, body = app.encode_multipart(
        [('a', 'x'), ('a', 'Zo\u00eb'), ('empty', '')],
        [('file', 'data.bin', b'\x00\x01')],
    )
    form = parse(body, content_type)
    assert form.getall('a') == ['x', 'Zo\u00eb']
    assert form['empty'] == ''
    assert form['file'].read() == b'\x00\x01'


def test_multipart_empty_form() -> None:
    assert parse(b'--' + BOUNDARY.encode() + b'--', MULTIPART) == MultiDict()


def test_multipart_preamble_epilogue_and_padding() -> None:
    delimiter = b'--' + BOUNDARY.encode()
    body = (
        b'This is a preamble.\r\n'
        + delimiter
        + b' \t\r\n'
        + part('a', b'1')
        + b'\r\n'
        + delimiter
        + b'--  \r\nepilogue, ignored\r\n--'
    )
    assert list(parse(body, MULTIPART).items()) == [('a', '1')]


@pytest.mark.parametrize(
    'content',
    [
        b'',
        b'\r\n',
        b'\r\n\r\n',
        b'x--' + BOUNDARY.encode(),  # not after a line break: content
        b'x\n--' + BOUNDARY.encode() + b'\r\n',
        b'a\r\n-' + BOUNDARY.encode(),
    ],
)
def test_multipart_content_edges(content: bytes) -> None:
    form = parse(multipart(part('f', content, 'f.bin')), MULTIPART)
    assert form['f'].read() == content


@pytest.mark.parametrize(
    'boundary',
    ["'()+_,-./:=?", 'a', 'x' * MAX_BOUNDARY, 'with space inside'],
)
def test_multipart_boundaries(boundary: str) -> None:
    body = multipart(part('a', b'1'), boundary=boundary)
    content_type = f'multipart/form-data; boundary="{boundary}"'
    assert parse(body, content_type)['a'] == '1'


def test_multipart_unquoted_boundary_and_parameters() -> None:
    body = multipart(part('a', b'1'), boundary='--=_Part_1')
    content_type = 'Multipart/Form-Data ;Boundary = --=_Part_1 ; x=y;'
    assert parse(body, content_type)['a'] == '1'


@pytest.mark.parametrize(
    ('disposition', 'name'),
    [
        ('form-data; name=plain', 'plain'),
        ('Form-Data; NAME="x"', 'x'),
        ('form-data;name="a;b"', 'a;b'),
        ('form-data; name="q\\"uote"', 'q"uote'),
        ('form-data; name="back\\\\slash"', 'back\\slash'),
        ('form-data; name="keep\\n"', 'keep\\n'),
        ('form-data; name=""', ''),
        ('form-data; name="Zo\u00eb"', 'Zo\u00eb'),
        ('form-data; name="a" ;', 'a'),
    ],
)
def test_multipart_disposition_parameters(disposition: str, name: str) -> None:
    body = multipart(part(disposition=disposition, content=b'v'))
    assert list(parse(body, MULTIPART).items()) == [(name, 'v')]


def test_multipart_header_names_ignore_case() -> None:
    body = multipart(
        b'content-disposition: form-data; name="a"\r\n'
        b'X-Other:  anything\t\r\n'
        b'CONTENT-TYPE: text/plain; charset=utf-8\r\n'
        b'Content-Transfer-Encoding: 8bit\r\n'
        b'\r\n'
        b'value'
    )
    assert parse(body, MULTIPART)['a'] == 'value'


@pytest.mark.parametrize('encoding', ['binary', '8BIT', '7bit'])
def test_multipart_identity_transfer_encodings(encoding: str) -> None:
    header = f'Content-Transfer-Encoding: {encoding}'.encode()
    body = multipart(part('a', b'x', headers=(header,)))
    assert parse(body, MULTIPART)['a'] == 'x'


@pytest.mark.parametrize(
    ('content_type', 'expected'),
    [
        (None, 'text/plain'),
        ('image/PNG', 'image/png'),
        ('text/csv; charset=utf-8', 'text/csv'),
        ('application/vnd.api+json', 'application/vnd.api+json'),
    ],
)
def test_multipart_file_content_types(
    content_type: str | None, expected: str
) -> None:
    body = multipart(part('f', b'x', 'x.bin', content_type))
    assert parse(body, MULTIPART)['f'].content_type == expected


@pytest.mark.parametrize(
    ('disposition', 'filename'),
    [
        ('form-data; name="f"; filename=""', ''),
        ('form-data; name="f"; filename="../../etc/passwd"', 'passwd'),
        ('form-data; name="f"; filename="C:\\Users\\me\\a.txt"', 'a.txt'),
        ('form-data; name="f"; filename="a%22b.txt"', 'a%22b.txt'),
        (
            "form-data; name=f; filename*=UTF-8''Zo%C3%AB%20a.txt",
            'Zo\u00eb a.txt',
        ),
        (
            "form-data; name=f; filename*=iso-8859-1'en'caf%E9.txt",
            'caf\u00e9.txt',
        ),
        ("form-data; name=f; filename=a.txt; filename*=utf-8''b.txt", 'b.txt'),
        ("form-data; name=f; filename*=utf-8''..%2F..%2Fx", 'x'),
    ],
)
def test_multipart_filenames(disposition: str, filename: str) -> None:
    body = multipart(part(disposition=disposition, content=b'data'))
    upload = parse(body, MULTIPART)['f']
    assert isinstance(upload, UploadedFile)
    assert upload.filename == filename
    assert upload.read() == b'data'


def test_multipart_empty_file_input() -> None:
    # What browsers send for a file input left empty.
    body = multipart(part('f', b'', '', 'application/octet-stream'))
    upload = parse(body, MULTIPART)['f']
    assert (upload.filename, upload.size, upload.read()) == ('', 0, b'')


def test_multipart_part_without_headers_is_refused() -> None:
    body = multipart(b'\r\nvalue')
    assert parse_error(body, MULTIPART) == (
        'A multipart part has no Content-Disposition.'
    )


def test_multipart_max_fields() -> None:
    body = multipart(part('a', b'1'), part('b', b'2'))
    assert len(parse(body, MULTIPART, max_fields=2)) == 2
    assert parse_error(body, MULTIPART, max_fields=1) == (
        'The form has more than 1 fields.'
    )


def test_multipart_ignores_other_part_headers() -> None:
    # RFC 7578 section 4.8: other headers MUST be ignored.  The multipart
    # library refuses a Content-Length that does not match the content,
    # and header names with characters other than letters, digits, '-' and
    # '_' (benchmarks/README.md, "Multipart parsing"); the kit ignores both.
    body = multipart(
        part('a', b'1', headers=(b'Content-Length: 5', b'X.Y~z: w'))
    )
    assert parse(body, MULTIPART)['a'] == '1'


def test_multipart_long_quoted_parameter() -> None:
    value = 'y\\"' * 50_000
    content_type = f'{MULTIPART}; x="{value}"'
    assert parse(multipart(part('a', b'1')), content_type)['a'] == '1'


DISPOSITION = b'Content-Disposition: form-data; name="a"'
#: A header line that makes DISPOSITION's part's headers MAX_PART_HEADERS
#: bytes long.
PAD = b'X-Pad: ' + b'p' * (MAX_PART_HEADERS - len(DISPOSITION) - 9)
TOO_LONG = (
    f'A multipart part has more than {MAX_PART_HEADERS} bytes of headers.'
)


def test_multipart_part_headers_up_to_the_bound() -> None:
    assert len(DISPOSITION + b'\r\n' + PAD) == MAX_PART_HEADERS
    body = multipart(part('a', b'1', headers=(PAD,)))
    assert parse(body, MULTIPART) == MultiDict([('a', '1')])


@pytest.mark.parametrize(
    'data',
    [
        multipart(part('a', b'1', headers=(PAD + b'p',))),
        multipart(part('a', b'1', headers=(b'X-A: ' + b'j' * 1_000_000,))),
        multipart(part('a', b'1', headers=(b'X-A: b',) * 20_000)),
        multipart(part('f', b'1', 'n' * 100_000)),
        # no blank line within the bound, nor after it
        multipart(b'X-A: ' + b'a' * MAX_PART_HEADERS),
    ],
)
def test_multipart_part_headers_beyond_the_bound(data: bytes) -> None:
    # The multipart libraries bound header lines too (4224 bytes, 8 lines).
    assert parse_error(data, MULTIPART) == TOO_LONG


# -- multipart: malformed bodies ----------------------------------------------


@pytest.mark.parametrize(
    ('content_type', 'detail'),
    [
        ('multipart/form-data', 'The multipart Content-Type has no boundary.'),
        (
            'multipart/form-data; boundary=""',
            'The multipart Content-Type has no boundary.',
        ),
        (
            'multipart/form-data; charset=utf-8',
            'The multipart Content-Type has no boundary.',
        ),
        (
            f'multipart/form-data; boundary="{"x" * (MAX_BOUNDARY + 1)}"',
            'The multipart boundary is malformed.',
        ),
        (
            'multipart/form-data; boundary="ends with space "',
            'The multipart boundary is malformed.',
        ),
        (
            'multipart/form-data; boundary="tab\there"',
            'The multipart boundary is malformed.',
        ),
        (
            'multipart/form-data; boundary="Zo\u00eb"',
            'The multipart boundary is malformed.',
        ),
        (
            'multipart/form-data; boundary="unterminated',
            "The header parameters '; boundary=\"unterminated' are malformed.",
        ),
        (
            'multipart/form-data; boundary=a; boundary=b',
            "The header parameter 'boundary' is repeated.",
        ),
        (
            'multipart/form-data; boundary',
            "The header parameters '; boundary' are malformed.",
        ),
        (
            'multipart/form-data; boundary=a b',
            "The header parameters '; boundary=a b' are malformed.",
        ),
    ],
)
def test_multipart_bad_content_type(content_type: str, detail: str) -> None:
    body = multipart(part('a', b'1'), boundary='a')
    assert parse_error(body, content_type) == detail


def test_multipart_refuses_other_charsets() -> None:
    body = multipart(part('a', b'1'))
    assert parse_error(body, MULTIPART, charset='utf-16') == (
        "The charset 'utf-16' is not supported; send UTF-8."
    )


def test_multipart_parameter_messages_quote_an_excerpt() -> None:
    content_type = 'multipart/form-data; ' + 'x' * 1000
    detail = parse_error(b'', content_type)
    assert detail == f"The header parameters '; {'x' * 35}...' are malformed."


D = b'--' + BOUNDARY.encode()
GOOD = part('a', b'1')


@pytest.mark.parametrize(
    ('body', 'detail'),
    [
        (b'', 'The multipart body has no opening boundary.'),
        (b'a=1', 'The multipart body has no opening boundary.'),
        (b'--other\r\n' + GOOD, 'The multipart body has no opening boundary.'),
        (D, 'A multipart boundary line does not end with CRLF.'),
        (
            D + b'\r\n' + GOOD,
            'The multipart body is truncated (no closing boundary).',
        ),
        (
            D + b'\r\n' + GOOD + b'\r\n' + D,
            'A multipart boundary line does not end with CRLF.',
        ),
        (
            D + b'X\r\n' + GOOD + b'\r\n' + D + b'--',
            'A multipart boundary line is malformed.',
        ),
        (
            D
            + b'\r\n'
            + GOOD
            + b'\r\n'
            + D
            + b'X\r\n'
            + GOOD
            + b'\r\n'
            + D
            + b'--',
            'A multipart boundary line is malformed.',
        ),
        (
            D
            + b'\nContent-Disposition: form-data; name="a"\n\n1\n'
            + D
            + b'--',
            'A multipart boundary line does not end with CRLF.',
        ),
        (
            D + b'\r\n\r\n' + D + b'--',
            'A multipart part has no blank line after its headers.',
        ),
        (
            D
            + b'\r\nContent-Disposition: form-data; name="a"\r\n'
            + D
            + b'--',
            'A multipart part has no blank line after its headers.',
        ),
    ],
)
def test_multipart_malformed_structure(body: bytes, detail: str) -> None:
    assert parse_error(body, MULTIPART) == detail


@pytest.mark.parametrize(
    ('header', 'detail'),
    [
        (b'No colon', 'A multipart part has a malformed header line.'),
        (b': empty name', 'A multipart part has a malformed header line.'),
        (b'Bad Name: x', 'A multipart part has a malformed header line.'),
        (b' folded: x', 'A multipart part has a malformed header line.'),
        (b'X-Bin: \xff', 'A multipart header is not valid UTF-8.'),
        (b'X-Nul: a\x00b', 'A multipart header holds control characters.'),
        (b'X-Lf: a\nb', 'A multipart header holds control characters.'),
        (
            b'content-DISPOSITION: form-data; name="b"',
            "A multipart part repeats the 'content-disposition' header.",
        ),
        (
            b'Content-Transfer-Encoding: base64',
            "The transfer encoding 'base64' is not supported.",
        ),
    ],
)
def test_multipart_malformed_headers(header: bytes, detail: str) -> None:
    body = multipart(part('a', b'1', headers=(header,)))
    assert parse_error(body, MULTIPART) == detail


@pytest.mark.parametrize(
    ('disposition', 'detail'),
    [
        (
            'form-data',
            'A multipart part is not a form-data field with a name.',
        ),
        (
            'attachment; name="a"',
            'A multipart part is not a form-data field with a name.',
        ),
        (
            'form-data; filename="a.txt"',
            'A multipart part is not a form-data field with a name.',
        ),
        (
            'form-data; name="a"; name="b"',
            "The header parameter 'name' is repeated.",
        ),
        (
            'form-data; name="a"junk',
            'The header parameters \'; name="a"junk\' are malformed.',
        ),
        (
            "form-data; name=a; filename*=utf-8'%41",
            'A filename* parameter is malformed.',
        ),
        (
            "form-data; name=a; filename*=koi8-r''%41",
            'A filename* parameter is malformed.',
        ),
        (
            "form-data; name=a; filename*=utf-8''%FF",
            'A filename* parameter is not valid UTF-8.',
        ),
    ],
)
def test_multipart_malformed_disposition(
    disposition: str, detail: str
) -> None:
    body = multipart(part(disposition=disposition, content=b'1'))
    assert parse_error(body, MULTIPART) == detail


@pytest.mark.parametrize('content_type', ['text', 'a/b/c', 'a b/c', '/x', ''])
def test_multipart_malformed_file_content_type(content_type: str) -> None:
    body = multipart(part('f', b'x', 'x.txt', content_type))
    assert parse_error(body, MULTIPART) == (
        f'The part Content-Type {content_type!r} is malformed.'
    )


def test_multipart_text_field_must_be_utf8() -> None:
    body = multipart(part('comment', b'caf\xe9'))
    assert parse_error(body, MULTIPART) == (
        "The form field 'comment' is not valid UTF-8."
    )


@PROPERTY
@given(st.binary())
def test_multipart_any_bytes_returns_or_raises_parse_error(
    body: bytes,
) -> None:
    try:
        parse(b'--' + BOUNDARY.encode() + body, MULTIPART)
    except ParseError:
        pass


VALID = multipart(
    part('a', b'1'),
    part('f', b'\x00data', 'x.txt', 'text/plain'),
    part(
        disposition="form-data; name=g; filename*=utf-8''%C3%A9", content=b''
    ),
)


@PROPERTY
@given(
    st.integers(0, len(VALID)),
    st.integers(0, 8),
    st.binary(max_size=8),
    st.text(max_size=40),
)
def test_multipart_mutated_bodies_return_or_raise_parse_error(
    start: int, length: int, insert: bytes, content_type: str
) -> None:
    body = VALID[:start] + insert + VALID[start + length :]
    for header in (MULTIPART, 'multipart/form-data;' + content_type):
        try:
            form = parse(body, header, max_fields=5)
        except ParseError:
            continue
        for value in form.values():
            assert isinstance(value, (str, UploadedFile))


NAMES = st.text(
    st.characters(exclude_categories=('Cs', 'Cc'), exclude_characters='"\\'),
    max_size=10,
)


@PROPERTY
@given(
    st.lists(st.tuples(NAMES, st.text(max_size=20)), max_size=8),
    st.lists(st.tuples(NAMES, st.binary(max_size=20)), max_size=3),
)
def test_multipart_round_trip(
    fields: list[tuple[str, str]], files: list[tuple[str, bytes]]
) -> None:
    body = multipart(
        *[part(name, value.encode()) for name, value in fields],
        *[
            part(name, data, 'f.bin', 'application/x-a')
            for name, data in files
        ],
    )
    form = parse(body, MULTIPART)
    assert list(form.items())[: len(fields)] == fields
    uploads = list(form.items())[len(fields) :]
    assert [(name, upload.read()) for name, upload in uploads] == files
    assert all(upload.filename == 'f.bin' for _, upload in uploads)


# -- safe file names ----------------------------------------------------------


@pytest.mark.parametrize(
    ('name', 'expected'),
    [
        ('report.pdf', 'report.pdf'),
        ('', ''),
        ('Zo\u00eb \u65e5\u672c.txt', 'Zo\u00eb \u65e5\u672c.txt'),
        ('../../etc/passwd', 'passwd'),
        ('/abs/path/', ''),
        ('C:\\Windows\\System32\\x.dll', 'x.dll'),
        ('C:x.txt', 'x.txt'),  # drive-relative
        ('file.txt:stream', 'stream'),
        ('..', ''),
        ('...', ''),
        ('.', ''),
        ('.htaccess', 'htaccess'),
        ('  trailing. . ', 'trailing'),
        ('\u3000wide\u00a0', 'wide'),
        ('a\x00b.txt', 'ab.txt'),
        ('a/\x00/b', 'b'),
        ('..\x00/x', 'x'),
        ('evil\r\nSet-Cookie: x', 'x'),
        ('\u202etxt.exe', 'txt.exe'),  # right-to-left override
        ('zero\u200bwidth', 'zerowidth'),
        ('line\u2028sep', 'linesep'),
        ('CON', '_CON'),
        ('nul.txt', '_nul.txt'),
        ('com1.log', '_com1.log'),
        ('console.txt', 'console.txt'),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_shortens_keeping_the_extension() -> None:
    name = 'x' * 300 + '.tar.gz'
    result = safe_filename(name)
    assert len(result.encode()) == MAX_FILENAME_BYTES
    assert result == 'x' * (MAX_FILENAME_BYTES - 3) + '.gz'


def test_safe_filename_drops_a_long_extension() -> None:
    result = safe_filename('x' * 300 + '.' + 'y' * 17)
    assert result == 'x' * MAX_FILENAME_BYTES


def test_safe_filename_cuts_between_characters() -> None:
    result = safe_filename('\u00e9' * 200 + '.txt')
    assert len(result.encode()) <= MAX_FILENAME_BYTES
    assert result == '\u00e9' * 125 + '.txt'


def test_safe_filename_of_many_spaces_is_fast() -> None:
    assert safe_filename(' .' * 200_000 + 'x' + ' ' * 200_000) == 'x'


@PROPERTY
@given(st.text())
def test_safe_filename_is_never_a_path(name: str) -> None:
    result = safe_filename(name)
    assert not set(result) & set('/\\:\x00\r\n')
    assert result not in ('.', '..')
    assert result == result.strip().strip('.')
    assert len(result.encode()) <= MAX_FILENAME_BYTES
    assert safe_filename(result) == result


# -- remove_field -------------------------------------------------------------
#
# The method override tween cuts its ``_method`` field out of a form body;
# everything else must stay byte for byte, and the result must parse (with
# the kit's parser and with WebOb's) to the other fields.

MULTIPART_XX = 'multipart/form-data; boundary=xx'


def fields(body: bytes, content_type: str) -> list[tuple[str, str]]:
    form = parse_form(body, ParseOptions(64, content_type=content_type))
    return list(form.items())


def webob_fields(body: bytes, content_type: str) -> list[tuple[str, str]]:
    request = Request.blank(
        '/', method='POST', body=body, content_type=content_type
    )
    return list(request.POST.items())


def xx_part(name: str, value: str) -> bytes:
    """A delimiter (boundary ``xx``) and one text field."""
    return (
        f'--xx\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f'{value}\r\n'
    ).encode()


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        (b'_method=PUT', b''),
        (b'a=%41&_method=PUT&b=+', b'a=%41&b=+'),
        (b'%5Fmethod=PUT&a=1&_method=x', b'a=1'),
        (b'_method+=x&_method=', b'_method+=x'),
        (b'a=_method', b'a=_method'),
    ],
)
def test_remove_field_urlencoded(body: bytes, expected: bytes) -> None:
    assert remove_field(body, URLENCODED, '_method') == expected


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        # first part, without a preamble
        (
            xx_part('_method', 'PUT') + xx_part('a', '1') + b'--xx--\r\n',
            b'\r\n' + xx_part('a', '1') + b'--xx--\r\n',
        ),
        # middle part, with a preamble and an epilogue
        (
            b'pre\r\n'
            + xx_part('a', '1')
            + xx_part('_method', 'PUT')
            + xx_part('b', '2')
            + b'--xx--\r\npost',
            b'pre\r\n'
            + xx_part('a', '1')
            + xx_part('b', '2')
            + b'--xx--\r\npost',
        ),
        # the only part
        (xx_part('_method', 'PUT') + b'--xx--', b'\r\n--xx--'),
        # no such part
        (xx_part('a', '1') + b'--xx--', xx_part('a', '1') + b'--xx--'),
    ],
)
def test_remove_field_multipart(body: bytes, expected: bytes) -> None:
    result = remove_field(body, MULTIPART_XX, '_method')
    assert result == expected
    kept = [
        item for item in fields(body, MULTIPART_XX) if item[0] != '_method'
    ]
    assert fields(result, MULTIPART_XX) == kept
    assert webob_fields(result, MULTIPART_XX) == kept


def test_multipart_boundary() -> None:
    assert multipart_boundary('multipart/form-data; boundary="a b"') == b'a b'
    for bad in (
        'multipart/form-data',
        'multipart/form-data; boundary=',
        'multipart/form-data; boundary=' + 'a' * 201,
        'multipart/form-data; boundary="a\tb"',
        'multipart/form-data; boundary=a; boundary=b',
    ):
        with pytest.raises(ParseError):
            multipart_boundary(bad)


FIELD_NAMES = st.sampled_from(['_method', 'a', 'b', '_method_', '\u00e9'])
FIELD_VALUES = st.text(max_size=10)


@PROPERTY
@given(st.lists(st.tuples(FIELD_NAMES, FIELD_VALUES), max_size=6))
def test_remove_field_urlencoded_round_trip(
    pairs: list[tuple[str, str]],
) -> None:
    body = urllib.parse.urlencode(pairs).encode()
    result = remove_field(body, URLENCODED, '_method')
    kept = [pair for pair in pairs if pair[0] != '_method']
    assert fields(result, URLENCODED) == kept


@PROPERTY
@given(
    st.lists(
        st.tuples(FIELD_NAMES, st.text(alphabet='abc \r\n-', max_size=10)),
        max_size=6,
    ),
    st.binary(max_size=8).filter(lambda b: b'--xx' not in b),
)
def test_remove_field_multipart_round_trip(
    pairs: list[tuple[str, str]], preamble: bytes
) -> None:
    body = b''.join(xx_part(name, value) for name, value in pairs)
    body += b'--xx--'
    if preamble:
        body = preamble + b'\r\n' + body
    try:
        before = fields(body, MULTIPART_XX)
    except ParseError:  # a value with '\r\n--xx' in it, say
        return
    result = remove_field(body, MULTIPART_XX, '_method')
    assert fields(result, MULTIPART_XX) == [
        item for item in before if item[0] != '_method'
    ]
