"""The source protocol over a Python sequence, and the dispatch from what
``collection_get`` returned to a source."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import ResourceConfigurationError
from .sources import Ordering, Source


def item_keys(item: Any, ordering: Ordering) -> tuple[Any, ...]:
    """The values of ``ordering``'s keys for ``item``: ``item[key]`` for
    mappings, else ``getattr``."""
    if isinstance(item, Mapping):
        return tuple(item[key] for key, _ in ordering)
    return tuple(getattr(item, key) for key, _ in ordering)


def compare(
    left: tuple[Any, ...], right: tuple[Any, ...], ordering: Ordering
) -> int:
    """-1, 0 or 1 as ``left`` comes before, with or after ``right`` in
    ``ordering`` (``None`` first ascending, last descending)."""
    for a, b, (_, descending) in zip(left, right, ordering, strict=True):
        if a == b:
            continue
        if a is None or b is None:
            before = a is None
        else:
            before = a < b
        return (1 if before else -1) if descending else (-1 if before else 1)
    return 0


class SequenceSource:
    """A Python sequence as a :class:`~.sources.Source` (stable sorts)."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = items

    def ordered(self, ordering: Ordering) -> SequenceSource:
        if not ordering:
            return self
        items = list(self.items)
        for key, descending in reversed(ordering):
            # NOTE: stable sorts, last key first; (False, None) sorts
            # before (True, value): None first, and last when reversed.
            items.sort(key=_sort_key(key), reverse=descending)
        return SequenceSource(items)

    def count(self) -> int:
        return len(self.items)

    def slice(self, offset: int, limit: int) -> list[Any]:
        return list(self.items[offset : offset + limit])

    def seek(
        self,
        ordering: Ordering,
        after: tuple[Any, ...] | None,
        backwards: bool,
        limit: int,
    ) -> list[Any]:
        items = list(self.ordered(ordering).items)
        keyed = [(item_keys(item, ordering), item) for item in items]
        for (left, _), (right, _) in zip(keyed, keyed[1:], strict=False):
            if left == right:
                raise ResourceConfigurationError(
                    f'the cursor ordering {_written(ordering)} does not end '
                    f'in a unique key: two items have the keys {left!r}'
                )
        if after is not None:
            sign = -1 if backwards else 1
            keyed = [
                pair
                for pair in keyed
                if compare(pair[0], after, ordering) == sign
            ]
        chosen = keyed[-limit:] if backwards else keyed[:limit]
        return [item for _, item in chosen]

    def keys(self, item: Any, ordering: Ordering) -> tuple[Any, ...]:
        return item_keys(item, ordering)


def _sort_key(key: str) -> Callable[[Any], tuple[bool, Any]]:
    one = ((key, False),)

    def sort_key(item: Any) -> tuple[bool, Any]:
        value = item_keys(item, one)[0]
        return (value is not None, value)

    return sort_key


def _written(ordering: Ordering) -> str:
    return ','.join(('-' if d else '') + k for k, d in ordering)


def source_for(result: Any, request: Any, session_attr: str) -> Source:
    """The source of what ``collection_get`` returned: a sequence, or a
    SQLAlchemy ``Select``/``Query`` run with the request's session
    (``request.<session_attr>``; SQLAlchemy is imported only then)."""
    module = type(result).__module__ or ''
    if module.startswith('sqlalchemy'):
        from .sql import select_source  # type: ignore[import-not-found]

        session = getattr(request, session_attr)
        return select_source(result, session)  # type: ignore[no-any-return]
    if isinstance(result, Sequence) and not isinstance(result, (str, bytes)):
        return SequenceSource(result)
    return SequenceSource(list(result))
