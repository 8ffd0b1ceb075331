"""HTML form bodies: urlencoded and ``multipart/form-data``.

:func:`parse_form` returns a :class:`webob.multidict.MultiDict` that keeps
repeated names (a schema picks one value or the list later).  Text fields
are ``str``; files are :class:`UploadedFile` objects, never the
``cgi.FieldStorage`` objects of ``request.POST``.

Both encodings are parsed here with the standard library, from the body
the view already read and size-checked: urlencoded bodies with
:func:`urllib.parse.parse_qsl` (strict: a field without ``=`` is an
error), multipart bodies (RFC 7578) by a small parser of our own.  Files
are held in memory (:class:`io.BytesIO`): the body is in memory already,
bounded by ``restkit.max_body_size``, and nothing reaches the disk, so no
temporary file can leak.

NOTE: the multipart parser was measured against the ``multipart`` and
``python-multipart`` libraries, each wrapped to keep this contract
(``benchmarks/multipart.py``; ``benchmarks/README.md``, "Multipart
parsing").  It stays: a library would only find the parts (the header
rules below, stricter than either library's, would stay ours), the
method override tween needs each part's place in the body to cut
``_method`` out (:func:`remove_field`), which neither library gives, and
the closer one, ``multipart``, wrapped so, parsed forms 1.3x slower.

Text is UTF-8 only (RFC 7578 section 5.1; the ``_charset_`` field of old
browsers is not honoured).  Anything malformed is a
:class:`~pyramid_restkit.errors.ParseError`: invalid UTF-8, more than
``max_fields`` fields, a multipart body without a boundary, truncated,
with a malformed header or a part with more than
:data:`MAX_PART_HEADERS` bytes of headers.  Other part headers than
Content-Disposition, Content-Type and Content-Transfer-Encoding are
ignored (RFC 7578 section 4.8), a part's Content-Length included.
"""

from __future__ import annotations

import io
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, TypeAlias

from webob.multidict import MultiDict

from ..errors import ParseError
from ..media import ParseOptions
from ._base import check_charset, decode_utf8, excerpt

FORM_TYPES = ('application/x-www-form-urlencoded', 'multipart/form-data')

#: Longest file name :func:`safe_filename` returns, in UTF-8 bytes (the
#: limit of most file systems).
MAX_FILENAME_BYTES = 255

#: Longest boundary accepted (RFC 2046 says 70; some clients exceed it).
MAX_BOUNDARY = 200

#: Longest header section of a multipart part, in bytes (its header lines
#: and their line breaks).  A browser's part has two or three short lines;
#: the bound keeps a hostile part from costing more than a normal one.
MAX_PART_HEADERS = 8192

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_HEADER_NAME = re.compile(_TOKEN.encode('ascii'))
_MEDIA_TYPE = re.compile(f'{_TOKEN}/{_TOKEN}')
# NOTE: unquoted values are read loosely (``boundary=--=_x`` is common).
# PERF: the quoted string is written as an unrolled loop, 28x faster on
# a long value than one alternation per character (and as linear).
_PARAM = re.compile(
    rf'[ \t]*;[ \t]*(?:({_TOKEN})[ \t]*=[ \t]*'
    r'(?:"([^"\\]*(?:\\.[^"\\]*)*)"|([^\s;"]+)))?[ \t]*'
)
# Only ``\"`` and ``\\`` are escapes: a quoted Windows path such as
# ``C:\dir\a.txt`` (sent unescaped by some browsers) keeps its backslashes.
_QUOTED_PAIR = re.compile(r'\\([\\"])')
_BAD_HEADER_CHARS = re.compile(r'[\x00-\x08\x0a-\x1f\x7f]')
_BOUNDARY = re.compile(r'[\x20-\x7e]*[\x21-\x7e]')
_SEPARATORS = re.compile(r'[/\\:]')
#: Stripped from both ends of a file name: dots and the Unicode spaces
#: (``str.strip`` with a set of characters, linear where a regular
#: expression anchored at the end could be quadratic).
_EDGES = ' .\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006' + (
    '\u2007\u2008\u2009\u200a\u202f\u205f\u3000'
)
_RESERVED = re.compile(r'(?i)(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?')
#: Unicode categories dropped from file names: controls, format characters
#: (such as a right-to-left override), surrogates, private use characters
#: and line or paragraph separators.
_UNSAFE_CATEGORIES = frozenset({'Cc', 'Cf', 'Cs', 'Co', 'Zl', 'Zp'})
#: Transfer encodings that leave the bytes as they are.
_IDENTITY_ENCODINGS = frozenset({'binary', '8bit', '7bit'})


@dataclass(frozen=True, eq=False)
class UploadedFile:
    """A file sent in a ``multipart/form-data`` body.

    ``filename`` is the client's name for it reduced by
    :func:`safe_filename` (possibly ``''``), ``content_type`` the part's
    media type, lowercased and without parameters (``text/plain`` when
    absent, as RFC 7578 says), ``size`` its length in bytes and ``file`` a
    binary file object positioned at 0.
    """

    filename: str
    content_type: str
    size: int
    file: BinaryIO = field(repr=False)

    def read(self, size: int = -1) -> bytes:
        """Read from :attr:`file` (all that is left by default)."""
        return self.file.read(size)


#: What a form field holds.
FormValue: TypeAlias = str | UploadedFile


def safe_filename(name: str) -> str:
    """Reduce a client's file name to a base name that is never a path.

    Control and invisible format characters are dropped, then anything up
    to the last ``/``, ``\\`` or ``:`` (a Windows drive or stream), then
    leading and trailing dots and spaces; a Windows device name (``CON``,
    ``nul.txt``...) gets a ``_`` prefix, and a name longer than
    :data:`MAX_FILENAME_BYTES` is shortened, keeping a short extension.
    The result may be ``''``: store files under names of your own choosing
    and keep this one for display.

    >>> safe_filename('C:\\\\Users\\\\me\\\\..\\\\report.pdf')
    'report.pdf'
    """
    name = ''.join(
        char
        for char in name
        if unicodedata.category(char) not in _UNSAFE_CATEGORIES
    )
    name = _SEPARATORS.split(name)[-1].strip(_EDGES)
    if _RESERVED.fullmatch(name):
        name = '_' + name
    encoded = name.encode('utf-8')
    if len(encoded) <= MAX_FILENAME_BYTES:
        return name
    _, dot, extension = name.rpartition('.')
    suffix = f'.{extension}' if dot and len(extension) <= 16 else ''
    room = MAX_FILENAME_BYTES - len(suffix.encode('utf-8'))
    cut = encoded[:room].decode('utf-8', 'ignore').rstrip(_EDGES)
    return cut + suffix


def _too_many(limit: int) -> ParseError:
    return ParseError(f'The form has more than {limit} fields.')


def _header_params(value: str) -> tuple[str, dict[str, str]]:
    """Split ``type; name=value; ...`` into the lowercased type and params."""
    kind, _, _ = value.partition(';')
    rest = value[len(kind) :]
    params: dict[str, str] = {}
    pos = 0
    while pos < len(rest):
        match = _PARAM.match(rest, pos)
        if match is None:
            raise ParseError(
                f'The header parameters {excerpt(rest)!r} are malformed.'
            )
        name, quoted, token = match.groups()
        if name is not None:
            key = name.lower()
            if key in params:
                raise ParseError(
                    f'The header parameter {excerpt(key)!r} is repeated.'
                )
            params[key] = (
                token if quoted is None else _QUOTED_PAIR.sub(r'\1', quoted)
            )
        pos = match.end()
    return kind.strip().lower(), params


def _urlencoded(
    body: bytes, options: ParseOptions
) -> MultiDict[str, FormValue]:
    text = decode_utf8(body, options)
    if not text:
        return MultiDict()
    if text.count('&') + 1 > options.max_fields:
        raise _too_many(options.max_fields)
    try:
        pairs = urllib.parse.parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            encoding='utf-8',
            errors='strict',
            # NOTE: counted above already, for a message of our own.
            max_num_fields=options.max_fields,
        )
    except UnicodeDecodeError:
        raise ParseError(
            'A form field is not valid UTF-8 once percent-decoded.'
        ) from None
    except ValueError:
        raise ParseError("A form field has no '=' or is empty.") from None
    form: MultiDict[str, FormValue] = MultiDict(pairs)
    return form


def _spans(body: bytes, delimiter: bytes) -> Iterator[tuple[int, int, int]]:
    """Yield ``(start, begin, end)`` for each part of a multipart body.

    ``body[begin:end]`` is the part (headers and content); ``start`` is
    where its delimiter begins (the CRLF before it, if any), so that
    ``body[start:end]`` is everything the part adds to the body.
    """
    separator = b'\r\n' + delimiter
    if body.startswith(delimiter):
        start, pos = 0, len(delimiter)
    else:
        # A preamble before the first delimiter is allowed and ignored.
        start = body.find(separator)
        if start < 0:
            raise ParseError('The multipart body has no opening boundary.')
        pos = start + len(separator)
    while not body.startswith(b'--', pos):
        end = body.find(b'\r\n', pos)
        if end < 0:
            raise ParseError(
                'A multipart boundary line does not end with CRLF.'
            )
        if body[pos:end].strip(b' \t'):
            raise ParseError('A multipart boundary line is malformed.')
        following = body.find(separator, end + 2)
        if following < 0:
            raise ParseError(
                'The multipart body is truncated (no closing boundary).'
            )
        yield start, end + 2, following
        start = following
        pos = following + len(separator)
    # The close delimiter: an epilogue after it is ignored.


def _headers(head: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in head.split(b'\r\n') if head else ():
        name, colon, raw = line.partition(b':')
        if not colon or not _HEADER_NAME.fullmatch(name):
            raise ParseError('A multipart part has a malformed header line.')
        try:
            value = raw.decode('utf-8').strip(' \t')
        except UnicodeDecodeError:
            raise ParseError(
                'A multipart header is not valid UTF-8.'
            ) from None
        if _BAD_HEADER_CHARS.search(value):
            raise ParseError('A multipart header holds control characters.')
        key = name.decode('ascii').lower()
        if key in headers:
            raise ParseError(
                f'A multipart part repeats the {excerpt(key)!r} header.'
            )
        headers[key] = value
    return headers


def _extended(value: str) -> str:
    """Decode an RFC 8187 ``filename*`` value (``utf-8''a%20b.txt``)."""
    charset, _, rest = value.partition("'")
    _, quote, encoded = rest.partition("'")
    charset = charset.lower()
    if not quote or charset not in ('utf-8', 'iso-8859-1'):
        raise ParseError('A filename* parameter is malformed.')
    try:
        return urllib.parse.unquote(encoded, charset, 'strict')
    except UnicodeDecodeError:
        raise ParseError('A filename* parameter is not valid UTF-8.') from None


def _field(part: bytes) -> tuple[str, FormValue]:
    """Return the name and value of one multipart part."""
    if part.startswith(b'\r\n'):
        head, content = b'', part[2:]
    else:
        # The blank line is looked for within the bound only: a part with
        # huge headers costs no more than one at the bound.
        end = part.find(b'\r\n\r\n', 0, MAX_PART_HEADERS + 4)
        if end < 0:
            if len(part) >= MAX_PART_HEADERS + 4:
                raise ParseError(
                    f'A multipart part has more than {MAX_PART_HEADERS} '
                    'bytes of headers.'
                )
            raise ParseError(
                'A multipart part has no blank line after its headers.'
            )
        head, content = part[:end], part[end + 4 :]
    return _part(_headers(head), content)


def _part(headers: dict[str, str], content: bytes) -> tuple[str, FormValue]:
    """Return the name and value of a part from its headers and content."""
    disposition = headers.get('content-disposition')
    if disposition is None:
        raise ParseError('A multipart part has no Content-Disposition.')
    kind, params = _header_params(disposition)
    name = params.get('name')
    if kind != 'form-data' or name is None:
        raise ParseError(
            'A multipart part is not a form-data field with a name.'
        )
    encoding = headers.get('content-transfer-encoding', 'binary').lower()
    if encoding not in _IDENTITY_ENCODINGS:
        raise ParseError(
            f'The transfer encoding {excerpt(encoding)!r} is not supported.'
        )
    # RFC 7578 forbids filename* (RFC 8187) but older clients send it; it
    # wins over filename, as in RFC 6266.
    if 'filename*' in params:
        filename: str | None = _extended(params['filename*'])
    else:
        filename = params.get('filename')
    if filename is None:
        try:
            return name, content.decode('utf-8')
        except UnicodeDecodeError:
            raise ParseError(
                f'The form field {excerpt(name)!r} is not valid UTF-8.'
            ) from None
    media_type = headers.get('content-type', 'text/plain')
    media_type = media_type.partition(';')[0].strip().lower()
    if not _MEDIA_TYPE.fullmatch(media_type):
        raise ParseError(
            f'The part Content-Type {excerpt(media_type)!r} is malformed.'
        )
    upload = UploadedFile(
        filename=safe_filename(filename),
        content_type=media_type,
        size=len(content),
        file=io.BytesIO(content),
    )
    return name, upload


def _boundary(params: dict[str, str]) -> bytes:
    boundary = params.get('boundary')
    if not boundary:
        raise ParseError('The multipart Content-Type has no boundary.')
    if len(boundary) > MAX_BOUNDARY or not _BOUNDARY.fullmatch(boundary):
        raise ParseError('The multipart boundary is malformed.')
    return boundary.encode('ascii')


def multipart_boundary(content_type: str) -> bytes:
    """The boundary of a ``multipart/form-data`` Content-Type header.

    Raises :class:`~pyramid_restkit.errors.ParseError` when it is missing
    or malformed (the rules of :func:`parse_form`).
    """
    return _boundary(_header_params(content_type)[1])


def _multipart(
    body: bytes, options: ParseOptions, params: dict[str, str]
) -> MultiDict[str, FormValue]:
    check_charset(options)
    delimiter = b'--' + _boundary(params)
    form: MultiDict[str, FormValue] = MultiDict()
    for count, (_, begin, end) in enumerate(_spans(body, delimiter), 1):
        if count > options.max_fields:
            raise _too_many(options.max_fields)
        name, value = _field(body[begin:end])
        form.add(name, value)
    return form


def parse_form(
    body: bytes, options: ParseOptions
) -> MultiDict[str, FormValue]:
    """Parse an urlencoded or ``multipart/form-data`` body.

    ``options.content_type`` (the whole header) says which: a multipart
    body needs its ``boundary`` parameter; anything else is read as
    urlencoded.  Returns a ``MultiDict`` of ``str`` and
    :class:`UploadedFile` values; see the module docstring for the rules.
    """
    main = options.content_type.partition(';')[0].strip().lower()
    if main != 'multipart/form-data':
        return _urlencoded(body, options)
    _, params = _header_params(options.content_type)
    return _multipart(body, options, params)


def remove_field(body: bytes, content_type: str, name: str) -> bytes:
    """Return a form ``body`` without its fields called ``name``.

    ``body`` must be one :func:`parse_form` accepted with this
    ``content_type``.  The rest of the body is kept byte for byte: the
    other pairs of an urlencoded body, the other parts (and the preamble
    and epilogue) of a multipart one.  The method override tween uses it
    to take ``_method`` out of the body, so that neither ``request.POST``
    nor the kit's parser sees it.
    """
    main = content_type.partition(';')[0].strip().lower()
    if main != 'multipart/form-data':
        pairs = body.decode('utf-8').split('&')
        kept = [
            pair
            for pair in pairs
            if urllib.parse.unquote_plus(pair.partition('=')[0]) != name
        ]
        return '&'.join(kept).encode('utf-8')
    delimiter = b'--' + multipart_boundary(content_type)
    pieces = []
    pos = 0
    for start, begin, end in _spans(body, delimiter):
        if _field(body[begin:end])[0] == name:
            pieces.append(body[pos:start])
            pos = end
    pieces.append(body[pos:])
    return b''.join(pieces)
