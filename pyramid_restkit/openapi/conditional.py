"""What conditional requests add to an operation of the document.

Read from the operation's runtime plan
(:class:`~pyramid_restkit.conditional.Conditional`): the header
parameters that act on it (``If-None-Match`` and ``If-Modified-Since`` on
a ``GET``; ``If-Match``, ``If-Unmodified-Since`` and ``If-None-Match`` on
the unsafe verbs), the ``ETag``, ``Last-Modified`` and ``Cache-Control``
headers of its successes, a ``304`` on a ``GET`` that can answer it, a
``412`` on every operation that checks preconditions and a ``428`` where
``require_if_match`` is set.
"""

from __future__ import annotations

import copy
from typing import Any

from ..conditional import Conditional

_STRING = {'type': 'string'}

HEADERS: dict[str, dict[str, Any]] = {
    'ETag': {
        'description': 'The entity-tag of this representation (each media '
        'type has its own); absent when the resource has none.',
        'schema': _STRING,
    },
    'Last-Modified': {
        'description': 'When the resource last changed (an HTTP-date); '
        'absent when it has no such date.',
        'schema': _STRING,
    },
    'Cache-Control': {
        'description': 'How caches may keep the response.',
        'schema': _STRING,
    },
}

PARAMETERS: dict[str, str] = {
    'If-None-Match': 'Entity-tags of the copies the client has, or `*`: '
    'a GET answers 304 when one matches (weak comparison); other verbs '
    'answer 412.',
    'If-Modified-Since': 'An HTTP-date: 304 when the resource has not '
    'changed since (ignored with If-None-Match).',
    'If-Match': 'Entity-tags of the state the client changes (any '
    "representation's, strong comparison), or `*` (the resource exists): "
    '412 otherwise.',
    'If-Unmodified-Since': 'An HTTP-date: 412 when the resource changed '
    'since (ignored with If-Match).',
}

DESCRIPTIONS = {
    304: "Not modified: the client's copy is current.",
    412: 'A precondition (If-Match, If-Unmodified-Since, If-None-Match) '
    'does not hold.',
    428: 'The request must carry If-Match.',
}


def parameters(conditional: Conditional) -> list[dict[str, Any]]:
    """The header parameters that act on the operation."""
    tagged = conditional.tag is not None or conditional.body_tags
    if conditional.safe:
        names = [
            ('If-None-Match', tagged or conditional.date is not None),
            ('If-Modified-Since', conditional.date is not None),
        ]
    else:
        names = [
            ('If-Match', True),
            ('If-Unmodified-Since', conditional.date is not None),
            ('If-None-Match', conditional.validators),
        ]
    return [
        {
            'name': name,
            'in': 'header',
            'required': name == 'If-Match' and conditional.require,
            'description': PARAMETERS[name],
            'schema': dict(_STRING),
        }
        for name, acts in names
        if acts
    ]


def success_headers(conditional: Conditional) -> dict[str, Any]:
    """The headers the kit adds to the operation's successes."""
    names = []
    if conditional.safe or conditional.renews:
        if conditional.tag is not None or conditional.body_tags:
            names.append('ETag')
        if conditional.date is not None:
            names.append('Last-Modified')
    if conditional.cache_control is not None:
        names.append('Cache-Control')
    return {name: copy.deepcopy(HEADERS[name]) for name in names}


def statuses(conditional: Conditional) -> dict[int, str]:
    """The statuses conditional requests add, with their descriptions."""
    found = {}
    if conditional.safe:
        if conditional.validators or conditional.body_tags:
            found[304] = DESCRIPTIONS[304]
    else:
        found[412] = DESCRIPTIONS[412]
        if conditional.require:
            found[428] = DESCRIPTIONS[428]
    return found
