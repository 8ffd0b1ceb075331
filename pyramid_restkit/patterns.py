"""Route patterns, parsed in one place.

Resources declare Pyramid route patterns (``/posts/{id}``,
``/r/{id:\\d+}``); the kit needs their shape for conflicts, a URL suffix
placeholder so that ``/posts/7.yaml`` reaches the route of
``/posts/{id}``, and the placeholders for the OpenAPI document and the
YAML loader's checks.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from pyramid.urldispatch import old_route_re, route_re, star_at_end


def prefixed(prefix: str | None, pattern: str) -> str:
    """``pattern`` under Pyramid's ``route_prefix``, as ``add_route`` joins
    them (``config.include(..., route_prefix='v1')``, or
    ``config.route_prefix_context``): the full path clients see, with its
    leading slash (Pyramid matches patterns with or without one alike)."""
    if not prefix:
        return pattern
    return '/' + prefix.strip('/') + '/' + pattern.lstrip('/')


def normalize_pattern(pattern: str) -> str:
    """Reduce a resource's route pattern to its shape: its OpenAPI path
    with the placeholders' names and regexes dropped.

    ``/posts/{id}``, ``posts/{pk}`` and ``/posts/{id:\\d+}`` are one path
    to a client and to the OpenAPI document (which cannot hold two paths
    that differ only in their placeholders); ``*rest`` is a placeholder
    too.
    """
    return _PLACEHOLDER_IN_PATH.sub('{}', resource_template(pattern).path)


#: The placeholder appended to resource patterns that end in literal text,
#: so that ``/posts.yaml`` matches the route of ``/posts``.
SUFFIX_PLACEHOLDER = 'restkit_suffix'
SUFFIX_PATTERN = '{' + SUFFIX_PLACEHOLDER + r':(?:\.[^./]+)?}'


#: A pattern's last placeholder when it has a regex (``{id:[0-9]+}``).
_REGEX_PLACEHOLDER_AT_END = re.compile(r'\{[^{}:]+:(?:[^{}]|\{[^{}]*\})*\}$')


def with_suffix(pattern: str) -> str:
    """``pattern`` with the suffix placeholder where a value cannot take it.

    After literal text (``/posts``), and after a placeholder with its own
    regex (``/r/{id:[0-9]+}``, whose regex would refuse ``7.yaml``); a plain
    placeholder takes the suffix itself and the predicate peels it off.
    """
    if '*' in pattern.rsplit('/', 1)[-1]:
        return pattern
    if pattern.endswith('}') and not _REGEX_PLACEHOLDER_AT_END.search(pattern):
        return pattern
    return pattern + SUFFIX_PATTERN


def suffix_pregenerator(request: Any, elements: Any, kw: Any) -> Any:
    """Let ``route_url`` omit the suffix placeholder (it is optional)."""
    kw.setdefault(SUFFIX_PLACEHOLDER, '')
    return elements, kw


# -- path templates (OpenAPI's view of a pattern) ---------------------------

#: A placeholder as Pyramid reads it (``pyramid.urldispatch.route_re``):
#: a name starting with a letter or ``_``, then an optional ``:regex``
#: that may hold one level of braces (``{id:\d{4}}``).
_PLACEHOLDER = re.compile(
    r'\{([_a-zA-Z][^{}:]*)(?::((?:[^{}]|\{[^{}]*\})*))?\}'
)
#: Pyramid's old-style ``:name`` placeholders, read when no ``{`` is used.
_OLD_PLACEHOLDER = re.compile(r':([_a-zA-Z]\w*)')
_STAR_AT_END = re.compile(r'\*(\w*)$')
#: A placeholder of an OpenAPI path template (names only, no regex).
_PLACEHOLDER_IN_PATH = re.compile(r'\{[^{}]*\}')
#: The regex of a plain placeholder: one non-empty segment.
SEGMENT = '[^/]+'


class PathTemplate(typing.NamedTuple):
    """What a route pattern says about its OpenAPI path."""

    path: str
    #: Placeholder name -> its Python regex.
    regexes: dict[str, str]
    #: The placeholder whose value a URL suffix is peeled off, if any.
    suffixed: str | None


def _template(pattern: str, restkit: bool = False) -> PathTemplate:
    """The template of ``pattern``; ``restkit``: of a resource's route.

    A resource's route is ``with_suffix(pattern)``: its suffix placeholder
    is not a parameter (and makes Pyramid read ``:name`` as text).
    """
    if restkit:
        pattern = with_suffix(pattern)
    if not _PLACEHOLDER.search(pattern) and _OLD_PLACEHOLDER.search(pattern):
        # NOTE: as Pyramid does: '/posts/:id' is '/posts/{id}'.
        pattern = _OLD_PLACEHOLDER.sub(r'{\1}', pattern)
    regexes: dict[str, str] = {}
    remainder = None
    star = _STAR_AT_END.search(pattern)
    if star is not None:
        pattern, remainder = pattern[: star.start()], star[1]

    def replace(match: re.Match[str]) -> str:
        regexes[match[1]] = SEGMENT if match[2] is None else match[2]
        return '{' + match[1] + '}'

    path = _PLACEHOLDER.sub(replace, pattern)
    # The format_suffix predicate peels a suffix off the last value when
    # the pattern ends with a brace (with_suffix).
    suffixed = next(reversed(regexes), None) if path.endswith('}') else None
    if remainder:
        path += '{' + remainder + '}'
        regexes[remainder] = '.*'
        suffixed = None
    if suffixed == SUFFIX_PLACEHOLDER:
        del regexes[suffixed]
        path = path[: -len(SUFFIX_PLACEHOLDER) - 2]
        suffixed = None
    if not path.startswith('/'):
        path = '/' + path
    return PathTemplate(path, regexes, suffixed)


def openapi_path(pattern: str) -> tuple[str, dict[str, str]]:
    """Return the OpenAPI template of a Pyramid route ``pattern``.

    Placeholders keep their names and the regex each matches (name ->
    regex, ``[^/]+`` for a plain one) is returned for its parameter's
    schema; a ``*remainder`` becomes ``{remainder}`` (``.*``) and an
    old-style ``:name`` is ``{name}``, as Pyramid reads them.
    """
    template = _template(pattern)
    return template.path, template.regexes


def resource_template(pattern: str) -> PathTemplate:
    """The template of a resource's route (see :func:`_template`)."""
    return _template(pattern, restkit=True)


# -- checking a pattern as Pyramid will read it ------------------------------

_NAME = re.compile(r'[_a-zA-Z][_a-zA-Z0-9]*')
_A_NAME = 'an identifier (ASCII letters, digits, _), as in {id}'
_PLACEHOLDERS = 'placeholders such as {id} or {id:\\d+}'

#: What is wrong with a pattern: the index in it, the problem, what was
#: expected instead.
Problem = tuple[int, str, str]


@dataclass
class Placeholder:
    """A ``{name}``, ``{name:regex}`` or ``*name`` of a route pattern."""

    start: int  # index of its '{' or '*' in the pattern
    end: int
    name: str
    regex: str | None = None  # of {name:regex}
    default: str = '[^/]+'  # Pyramid's regex without one ('.*?' for *)
    at: int = 0  # index of its group in the regex source

    def group(self) -> str:
        """Its group in the matcher's regex, as Pyramid writes it."""
        regex = self.default if self.regex is None else self.regex
        return f'(?P<{self.name}>{regex})'

    def index(self, pos: int | None) -> int:
        """The index in the pattern of ``pos`` (in its group) or its start."""
        if self.regex is None:
            return self.start + 1  # the name
        regex_at = self.at + len(f'(?P<{self.name}>')
        offset = 0 if pos is None else pos - regex_at
        regex_start = self.start + len(self.name) + 2
        return regex_start + max(0, min(offset, len(self.regex)))


def _not_a_name(name: str) -> str:
    return f'{name!r} is not a placeholder name' if name else 'no name'


def _literal_problem(
    pattern: str, begin: int, end: int, limit: int
) -> Problem | None:
    """A brace or a ``*`` where Pyramid sees literal text: a mistake."""
    for index in range(begin, end):
        char = pattern[index]
        if char == '*':
            return index, "'*' before the end", 'a remainder *name at the end'
        if char == '}':
            return index, "unbalanced '}'", _PLACEHOLDERS
        if char != '{':
            continue
        depth = 0
        for close in range(index, limit):
            depth += {'{': 1, '}': -1}.get(pattern[close], 0)
            if not depth:
                break
        else:
            return index, "unbalanced '{'", _PLACEHOLDERS
        name = pattern[index + 1 : close].partition(':')[0]
        if not _NAME.fullmatch(name):
            return index + 1, _not_a_name(name), _A_NAME
        return index, 'braces nested too deep', 'one level, as in {y:\\d{4}}'
    return None


def placeholders(pattern: str) -> tuple[list[Placeholder], int]:
    """The placeholders of ``pattern`` as Pyramid finds them; the length of
    the text before the remainder."""
    star = star_at_end.search(pattern)
    limit = len(pattern) if star is None else star.start()
    body = pattern[:limit]
    found = []
    for match in route_re.finditer(body):
        name, colon, regex = match.group()[1:-1].partition(':')
        regex_or_none = regex if colon else None
        found.append(
            Placeholder(match.start(), match.end(), name, regex_or_none)
        )
    if star is not None:
        found.append(
            Placeholder(limit, star.end(), star.group(1), default='.*?')
        )
    return found, limit


def pattern_problem(pattern: str) -> Problem | None:
    """What Pyramid would refuse, or silently misread, in ``pattern``.

    The syntax is Pyramid's, read with its own expressions
    (``pyramid.urldispatch``): ``{name}`` and ``{name:regex}``
    placeholders, and ``*name`` at the very end for the remainder.
    Everything else is literal text, so a brace or a ``*`` there is a
    mistake.  Old style ``:name`` placeholders are refused.
    """
    try:
        external = bool(urlparse(pattern).hostname)
    except ValueError:  # urlparse('//[') has a broken IPv6 host
        external = True
    if external:  # add_route would make an external route: never matched
        return 0, 'a URL', 'a path of the application such as /posts/{id}'
    old = old_route_re.search(pattern)
    if old is not None and not route_re.search(pattern):
        # NOTE: Pyramid would read it as {name}, but not once the kit adds
        # its suffix placeholder to a pattern ending in text: it would
        # then be literal text, silently.
        name = old.group()[1:]
        what = f'the old style placeholder {old.group()!r}'
        return old.start(), what, f'{{{name}}} instead'
    found, limit = placeholders(pattern)
    ends = [0] + [item.end for item in found]
    starts = [item.start for item in found] + [limit]
    for begin, end in zip(ends, starts, strict=True):
        problem = _literal_problem(pattern, begin, end, limit)
        if problem is not None:
            return problem
    seen = set()
    for item in found:
        if not _NAME.fullmatch(item.name):
            return item.start + 1, _not_a_name(item.name), _A_NAME
        if item.name in seen:
            what = f'the placeholder name {item.name!r} is used twice'
            return item.start + 1, what, 'distinct names'
        seen.add(item.name)
    if all(item.regex is None for item in found):
        return None  # plain groups with distinct names always compile
    # NOTE: compiled group after group, as Pyramid's matcher will hold
    # them (escaped literal text cannot make the regex invalid), so that
    # an error is the last group's.  Its own regex alone, when that fails
    # too, says best where (but only compiling with the groups before it
    # lets a regex refer to an earlier placeholder).
    source = ''
    for item in found:
        item.at = len(source)
        source += item.group()
        error = _regex_error(source)
        if error is None:
            continue
        if item.regex is None:  # a group of an earlier regex has its name
            what = f'the placeholder name {item.name!r} is used twice'
            return item.index(None), f'{what} ({error.msg})', 'distinct names'
        own = _regex_error(item.regex)
        index = item.index(error.pos)
        if own is not None:
            error, index = own, item.index(None) + (own.pos or 0)
        what = f'the regex of {item.name!r} is invalid ({error.msg})'
        return index, what, 'a Python regular expression'
    return None


def _regex_error(source: str) -> re.error | None:
    try:
        re.compile(source)
    except re.error as exc:
        return exc
    return None
