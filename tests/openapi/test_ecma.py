"""Python regular expressions as ECMA-262 patterns.

:func:`pyramid_restkit.openapi.ecma.ecma_pattern`, checked against Python's
``re.match`` and, where ``node`` is installed, an ECMA-262 engine.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import colander
import pytest

from pyramid_restkit.openapi.ecma import (
    _complement,
    _Translator,
    _Untranslatable,
    ecma_pattern,
)
from pyramid_restkit.openapi.jsonschema import (
    TIME_INPUT_PATTERN,
    TIME_OUTPUT_PATTERN,
)

# -- regular expressions ------------------------------------------------------


@pytest.mark.parametrize(
    ('pattern', 'flags', 'expected'),
    [
        (r'^a$', 0, r'^a\n?$(?!\n)'),
        (r'a|b$', 0, r'^(?:a|b(?=\n?$(?!\n)))'),
        (r'\Aa\Z', 0, r'^a$(?!\n)'),
        (
            r'(?P<x>a)(?#note)b{,3}c{2,}?d{2}e{,}',
            0,
            r'^(a)b{0,3}c{2,}?d{2}e{0,}',
        ),
        (r'(?:a)(?=b)(?!c)(?<=d)(?<!e)', 0, r'^(?:a)(?=b)(?!c)(?<=d)(?<!e)'),
        (r'a{ {} a{x} }]', 0, r'^a\{ \{\} a\{x\} \}\]'),
        (r'[]a-]', 0, r'^[\]a\-]'),
        (r'[^]\\^[]', 0, r'^[^\]\\\^\[]'),
        (r'[a-z0-9_.]', 0, r'^[a-z0-9_.]'),
        (r'[ab-c]', 0, r'^[abc]'),
        (r'[\b\t\x41-\x43\1\018]', 0, '^[\\u0008\\u0009A-C\\u0001\\u00018]'),
        (r'\x41\u00e9\N{BULLET}\0\101\3770', 0, '^Aé•\\u0000A\u00ff0'),
        (
            r'\t\n\r\f\v\a\/\-\# \u00a0',
            0,
            '^\\u0009\\u000a\\u000d\\u000c\\u000b\\u0007\\/-# \\u00a0',
        ),
        (
            '\U0001f600+[\U0001f600-\U0001f602]',
            0,
            '^\U0001f600+[\U0001f600-\U0001f602]',
        ),
        (r'.', 0, r'^[^\n]'),
        (r'.', re.DOTALL, r'^[\s\S]'),
        (r'\d\s\w', re.ASCII, r'^[0-9][\u0009-\u000d ][0-9A-Z_a-z]'),
        (
            r'[\D]\S',
            re.ASCII,
            '^[\\u0000-/:-\U0010ffff][\\u0000-\\u0008'
            '\\u000e-\\u001f!-\U0010ffff]',
        ),
        (r'\bx\B', re.ASCII, r'^\bx\B'),
        (r'\w+', 0, None),  # checked below: long, but exact
        (r'', 0, None),
        (r'^', 0, None),
        (r'a', re.IGNORECASE, None),
        (r'a', re.MULTILINE, None),
        (r'a', re.VERBOSE, None),
        (r'(?i)a', 0, None),
        (r'(?i:a)', 0, None),
        (r'(a)\1', 0, None),
        (r'(?P<x>a)(?P=x)', 0, None),
        (r'(a)?(?(1)b|c)', 0, None),
        (r'(?>a)', 0, None),
        (r'a*+', 0, None),
        (r'(?=a)*', 0, None),
        (r'\bx', 0, None),
        ('\ud800', 0, None),
        (r'[\ud800]', 0, None),
    ],
)
def test_ecma_pattern(pattern: str, flags: int, expected: str | None) -> None:
    if pattern == r'\w+':
        result = ecma_pattern(re.compile(pattern))
        assert result is not None and result.endswith(']+')
        return
    assert ecma_pattern(re.compile(pattern, flags)) == expected


def test_ecma_pattern_odd_input() -> None:
    assert ecma_pattern(re.compile(b'a')) is None
    assert ecma_pattern('a') is None
    assert _complement([(0, 5), (7, sys.maxunicode)]) == [(6, 6)]
    with pytest.raises(_Untranslatable):  # an escape Python may add later
        _Translator(r'\p{L}', False, False).run()


PATTERNS = [
    r'^\d+$',
    r'^[\w.-]+\Z',
    r'a|b$',
    r'^a$\n',
    r'[^\W\d]+',
    r'\D\S\W',
    r'x*?y+?z??',
    r'(?=a)\w',
    r'(?<=a)b|(?<!a)c',
    r'[\d-][-\s]',
    r'[\x00-\x1f]',
    r'\s',
    colander.EMAIL_RE,
    colander.UUID_REGEX.replace('a-f', 'a-fA-F'),
    r'[\b]\t\n\r\f\v\a',
    r'(a|b)c',
    r'$a',
]
SAMPLES = [
    '',
    'a',
    'b',
    'ab',
    'a\n',
    'b\n',
    'a\n\n',
    '\n',
    '12',
    '\u0661\u0662',
    '12\n',
    'x.y-z',
    '\u00e9',
    '\r',
    ' ',
    '\u00a0',
    '\x1c',
    '\u2028',
    '\ufeff',
    'xyz',
    'xyyz',
    '-',
    'a-b',
    '\x08\t\n\r\f\v\x07',
    'ac',
    'bc',
    'a@b.co',
    'x@-y',
    '$a',
    '\U0001f600',
    '\u0251',
    '_',
    'a_1',
    '12345678-1234-1234-1234-123456789abc',
    'x\ny',
]


def test_ecma_pattern_matches_what_re_match_does() -> None:
    # In Python's engine (as jsonschema and hypothesis use), which
    # searches: the anchors must make it re.match.
    for pattern in PATTERNS:
        for flags in (0, re.ASCII, re.DOTALL):
            compiled = re.compile(pattern, flags)
            translated = ecma_pattern(compiled)
            assert translated is not None, pattern
            for sample in SAMPLES:
                expected = compiled.match(sample) is not None
                got = re.search(translated, sample) is not None
                assert got is expected, (pattern, flags, sample)


@pytest.mark.skipif(shutil.which('node') is None, reason='needs node')
def test_ecma_pattern_in_an_ecma_262_engine() -> None:
    # The dialect JSON Schema names, with the u flag 2020-12 asks for.
    cases = []
    for pattern in PATTERNS:
        for flags in (0, re.ASCII, re.DOTALL):
            compiled = re.compile(pattern, flags)
            translated = ecma_pattern(compiled)
            for sample in SAMPLES:
                expected = compiled.match(sample) is not None
                cases.append((translated, sample, expected))
    for pattern in (TIME_INPUT_PATTERN, TIME_OUTPUT_PATTERN):
        for sample in ['10:00', '1:2:3.4', '10:00:00', '10:00\n', '24:00']:
            cases.append((pattern, sample, bool(re.search(pattern, sample))))
    script = (
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        'console.log(JSON.stringify(cases.map('
        "([p, s]) => new RegExp(p, 'u').test(s))));"
    )
    process = subprocess.run(
        ['node', '-e', script],
        input=json.dumps([case[:2] for case in cases]),
        capture_output=True,
        text=True,
        check=True,
    )
    results = json.loads(process.stdout)
    for (pattern, sample, expected), got in zip(cases, results, strict=True):
        assert got is expected, (pattern, sample)
