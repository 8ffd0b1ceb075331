"""Route patterns, parsed in one place.

Resources declare Pyramid route patterns (``/posts/{id}``,
``/r/{id:\\d+}``); the kit needs their shape for conflicts, a URL suffix
placeholder so that ``/posts/7.yaml`` reaches the route of
``/posts/{id}``, and the placeholders for the OpenAPI document and the
YAML loader's checks.
"""

from __future__ import annotations

import re
from typing import Any


def normalize_pattern(pattern: str) -> str:
    """Reduce a route pattern to its shape: placeholder names dropped.

    ``/posts/{id}`` and ``posts/{pk}`` are the same path to a client.
    """
    out = []
    depth = 0
    placeholder = ''
    for char in pattern if pattern.startswith('/') else '/' + pattern:
        if depth:
            if char == '{':
                depth += 1
            elif char == '}':
                depth -= 1
                if not depth:
                    _, colon, regex = placeholder.partition(':')
                    out.append('{' + colon + regex + '}')
                    continue
            placeholder += char
        elif char == '{':
            depth = 1
            placeholder = ''
        else:
            out.append(char)
    return ''.join(out)


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
