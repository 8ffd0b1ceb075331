"""The pure-Python model of the sources' order, for the SQL tests:
``None`` first ascending and last descending, key after key."""

from __future__ import annotations

import functools
from typing import Any


def compare(a: Any, b: Any, desc: bool) -> int:
    """One key: ``None`` first ascending, last descending."""
    if a == b:
        return 0
    if a is None:
        result = -1
    elif b is None:
        result = 1
    else:
        result = -1 if a < b else 1
    return -result if desc else result


def row_compare(ordering: Any, a: dict[str, Any], b: dict[str, Any]) -> int:
    for key, desc in ordering:
        c = compare(a[key], b[key], desc)
        if c:
            return c
    return 0


def reference(rows: list[dict[str, Any]], ordering: Any) -> list[Any]:
    return sorted(
        rows,
        key=functools.cmp_to_key(functools.partial(row_compare, ordering)),
    )
