"""The tags resource: plain functions, declared in ``api.yaml``.

No class: the YAML entry names this module, and the kit builds the
resource from its ``collection_get`` and ``get`` functions.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request

from restkit_demo.db import get_connection


def _counts(request: Request) -> Counter[str]:
    counts: Counter[str] = Counter()
    for (tags,) in get_connection(request).execute('SELECT tags FROM posts'):
        counts.update(json.loads(tags))
    return counts


def collection_get(request: Request) -> list[dict[str, Any]]:
    """Every tag in use, with how many posts carry it, most used first."""
    return [
        {'tag': tag, 'posts': count}
        for tag, count in sorted(
            _counts(request).items(), key=lambda item: (-item[1], item[0])
        )
    ]


def get(request: Request) -> dict[str, Any]:
    """One tag and its number of posts; 404 if no post carries it."""
    tag = request.matchdict['tag']
    count = _counts(request).get(tag)
    if not count:
        raise HTTPNotFound(f'No post is tagged {tag[:40]!r}.')
    return {'tag': tag, 'posts': count}
