"""What throttling adds to an operation of the document.

Read from the operation's runtime plan
(:class:`~pyramid_restkit.throttling.Throttle`): a ``429`` with
``Retry-After``, and the ``RateLimit-Policy`` and ``RateLimit`` headers
(draft-ietf-httpapi-ratelimit-headers-11) on the responses of requests
that reach the throttle, errors included (not on 401/403: refused
before; not required: a storage failing open sends none).
"""

from __future__ import annotations

import copy
from typing import Any

from ..throttling import Throttle

_STRING = {'type': 'string'}

DESCRIPTION = 'Too many requests: the budget of this client is spent.'

#: Statuses of requests refused before the throttle (they spend nothing
#: and carry no RateLimit headers): the permission, the cross-origin
#: protection.
REFUSED_BEFORE = frozenset({'401', '403'})


def headers(throttle: Throttle) -> dict[str, dict[str, Any]]:
    """The RateLimit header objects of a throttled operation."""
    return {
        'RateLimit-Policy': {
            'description': 'The quota policy (draft-ietf-httpapi-ratelimit-'
            f'headers-11): `{throttle.policy}` ({throttle.quota} requests '
            f'per {throttle.window} seconds, named after the budget).',
            'schema': {**_STRING, 'example': throttle.policy},
        },
        'RateLimit': {
            'description': 'The budget left: `r` requests remaining after '
            'this one, `t` seconds until the window resets.',
            'schema': {
                **_STRING,
                'example': f'{throttle.name};r={throttle.quota - 1};'
                f't={throttle.window}',
            },
        },
    }


def add_throttle(
    responses: dict[str, Any], throttle: Throttle, problems: dict[str, Any]
) -> None:
    """Add the ``429`` and the RateLimit headers to ``responses``."""
    responses['429'] = {
        'description': DESCRIPTION,
        'headers': {
            'Retry-After': {
                'description': 'Seconds until the budget has room again.',
                'required': True,
                'schema': {'type': 'integer', 'minimum': 1},
            },
        },
        'content': problems,
    }
    found = headers(throttle)
    for code, response in responses.items():
        if code not in REFUSED_BEFORE:
            response.setdefault('headers', {}).update(copy.deepcopy(found))
    # In the order of their statuses, as the others.
    ordered = sorted(responses.items())
    responses.clear()
    responses.update(ordered)
