"""The kit's multipart/form-data parser against well-kept libraries.

``pyramid_restkit.formats.form`` parses ``multipart/form-data`` bodies
with a small parser of its own.  This script measures it against the
libraries that could replace it, each wrapped to keep the kit's contract
(its ``ParseError`` messages, ``restkit.max_fields``, strict UTF-8,
``UploadedFile``); ``benchmarks/README.md``, "Multipart parsing", records
the numbers and the decision:

* ``multipart`` (defnull's, Bottle's): its ``PushMultipartParser`` in
  strict mode finds the parts and their header lines; the kit's rules
  (``form._part``) read the headers and make the value;
* ``python-multipart`` (Starlette's and FastAPI's): its callback
  ``MultipartParser`` likewise, each header line checked by the kit's
  ``form._headers``.

Both keep their own bounds on part headers (4224 bytes a line, 8 lines)
in place of the kit's (``form.MAX_PART_HEADERS``, 8192 bytes in all).
Each library is also timed bare (``raw``: the parts found and their bytes
joined, nothing checked, no bound on the number of parts for
``python-multipart``), to show what the wrapping costs.
``streaming-form-data`` is not a candidate: it hands each part to a
target registered beforehand by field name and drops the others, where
the kit returns every field.

Three parts:

1. decisions: every body of the corpus below (the multipart bodies of
   ``tests/functional/test_hostile_input.py`` and of the other hostile
   tests, and the hostile bodies of the timing cases) goes through every
   candidate: accepted with the kit's result, accepted with another, or
   refused with a ``ParseError`` (a 400) that quotes at most 40
   characters of the input; anything else would be a 500;
2. ``--tests``: the tests of the form parser's contract run once per
   candidate, with the candidate in place of the kit's multipart parser
   (``form._multipart``), each in a subprocess;
3. timing: each candidate is calibrated to blocks of about ``--target-ms``
   (10 ms), timed in ``--rounds`` rounds (21) that alternate the
   candidates; the table gives the median time per call and its ratio to
   the kit's.  A candidate that refuses a body the kit accepts is timed
   all the same (to its refusal).

Usage::

    python benchmarks/multipart.py              # about two minutes
    python benchmarks/multipart.py --quick      # smoke test, a few seconds
    python benchmarks/multipart.py --tests      # also the tests, per candidate
    python benchmarks/multipart.py --only valid --rounds 61   # some bodies

Dependencies: the standard library, webob, pyramid_restkit, and the
candidates (``pip install multipart python-multipart``); a candidate that
is not installed is left out.  ``--tests`` needs the testing group.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from webob.multidict import MultiDict

from pyramid_restkit.errors import ParseError
from pyramid_restkit.formats import form
from pyramid_restkit.formats._base import check_charset
from pyramid_restkit.media import ParseOptions

# NOTE: this script is itself called multipart.py, and Python puts its
# folder first on the path: the library must be looked up without it.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != _HERE]
try:
    import multipart as defnull
except ImportError:  # pragma: no cover (an optional candidate)
    defnull = None
try:
    import python_multipart
    from python_multipart.exceptions import MultipartParseError
except ImportError:  # pragma: no cover (an optional candidate)
    python_multipart = None

#: ``multipart(body, options, params)``, as ``form._multipart``.
Parser = Callable[[bytes, ParseOptions, dict[str, str]], Any]

#: No bound on the number of parts (the raw parsers).
UNBOUNDED = 2**62

MALFORMED = 'The multipart body is malformed.'


# -- the candidates -----------------------------------------------------------

#: The kit's messages for the errors of ``multipart`` (strict mode).
DEFNULL_MESSAGES = {
    'Boundary not found in first chunk': (
        'The multipart body has no opening boundary.'
    ),
    'Unexpected byte in front of first boundary': (
        'The multipart body has no opening boundary.'
    ),
    'Unexpected end of multipart stream (parser closed)': (
        'The multipart body is truncated (no closing boundary).'
    ),
    'Invalid line break after first boundary': (
        'A multipart boundary line does not end with CRLF.'
    ),
    'Unexpected byte after first boundary': (
        'A multipart boundary line is malformed.'
    ),
    'Unexpected bytes after boundary': (
        'A multipart boundary line is malformed.'
    ),
    'Invalid line break in segment header': (
        'A multipart part has a malformed header line.'
    ),
    'Unexpected segment header continuation': (
        'A multipart part has a malformed header line.'
    ),
    'Empty segment header continuation': (
        'A multipart part has a malformed header line.'
    ),
    'Malformed segment header': (
        'A multipart part has a malformed header line.'
    ),
    'Invalid segment header name': (
        'A multipart part has a malformed header line.'
    ),
    'Segment header failed to decode': (
        'A multipart header is not valid UTF-8.'
    ),
    'Missing Content-Disposition segment header': (
        'A multipart part has no Content-Disposition.'
    ),
    'Invalid Content-Disposition segment header: Wrong type': (
        'A multipart part is not a form-data field with a name.'
    ),
    'Invalid Content-Disposition segment header: Missing name option': (
        'A multipart part is not a form-data field with a name.'
    ),
    'Maximum segment header length exceeded': (
        'A multipart part header is too long.'
    ),
    'Maximum segment header count exceeded': (
        'A multipart part has too many headers.'
    ),
}


def _defnull_headers(headerlist: list[tuple[str, str]]) -> dict[str, str]:
    """The kit's rules for header values, on ``multipart``'s header list
    (names already checked, values decoded and stripped on the left)."""
    headers: dict[str, str] = {}
    for name, raw in headerlist:
        value = raw.strip(' \t')
        if form._BAD_HEADER_CHARS.search(value):
            raise ParseError('A multipart header holds control characters.')
        key = name.lower()
        if key in headers:
            raise ParseError(
                f'A multipart part repeats the {form.excerpt(key)!r} header.'
            )
        headers[key] = value
    return headers


def defnull_wrapped(
    body: bytes, options: ParseOptions, params: dict[str, str]
) -> MultiDict[str, form.FormValue]:
    """``multipart``'s strict push parser, wrapped in the kit's contract.

    The library's own bounds on part headers stay (4224 bytes a line, 8
    lines), in place of the kit's (``form.MAX_PART_HEADERS``, 8192 bytes
    in all).
    """
    check_charset(options)
    parser = defnull.PushMultipartParser(
        form._boundary(params),
        content_length=len(body),
        max_segment_count=options.max_fields,
        strict=True,
    )
    result: MultiDict[str, form.FormValue] = MultiDict()
    segment: Any = None
    chunks: list[bytes] = []
    try:
        for event in parser.parse(body):
            if event is None:
                headers = _defnull_headers(segment.headerlist)
                result.add(*form._part(headers, b''.join(chunks)))
            elif isinstance(event, bytes):
                chunks.append(event)
            else:
                segment, chunks = event, []
        parser.close()
    except defnull.ParserLimitReached as exc:
        if exc.args[0] == 'Maximum segment count exceeded':
            raise form._too_many(options.max_fields) from None
        raise ParseError(DEFNULL_MESSAGES[exc.args[0]]) from None
    except defnull.MultipartError as exc:
        message = DEFNULL_MESSAGES.get(
            exc.args[0], 'A multipart part does not match its Content-Length.'
        )
        raise ParseError(message) from None
    return result


def defnull_raw(
    body: bytes, options: ParseOptions, params: dict[str, str]
) -> list[tuple[Any, bytes]]:
    """``multipart`` alone: the parts and their bytes, nothing checked."""
    parser = defnull.PushMultipartParser(
        params['boundary'], max_segment_count=options.max_fields
    )
    parts: list[tuple[Any, bytes]] = []
    segment: Any = None
    chunks: list[bytes] = []
    for event in parser.parse(body):
        if event is None:
            parts.append((segment, b''.join(chunks)))
        elif isinstance(event, bytes):
            chunks.append(event)
        else:
            segment, chunks = event, []
    parser.close()
    return parts


@dataclass
class _Collector:
    """The callbacks of ``python-multipart``'s ``MultipartParser``."""

    max_fields: int
    lines: list[bytes] = field(default_factory=list)
    name: list[bytes] = field(default_factory=list)
    value: list[bytes] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    parts: list[tuple[list[bytes], bytes]] = field(default_factory=list)
    count: int = 0
    ended: bool = False

    def callbacks(self) -> dict[str, Any]:
        return {
            'on_part_begin': self.part_begin,
            'on_header_field': lambda d, s, e: self.name.append(d[s:e]),
            'on_header_value': lambda d, s, e: self.value.append(d[s:e]),
            'on_header_end': self.header_end,
            'on_part_data': lambda d, s, e: self.chunks.append(d[s:e]),
            'on_part_end': self.part_end,
            'on_end': self.end,
        }

    def part_begin(self) -> None:
        self.count += 1
        if self.count > self.max_fields:
            raise form._too_many(self.max_fields)
        self.lines, self.chunks = [], []

    def header_end(self) -> None:
        name, value = b''.join(self.name), b''.join(self.value)
        self.lines.append(name + b': ' + value)
        self.name, self.value = [], []

    def part_end(self) -> None:
        self.parts.append((self.lines, b''.join(self.chunks)))

    def end(self) -> None:
        self.ended = True


def python_multipart_wrapped(
    body: bytes, options: ParseOptions, params: dict[str, str]
) -> MultiDict[str, form.FormValue]:
    """``python-multipart``'s parser, wrapped in the kit's contract (its
    bounds on part headers stay, as ``multipart``'s)."""
    check_charset(options)
    collector = _Collector(options.max_fields)
    parser = python_multipart.MultipartParser(
        form._boundary(params), collector.callbacks()
    )
    try:
        parser.write(body)
        parser.finalize()
    except MultipartParseError:
        raise ParseError(MALFORMED) from None
    if not collector.ended:
        raise ParseError(
            'The multipart body is truncated (no closing boundary).'
        )
    result: MultiDict[str, form.FormValue] = MultiDict()
    for lines, content in collector.parts:
        headers = form._headers(b'\r\n'.join(lines))
        result.add(*form._part(headers, content))
    return result


def python_multipart_raw(
    body: bytes, options: ParseOptions, params: dict[str, str]
) -> list[tuple[list[bytes], bytes]]:
    """``python-multipart`` alone: the parts and their bytes, unchecked."""
    collector = _Collector(UNBOUNDED)
    parser = python_multipart.MultipartParser(
        params['boundary'], collector.callbacks()
    )
    parser.write(body)
    parser.finalize()
    return collector.parts


def candidates() -> dict[str, Parser]:
    """The parsers that keep the kit's contract, the kit's first."""
    found: dict[str, Parser] = {'kit': form._multipart}
    if defnull is not None:
        found['multipart'] = defnull_wrapped
    if python_multipart is not None:
        found['python-multipart'] = python_multipart_wrapped
    return found


def raw_parsers() -> dict[str, Parser]:
    found: dict[str, Parser] = {}
    if defnull is not None:
        found['multipart raw'] = defnull_raw
    if python_multipart is not None:
        found['python-multipart raw'] = python_multipart_raw
    return found


# -- bodies -------------------------------------------------------------------

BOUNDARY = 'XyZ-b0undary'
D = b'--' + BOUNDARY.encode()
CONTENT_TYPE = f'multipart/form-data; boundary={BOUNDARY}'
XX = 'multipart/form-data; boundary=xx'
MIB = 1024 * 1024


def part(
    name: str = 'f',
    content: bytes = b'',
    filename: str | None = None,
    headers: tuple[bytes, ...] = (),
) -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
        headers = (b'Content-Type: application/octet-stream', *headers)
    lines = [disposition.encode(), *headers]
    return b'\r\n'.join(lines) + b'\r\n\r\n' + content


def body(*parts: bytes, close: bool = True) -> bytes:
    data = b''.join(D + b'\r\n' + p + b'\r\n' for p in parts)
    return data + (D + b'--\r\n' if close else b'')


def xx(*parts: bytes) -> bytes:
    return b''.join(b'--xx\r\n' + p + b'\r\n' for p in parts) + b'--xx--\r\n'


@dataclass
class Body:
    label: str
    data: bytes
    content_type: str = CONTENT_TYPE
    max_fields: int = 1000

    def options(self) -> ParseOptions:
        return ParseOptions(
            64, content_type=self.content_type, max_fields=self.max_fields
        )

    def params(self) -> dict[str, str]:
        return form._header_params(self.content_type)[1]


#: The multipart bodies of tests/functional/test_hostile_input.py (and of
#: test_files.py and test_override.py), as sent (boundary ``xx``).
HOSTILE_INPUT = [
    (
        'unknown charset in a part',
        b'--xx\r\nContent-Disposition: form-data; name="a"\r\n'
        b'Content-Type: text/plain; charset=bogus\r\n\r\nv\r\n--xx--\r\n',
    ),
    (
        'nested multipart part',
        b'--xx\r\nContent-Disposition: form-data; name="a"\r\n'
        b'Content-Type: multipart/mixed; boundary=yy; charset=utf-16\r\n\r\n'
        b'--yy\r\nContent-Disposition: form-data; name="b"\r\n\r\nv\r\n'
        b'--yy--\r\n\r\n--xx--\r\n',
    ),
    (
        'UTF-16 part',
        b'--xx\r\nContent-Disposition: form-data; name="a"\r\n'
        b'Content-Type: text/plain; charset=utf-16\r\n\r\n\xff\r\n--xx--\r\n',
    ),
    (
        'truncated, _method',
        b'--xx\r\nContent-Disposition: form-data; name="_method"\r\n\r\nPUT',
    ),
    (
        '_method first, no preamble',
        xx(
            b'Content-Disposition: form-data; name="_method"\r\n\r\nPUT',
            b'Content-Disposition: form-data; name="a"\r\n\r\n1',
        ),
    ),
    (
        'preamble, _method last, epilogue',
        b'preamble\r\n'
        + xx(
            b'Content-Disposition: form-data; name="a"\r\n\r\n1',
            b'Content-Disposition: form-data; name="_method"\r\n\r\nPUT',
        )
        + b'epilogue',
    ),
    (
        '_method as an upload',
        xx(
            b'Content-Disposition: form-data; name="_method"; '
            b'filename="m.txt"\r\nContent-Type: text/plain\r\n\r\nPUT'
        ),
    ),
    (
        'headers, no blank line, no end',
        b'--xx\r\nContent-Disposition: form-data; name="avatar"',
    ),
]


def hostile_bodies(size: int = MIB - 4096) -> list[Body]:
    """The brief's hostile bodies (within ``size``, about max_body_size)."""
    field_part = part('a', b'1')
    many = [part(f'f{i}', b'v') for i in range(5000)]
    near_misses = (b'\r\n' + D[:-1] + b'_') * (size // (len(D) + 2))
    return [
        # deep/huge headers
        Body(
            'one header line of ~1 MiB',
            body(part('a', b'1', headers=(b'X-Junk: ' + b'j' * size,))),
        ),
        Body(
            '20,000 header lines',
            body(part('a', b'1', headers=(b'X-A: b',) * 20_000)),
        ),
        Body(
            'a file name of 100,000 characters',
            body(part('f', b'x', 'n' * 100_000 + '.txt')),
        ),
        Body(
            'a part nested 500 deep (multipart/mixed)',
            body(
                part(
                    'a',
                    b''.join(
                        b'--n%d\r\nContent-Type: multipart/mixed; '
                        b'boundary=n%d\r\n\r\n' % (i, i + 1)
                        for i in range(500)
                    ),
                    headers=(b'Content-Type: multipart/mixed; boundary=n0',),
                )
            ),
        ),
        # missing final boundary
        Body(
            '1000 parts, no closing boundary', body(*many[:999], close=False)
        ),
        Body(
            '~1 MiB file, no closing boundary',
            body(part('f', b'x' * size, 'a.bin'), close=False),
        ),
        # boundary in content
        Body(
            'content of near-boundaries (~1 MiB)',
            body(part('f', near_misses, 'a.bin')),
        ),
        Body(
            'boundary inside a line of content',
            body(part('f', (b'x' + D + b'--') * 1000, 'a.bin')),
        ),
        Body(
            'boundary then junk in content',
            body(part('f', b'x\r\n' + D + b'junk\r\nmore', 'a.bin')),
        ),
        # thousands of parts
        Body('5000 parts (max_fields 1000)', body(*many)),
        Body('5000 parts (max_fields 10,000)', body(*many), max_fields=10_000),
        Body(
            '200,000 empty parts (max_fields 1000)',
            (D + b'\r\n\r\n') * 200_000,
        ),
        # CRLF games
        Body(
            'LF-only line breaks',
            body(field_part).replace(b'\r\n', b'\n'),
        ),
        Body('CR-only line breaks', body(field_part).replace(b'\r\n', b'\r')),
        Body(
            'content of ~1 MiB CRLFs',
            body(part('f', b'\r\n' * (size // 2), 'a.bin')),
        ),
        Body(
            'content of ~1 MiB CRs',
            body(part('f', b'\r' * size, 'a.bin')),
        ),
        Body(
            'headers ended by LF LF',
            D
            + b'\r\nContent-Disposition: form-data; name="a"\n\n1\r\n'
            + D
            + b'--',
        ),
        Body(
            'a bare LF in a header value',
            body(part('a', b'1', headers=(b'X-A: a\nb',))),
        ),
        Body(
            'a folded header line',
            body(part('a', b'1', headers=(b'X-A: a', b' b'))),
        ),
        Body(
            'padding after a boundary (RFC 2046)',
            D + b' \t\r\n' + field_part + b'\r\n' + D + b'--',
        ),
        # huge part headers
        Body(
            'a Content-Disposition of ~1 MiB',
            body(
                b'Content-Disposition: form-data; name="a"; x="'
                + b'y' * size
                + b'"\r\n\r\n1'
            ),
        ),
        Body(
            '250 parts, a 4 KiB Content-Disposition each',
            body(
                *[
                    b'Content-Disposition: form-data; name="a"; x="'
                    + b'y' * 4000
                    + b'"\r\n\r\n1'
                ]
                * 250
            ),
        ),
        Body(
            '10,000 Content-Disposition parameters',
            body(
                b'Content-Disposition: form-data; name="a"'
                + b''.join(b'; p%d=v' % i for i in range(10_000))
                + b'\r\n\r\n1'
            ),
        ),
        # odd Content-Disposition
        Body(
            'Content-Disposition twice',
            body(part('a', b'1', headers=(b'Content-Disposition: x',))),
        ),
        Body(
            'name twice',
            body(
                b'Content-Disposition: form-data; name="a"; name="b"\r\n\r\n1'
            ),
        ),
        Body(
            'junk after a parameter',
            body(b'Content-Disposition: form-data; name="a"junk\r\n\r\n1'),
        ),
        Body(
            'filename* (RFC 8187)',
            body(
                b'Content-Disposition: form-data; name=f; '
                b"filename*=utf-8''%C3%A9.txt\r\n\r\n1"
            ),
        ),
        Body(
            'a percent-encoded quote in a file name',
            body(part('f', b'1', 'a%22b.txt')),
        ),
        Body(
            'a part Content-Length that lies',
            body(part('a', b'1', headers=(b'Content-Length: 5',))),
        ),
        Body(
            'a header name with a dot',
            body(part('a', b'1', headers=(b'X.Y: z',))),
        ),
        Body(
            'a header value with a NUL',
            body(part('a', b'1', headers=(b'X-A: a\x00b',))),
        ),
        # text that is not UTF-8
        Body('a field value in Latin-1', body(part('a', b'caf\xe9'))),
        Body(
            'a field name in Latin-1',
            body(b'Content-Disposition: form-data; name="\xe9"\r\n\r\n1'),
        ),
    ]


def valid_bodies() -> list[Body]:
    small = body(
        part('title', b'Hello'),
        part('tag', b'a'),
        part('tag', b'b'),
        part('doc', b'%PDF-1.4 ...' * 20, 'report.pdf'),
    )
    upload = bytes(range(256)) * (MIB // 256)
    return [
        Body('valid: a small form, 3 fields and a file', small),
        Body('valid: a 1 MiB file upload', body(part('f', upload, 'a.bin'))),
        Body(
            'valid: 1000 small fields (max_fields)',
            body(*[part(f'field{i}', b'value') for i in range(1000)]),
        ),
    ]


def corpus() -> list[Body]:
    bodies = [Body(label, data, XX) for label, data in HOSTILE_INPUT]
    return bodies + valid_bodies() + hostile_bodies()


# -- decisions ----------------------------------------------------------------


def digest(result: Any) -> str:
    """What a parsed form holds, in a few characters."""
    summary = hashlib.sha256()
    for name, value in result.items():
        summary.update(repr(name).encode())
        if isinstance(value, form.UploadedFile):
            summary.update(repr((value.filename, value.content_type)).encode())
            summary.update(value.file.getvalue())
        else:
            summary.update(repr(value).encode())
    return summary.hexdigest()[:8]


def echoes(detail: str, data: bytes, limit: int = 40) -> bool:
    """Whether ``detail`` repeats more than ``limit`` characters of input."""
    text = data.decode('utf-8', 'replace')
    return any(
        detail[start : start + limit + 1] in text
        for start in range(len(detail) - limit)
    )


def decide(parser: Parser, each: Body) -> tuple[str, str]:
    """``('ok', digest)``, ``('400', detail)`` or ``('500', error)``."""
    try:
        result = parser(each.data, each.options(), each.params())
    except ParseError as exc:
        detail = str(exc.detail)
        if exc.code != 400 or echoes(detail, each.data):
            return '500', f'quotes the input: {detail[:60]}'
        return '400', detail
    except Exception as exc:  # what would be a 500
        return '500', f'{type(exc).__name__}: {exc}'[:60]
    return 'ok', digest(result)


def decisions(parsers: dict[str, Parser]) -> int:
    """Print each body's fate per candidate; return the differences."""
    bodies = corpus()
    names = list(parsers)
    print("\ndecisions: ok (the kit's result), ok* (another), 400, 500")
    print(f'{"body":<44}' + ''.join(f'{n[:16]:>17}' for n in names))
    differ = 0
    notes = []
    for each in bodies:
        outcomes = [decide(parser, each) for parser in parsers.values()]
        kit = outcomes[0]
        cells = []
        for name, outcome in zip(names, outcomes, strict=True):
            cell = outcome[0]
            if outcome[0] == 'ok' and outcome != kit and kit[0] == 'ok':
                cell = 'ok*'
            if cell != kit[0]:
                differ += name != names[0]
                cell += ' !'
                notes.append(f'  {each.label}, {name}: {outcome[1]}')
            elif outcome[0] == '400' and outcome[1] != kit[1]:
                cell += ' ~'
            cells.append(cell)
        print(f'{each.label[:43]:<44}' + ''.join(f'{c:>17}' for c in cells))
    print("! another decision than the kit's; ~ the same, another message")
    for note in notes:
        print(note)
    return differ


# -- the tests, per candidate -------------------------------------------------

TEST_FILES = [
    'tests/formats/test_form.py',
    'tests/functional/test_hostile_input.py',
    'tests/functional/test_bodies.py',
    'tests/functional/test_fuzz.py',
    'tests/functional/test_files.py',
    'tests/functional/test_override.py',
    'tests/functional/test_builtin_formats.py',
    'tests/schemas/test_files.py',
]


class Swap:
    """A pytest plugin putting a candidate in place of the kit's parser."""

    def __init__(self, parser: Parser) -> None:
        self.parser = parser

    def pytest_configure(self, config: Any) -> None:
        form._multipart = self.parser  # type: ignore[assignment]


def run_tests_with(name: str) -> int:
    import pytest

    parser = candidates()[name]
    args = ['-q', '-p', 'no:cacheprovider', '-m', 'not slow', *TEST_FILES]
    return int(pytest.main(args, plugins=[Swap(parser)]))


def tests(parsers: dict[str, Parser]) -> None:
    print('\nthe form tests with each candidate in place of the kit:')
    for name in parsers:
        done = subprocess.run(
            [sys.executable, __file__, '--run-tests-with', name],
            capture_output=True,
            text=True,
            check=False,
        )
        lines = done.stdout.strip().splitlines()
        failed = [line for line in lines if line.startswith('FAILED')]
        print(f'  {name}: {lines[-1] if lines else done.stderr[-200:]}')
        for line in failed:
            print(f'    {line[7:130]}')


# -- timing -------------------------------------------------------------------


def calibrate(call: Callable[[], Any], target: float) -> int:
    """A number of calls lasting about ``target`` seconds."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            call()
        elapsed = time.perf_counter() - start
        if elapsed >= target / 5:
            return max(1, int(number * target / elapsed))
        number *= 2


def quietly(parser: Parser, each: Body) -> Callable[[], Any]:
    options, params = each.options(), each.params()

    def call() -> Any:
        try:
            return parser(each.data, options, params)
        except (ParseError, ValueError):
            return None

    return call


def timing(
    parsers: dict[str, Parser], rounds: int, target: float, only: str = ''
) -> None:
    names = list(parsers)
    print(
        f'\nmedian us per body ({rounds} rounds of ~{target * 1000:g} ms);'
        ' ratio to the kit'
    )
    print(f'{"body":<44}' + ''.join(f'{n[:20]:>21}' for n in names))
    for each in valid_bodies() + hostile_bodies():
        if only not in each.label:
            continue
        calls = [quietly(parser, each) for parser in parsers.values()]
        numbers = [calibrate(call, target) for call in calls]
        times: list[list[float]] = [[] for _ in calls]
        for _ in range(rounds):
            for call, number, per in zip(calls, numbers, times, strict=True):
                start = time.perf_counter()
                for _ in range(number):
                    call()
                per.append((time.perf_counter() - start) / number)
        medians = [statistics.median(per) for per in times]
        cells = [
            f'{median * 1e6:10.1f} {median / medians[0]:6.2f}x'
            for median in medians
        ]
        print(f'{each.label[:43]:<44}' + ''.join(f'{c:>21}' for c in cells))


def versions() -> str:
    found = [f'Python {platform.python_version()}']
    for dist in ('pyramid_restkit', 'WebOb', 'multipart', 'python-multipart'):
        try:
            found.append(f'{dist} {metadata.version(dist)}')
        except metadata.PackageNotFoundError:
            found.append(f'{dist} not installed')
    return ', '.join(found)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--quick',
        action='store_true',
        help='smoke test: 3 rounds of ~2 ms (not a measurement)',
    )
    parser.add_argument('--rounds', type=int, default=21)
    parser.add_argument('--target-ms', type=float, default=10.0)
    parser.add_argument(
        '--tests',
        action='store_true',
        help='also run the form tests with each candidate',
    )
    parser.add_argument(
        '--only',
        metavar='TEXT',
        default='',
        help='time only the bodies whose label contains TEXT',
    )
    parser.add_argument('--run-tests-with', metavar='NAME', help='internal')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.run_tests_with:
        return run_tests_with(args.run_tests_with)
    # NOTE: python-multipart logs a warning for each malformed body.
    logging.getLogger('python_multipart').setLevel(logging.CRITICAL)
    rounds, target = args.rounds, args.target_ms / 1000
    if args.quick:
        rounds, target = 3, 0.002
    print(versions())
    print(f'{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}')
    parsers = candidates()
    decisions(parsers)
    if args.tests:
        tests(parsers)
    timing({**parsers, **raw_parsers()}, rounds, target, args.only)
    return 0


if __name__ == '__main__':
    sys.exit(main())
