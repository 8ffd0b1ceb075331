"""Python regular expressions as ECMA-262 patterns, for JSON Schema.

colander's ``Regex`` validator uses Python's ``re.match``; JSON Schema's
``pattern`` is an ECMA-262 regular expression that searches.
:func:`ecma_pattern` translates one into the other exactly, for both
engines (ECMA-262 with the ``u`` flag, and Python's, which jsonschema and
hypothesis use), or says it cannot.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable
from typing import Any

#: Python's ``$``: the end, or before a newline that ends the string.
_DOLLAR = r'(?=\n?$(?!\n))'
_END = r'$(?!\n)'
_SYNTAX = frozenset('^$\\.*+?()[]{}|/')
_CLASS_SYNTAX = frozenset('\\]-^[')
_OCTAL = frozenset('01234567')
_CHARS = {'a': 7, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11}
_HEX = {'x': 2, 'u': 4, 'U': 8}
_LOOKAROUNDS = frozenset({'(?=', '(?!', '(?<=', '(?<!'})
_QUANTIFIER = re.compile(r'([0-9]*)(?:(,)([0-9]*))?\}')


class _Untranslatable(Exception):
    """A construct without an exact ECMA-262 equivalent."""


def ecma_pattern(regex: Any) -> str | None:
    """Return a JSON Schema ``pattern`` for a colander ``Regex``.

    ``regex`` is a compiled Python pattern, applied with ``re.match``
    (anchored at the start only).  The result matches the same strings
    under ECMA-262 (``u`` flag, as JSON Schema 2020-12 asks) and Python:
    ``$``, ``.``, ``\\d``, ``\\s``, ``\\w`` and ``\\Z`` are spelled out.
    None when that is not possible: flags other than ``ASCII`` and
    ``DOTALL``, backreferences, inline flags, conditionals, atomic groups,
    possessive or lookaround quantifiers, ``\\b`` without ``ASCII``.
    """
    if not isinstance(regex, re.Pattern) or not isinstance(regex.pattern, str):
        return None
    if regex.flags & ~(re.UNICODE | re.ASCII | re.DOTALL):
        return None
    translator = _Translator(
        regex.pattern,
        bool(regex.flags & re.ASCII),
        bool(regex.flags & re.DOTALL),
    )
    try:
        return translator.run()
    except _Untranslatable:
        return None


@functools.cache
def _category(letter: str, ascii: bool) -> tuple[tuple[int, int], ...]:
    """Code point ranges that ``\\d``, ``\\s`` or ``\\w`` match here."""
    # PERF: one scan in C over every code point, a match per range.
    chars = ''.join(map(chr, range(128 if ascii else sys.maxunicode + 1)))
    runs = re.finditer(f'\\{letter}+', chars, re.ASCII if ascii else 0)
    return tuple((run.start(), run.end() - 1) for run in runs)


def _complement(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    result, start = [], 0
    for low, high in ranges:
        if low > start:
            result.append((start, low - 1))
        start = high + 1
    if start <= sys.maxunicode:
        result.append((start, sys.maxunicode))
    return result


def _char(cp: int, in_class: bool) -> str:
    char = chr(cp)
    if char in (_CLASS_SYNTAX if in_class else _SYNTAX):
        return '\\' + char
    if cp > 0xFFFF or char.isprintable():
        return char
    return f'\\u{cp:04x}'


def _ranges(ranges: Iterable[tuple[int, int]]) -> str:
    parts = []
    for low, high in ranges:
        parts.append(_char(low, True))
        if high > low:
            parts.append(('-' if high > low + 1 else '') + _char(high, True))
    return ''.join(parts)


class _Translator:
    def __init__(self, source: str, ascii: bool, dotall: bool) -> None:
        self.source = source
        self.pos = 0
        self.ascii = ascii
        self.dotall = dotall

    # NOTE: the source compiled, so it is well formed: no bound checks.

    def get(self) -> str:
        char = self.source[self.pos]
        self.pos += 1
        return char

    def accept(self, text: str) -> bool:
        if self.source.startswith(text, self.pos):
            self.pos += len(text)
            return True
        return False

    def run(self) -> str | None:
        tokens: list[str] = []
        groups: list[bool] = []  # whether each open group is a lookaround
        alternation = assertion = False
        while self.pos < len(self.source):
            char = self.get()
            token, was_assertion = None, False
            if char in '*+?' or (char == '{' and self.peek_repeat()):
                if assertion:
                    raise _Untranslatable(self.source)
                token = (char if char != '{' else self.repeat()) + self.lazy()
            elif char == '(':
                token = self.group()
                if token is None:
                    continue  # a comment
                groups.append(token in _LOOKAROUNDS)
            elif char == ')':
                token, was_assertion = ')', groups.pop()
            elif char == '|':
                token, alternation = '|', alternation or not groups
            elif char == '[':
                token = self.char_class()
            elif char == '\\':
                token, was_assertion = self.escape()
            elif char in '^$':
                token, was_assertion = ('^' if char == '^' else _DOLLAR), True
            elif char == '.':
                token = r'[\s\S]' if self.dotall else r'[^\n]'
            else:
                token = _char(self.literal(ord(char)), False)
            tokens.append(token)
            assertion = was_assertion
        if not alternation and tokens and tokens[0] == '^':
            del tokens[0]
        if not tokens:
            return None
        if alternation:
            return '^(?:' + ''.join(tokens) + ')'
        if tokens[-1] == _DOLLAR:
            tokens[-1] = r'\n?' + _END
        return '^' + ''.join(tokens)

    def literal(self, cp: int) -> int:
        if 0xD800 <= cp <= 0xDFFF:
            raise _Untranslatable(self.source)  # u-mode would pair them
        return cp

    def peek_repeat(self) -> bool:
        match = _QUANTIFIER.match(self.source, self.pos)
        return match is not None and bool(match.group(1) or match.group(2))

    def repeat(self) -> str:
        match = _QUANTIFIER.match(self.source, self.pos)
        assert match is not None
        self.pos = match.end()
        low, comma, high = match.groups()
        if not comma:
            return '{' + low + '}'
        return '{' + (low or '0') + ',' + high + '}'

    def lazy(self) -> str:
        if self.accept('+'):
            raise _Untranslatable(self.source)  # possessive
        return '?' if self.accept('?') else ''

    def group(self) -> str | None:
        if not self.accept('?'):
            return '('
        for opening in (':', '=', '!', '<=', '<!'):
            if self.accept(opening):
                return '(?' + opening
        if self.accept('P<'):
            # Named groups group alike; without backreferences, the name
            # (whose syntax differs) does not matter.
            self.pos = self.source.index('>', self.pos) + 1
            return '('
        if self.accept('#'):
            self.pos = self.source.index(')', self.pos) + 1
            return None
        raise _Untranslatable(self.source)

    def category(self, letter: str) -> list[tuple[int, int]]:
        ranges = _category(letter.lower(), self.ascii)
        return _complement(ranges) if letter.isupper() else list(ranges)

    def escape(self) -> tuple[str, bool]:
        char = self.get()
        if char in 'dDsSwW':
            return '[' + _ranges(self.category(char)) + ']', False
        if char == 'A':
            return '^', True
        if char == 'Z':
            return _END, True
        if char in 'bB':
            if not self.ascii:
                raise _Untranslatable(self.source)  # Unicode word chars
            return '\\' + char, True
        if char in '123456789':
            digits = char + self.source[self.pos : self.pos + 2]
            if len(digits) < 3 or not set(digits) <= _OCTAL:
                raise _Untranslatable(self.source)  # a backreference
            self.pos += 2
            return _char(self.literal(int(digits, 8)), False), False
        return _char(self.literal(self.char_escape(char)), False), False

    def char_escape(self, char: str) -> int:
        if char in _OCTAL:
            digits = char
            while (
                len(digits) < 3
                and self.source[self.pos : self.pos + 1] in _OCTAL
            ):
                digits += self.get()
            return int(digits, 8)
        if char in _CHARS:
            return _CHARS[char]
        if char in _HEX:
            end = self.pos + _HEX[char]
            digits, self.pos = self.source[self.pos : end], end
            return int(digits, 16)
        if char == 'N':
            end = self.source.index('}', self.pos)
            name, self.pos = self.source[self.pos + 1 : end], end + 1
            return ord(unicodedata.lookup(name))
        if char.isascii() and char.isalnum():
            raise _Untranslatable(self.source)
        return ord(char)

    def class_atom(self) -> tuple[list[tuple[int, int]], int | None]:
        char = self.get()
        if char != '\\':
            cp = self.literal(ord(char))
            return [(cp, cp)], cp
        char = self.get()
        if char in 'dDsSwW':
            return self.category(char), None
        cp = self.literal(8 if char == 'b' else self.char_escape(char))
        return [(cp, cp)], cp

    def char_class(self) -> str:
        negate = self.accept('^')
        start, parts = self.pos, []
        # NOTE: a ']' first is a literal in Python (ECMA reads "[]").
        while not (self.source.startswith(']', self.pos) and self.pos > start):
            ranges, low = self.class_atom()
            following = self.source[self.pos + 1 : self.pos + 2]
            if (
                low is not None
                and following not in ('', ']')
                and self.accept('-')
            ):
                _, high = self.class_atom()
                assert high is not None  # re refuses a category as a bound
                ranges = [(low, high)]
            parts.append(_ranges(ranges))
        self.pos += 1
        return '[' + ('^' if negate else '') + ''.join(parts) + ']'
