"""Where the items of a paginated collection come from: the source protocol.

``collection_get`` returns a Python sequence, a SQLAlchemy ``Select`` (or
legacy ``Query``), or a :class:`~pyramid_restkit.pagination.Page` it
built itself.  The first two become a :class:`Source`: the pagination
styles and ``?sort=`` speak to that protocol only, so a sequence and a
SQL select are paginated, ordered and keyset-sought by one code path
(:mod:`pyramid_restkit.pagination.sql` implements it for SQLAlchemy,
which is imported only when the application returns one of its
objects).
"""

from __future__ import annotations

from typing import Any, Protocol

#: An ordering: ``(key, descending)`` pairs, as ``request.ordering``
#: holds them (``?sort=-created_at,id`` is
#: ``(('created_at', True), ('id', False))``).
Ordering = tuple[tuple[str, bool], ...]


class Source(Protocol):
    """The items of a collection, as the pagination styles see them.

    ``None`` sorts first ascending and last descending, in Python and in
    SQL alike (``nulls_first()`` / ``nulls_last()``).
    """

    def ordered(self, ordering: Ordering) -> Source:
        """The same items in ``ordering`` (the source's own order when it
        is empty)."""

    def count(self) -> int:
        """How many items there are (one ``COUNT`` query for SQL)."""

    def slice(self, offset: int, limit: int) -> list[Any]:
        """The items ``[offset, offset + limit)``, in the current order."""

    def seek(
        self,
        ordering: Ordering,
        after: tuple[Any, ...] | None,
        backwards: bool,
        limit: int,
    ) -> list[Any]:
        """Keyset pagination: up to ``limit`` items strictly after the
        position whose ordering keys are ``after`` (``backwards``: strictly
        before it), returned in ``ordering`` order; ``after=None`` starts
        at the first item (``backwards``: at the last).  ``ordering`` ends
        in a unique key, so the position is exact."""

    def keys(self, item: Any, ordering: Ordering) -> tuple[Any, ...]:
        """The values of ``ordering``'s keys for ``item`` (what a cursor
        encodes): ``item[key]`` for mappings, else ``getattr``."""
