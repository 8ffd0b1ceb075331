"""The :class:`~pyramid_restkit.pagination.sources.Source` of a SQLAlchemy
``Select`` (Core or ORM) or legacy ``Query``.

The pagination runtime calls :func:`select_source` when ``collection_get``
returns one of them; this module is imported only then, and imports
SQLAlchemy (the ``sqlalchemy`` extra) inside its functions, so that the
package imports without it.

- **Keys** are the names of the selected columns (``select(Post.id,
  Post.title)``, ``select(posts_table)``: the keys of
  ``Select.selected_columns``) or, for a select of one ORM entity
  (``select(Post)``), the entity's column attributes.  Any other name
  raises :class:`UnknownKey` (a :class:`KeyError`) naming it, which the
  runtime turns into a 400.
- **Order**: ``None`` sorts first ascending and last descending, as in
  Python (``nulls_first()`` / ``nulls_last()``); a non-empty ordering
  replaces the statement's ``ORDER BY`` and ends with the selected
  primary-key columns not named in it, so that offset pages are stable.
- **Rows**: ORM entities for a select of one entity, otherwise one plain
  ``dict`` a row (column name to value), which every renderer serializes.
- **Count**: one ``SELECT count(*) FROM (<statement without ORDER BY>)``.
- **Seek**: the keyset condition is SQL (``WHERE (k1 > v1) OR (k1 = v1 AND
  k2 > v2) ...``), with the operators of each key's direction and its
  ``IS NULL`` cases, then ``ORDER BY`` and ``LIMIT``: no ``OFFSET``, so a
  far page costs what the first does.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .sources import Ordering

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Mapper, Session
    from sqlalchemy.sql import ColumnElement, Select

__all__ = ['SelectSource', 'UnknownKey', 'select_source']


class UnknownKey(KeyError):
    """An ordering key that names no selected column or entity attribute.

    ``key`` is the name; ``known`` the names the select has.
    """

    def __init__(self, key: str, known: Sequence[str]) -> None:
        self.key = key
        self.known = tuple(known)
        super().__init__(key)

    def __str__(self) -> str:
        return (
            f'{self.key!r} is not a column of the select '
            f'(known: {", ".join(self.known)})'
        )


def select_source(statement: Any, session: Session | None) -> SelectSource:
    """The source of ``statement``, a SQLAlchemy 2 ``Select`` run with
    ``session``, or a legacy ``Query`` (run with its own session; then
    ``session`` may be ``None``)."""
    from sqlalchemy.orm import Query

    if isinstance(statement, Query):
        session = statement.session
        statement = statement.statement
    if session is None:
        raise ValueError(
            'a SQLAlchemy Select needs a session: set the request attribute '
            'named by the restkit.sqlalchemy.session setting'
        )
    return SelectSource(statement, session)


#: How a cursor value that came back as a string (a cursor encoded as
#: JSON) becomes the Python type of its column again.
_PARSERS: dict[type, Callable[[str], Any]] = {
    datetime.datetime: datetime.datetime.fromisoformat,
    datetime.date: datetime.date.fromisoformat,
    datetime.time: datetime.time.fromisoformat,
    decimal.Decimal: decimal.Decimal,
    uuid.UUID: uuid.UUID,
}


class SelectSource:
    """A ``Select`` and the session that runs it, as a pagination source."""

    def __init__(self, statement: Select[Any], session: Session) -> None:
        self.statement = statement
        self.session = session
        self._entity, self._mapper = _entity(statement)

    # -- keys ---------------------------------------------------------

    def _names(self) -> list[str]:
        if self._mapper is not None:
            return [prop.key for prop in self._mapper.column_attrs]
        return list(self.statement.selected_columns.keys())

    def column(self, key: str) -> ColumnElement[Any]:
        """The SQL expression of ``key``; :class:`UnknownKey` if none."""
        if self._mapper is not None:
            if key in self._mapper.column_attrs:
                # PERF: the attribute's column expression, which compares
                # without the ORM attribute layer (a third of a seek's
                # Python time went there)
                expr: ColumnElement[Any] = getattr(
                    self._entity, key
                ).expression
                return expr
        elif key in self.statement.selected_columns:
            return self.statement.selected_columns[key]
        raise UnknownKey(key, self._names())

    def _primary_key(self) -> list[str]:
        if self._mapper is not None:
            mapper = self._mapper
            return [
                mapper.get_property_by_column(column).key
                for column in mapper.primary_key
            ]
        return [
            key
            for key, column in self.statement.selected_columns.items()
            if getattr(column, 'primary_key', False)
        ]

    # -- the Source protocol -------------------------------------------

    def ordered(self, ordering: Ordering) -> SelectSource:
        """The statement ordered by ``ordering`` then the primary key
        (its own order when ``ordering`` is empty)."""
        if not ordering:
            return self
        named = {key for key, _ in ordering}
        full = tuple(ordering) + tuple(
            (key, False) for key in self._primary_key() if key not in named
        )
        statement = self.statement.order_by(None).order_by(
            *self._order_by(full)
        )
        return SelectSource(statement, self.session)

    def count(self) -> int:
        from sqlalchemy import func, select

        inner = self.statement.order_by(None).subquery()
        total = self.session.scalar(select(func.count()).select_from(inner))
        return int(total or 0)

    def slice(self, offset: int, limit: int) -> list[Any]:
        return self._run(self.statement.offset(offset).limit(limit))

    def seek(
        self,
        ordering: Ordering,
        after: tuple[Any, ...] | None,
        backwards: bool,
        limit: int,
    ) -> list[Any]:
        # NOTE: walking backwards is walking forwards in the reversed
        # order, which flips each key's direction and, with it, where its
        # NULLs go (first ascending, last descending): one condition
        # builder serves both ways.
        if backwards:
            ordering = tuple((key, not desc) for key, desc in ordering)
        statement = self.statement.order_by(None).order_by(
            *self._order_by(ordering)
        )
        if after is not None:
            statement = statement.where(self._after(ordering, after))
        items = self._run(statement.limit(limit))
        if backwards:
            items.reverse()
        return items

    def keys(self, item: Any, ordering: Ordering) -> tuple[Any, ...]:
        if isinstance(item, Mapping):
            return tuple(item[key] for key, _ in ordering)
        return tuple(getattr(item, key) for key, _ in ordering)

    # -- SQL ------------------------------------------------------------

    def _order_by(self, ordering: Ordering) -> list[ColumnElement[Any]]:
        clauses: list[ColumnElement[Any]] = []
        for key, desc in ordering:
            column = self.column(key)
            clauses.append(
                column.desc().nulls_last()
                if desc
                else column.asc().nulls_first()
            )
        return clauses

    def _after(
        self, ordering: Ordering, after: tuple[Any, ...]
    ) -> ColumnElement[bool]:
        """``WHERE`` the rows strictly after the position ``after`` in
        ``ordering``: for each key, the rows equal on the keys before it
        and past it on this one."""
        from sqlalchemy import and_, false, or_

        if len(after) != len(ordering):
            raise ValueError(
                f'{len(after)} cursor values for {len(ordering)} keys'
            )
        terms: list[ColumnElement[bool]] = []
        equal: list[ColumnElement[bool]] = []
        bound: ColumnElement[bool] | None = None
        last = len(ordering) - 1
        for index, ((key, desc), raw) in enumerate(
            zip(ordering, after, strict=True)
        ):
            column = self.column(key)
            value = _coerce(raw, column)
            nullable = _nullable(column)
            past = _past(column, value, desc, nullable)
            if past is not None:
                terms.append(and_(*equal, past))
            if index == last:
                continue  # equality on the last key serves no term
            if not equal:
                # PERF: the OR-chain alone hides the range of the first key
                # from the planner (SQLite scans); the same range, said
                # alone, lets an index on the ordering keys start at the
                # cursor.
                bound = _bound(column, value, desc, nullable)
            equal.append(
                column.is_(None) if value is None else column == value
            )
        condition = or_(*terms) if terms else false()
        return condition if bound is None else and_(bound, condition)

    def _run(self, statement: Select[Any]) -> list[Any]:
        if self._entity is not None:
            return list(self.session.scalars(statement).unique().all())
        result = self.session.execute(statement)
        # PERF: zip with the keys builds the dicts 3x faster than
        # dict(row_mapping) or Row._asdict()
        names = tuple(result.keys())
        return [dict(zip(names, row, strict=True)) for row in result]


def _past(
    column: ColumnElement[Any], value: Any, desc: bool, nullable: bool
) -> ColumnElement[bool] | None:
    """The rows past ``value`` on ``column`` (``None`` when none are):
    NULLs come first ascending and last descending."""
    from sqlalchemy import or_

    if not desc:
        # ascending, NULLs first: every non-NULL is past a NULL; past a
        # value are the greater values (a NULL compares as unknown).
        return column.is_not(None) if value is None else column > value
    # descending, NULLs last: nothing is past a NULL; past a value are the
    # smaller values, then the NULLs.
    if value is None:
        return None
    smaller: ColumnElement[bool] = column < value
    return smaller if not nullable else or_(smaller, column.is_(None))


def _bound(
    column: ColumnElement[Any], value: Any, desc: bool, nullable: bool
) -> ColumnElement[bool] | None:
    """The rows at or past ``value`` on the first key (``None``: all)."""
    from sqlalchemy import or_

    if value is None:
        return column.is_(None) if desc else None
    if not desc:
        at_least: ColumnElement[bool] = column >= value
        return at_least
    at_most: ColumnElement[bool] = column <= value
    return at_most if not nullable else or_(at_most, column.is_(None))


def _nullable(column: ColumnElement[Any]) -> bool:
    """Whether ``column`` may hold NULL: what its table says, and yes for
    expressions (labels, functions), which no declaration covers."""
    expression = getattr(column, 'expression', column)
    return bool(getattr(expression, 'nullable', True))


def _coerce(value: Any, column: ColumnElement[Any]) -> Any:
    """``value`` as the Python type of ``column`` when it came as a
    string (dates, times, decimals and UUIDs out of a JSON cursor)."""
    if not isinstance(value, str):
        return value
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    parse = _PARSERS.get(python_type)
    return value if parse is None else parse(value)


def _entity(statement: Select[Any]) -> tuple[Any, Mapper[Any] | None]:
    """The ORM entity (class or alias) and its mapper when ``statement``
    selects one entity alone, else ``(None, None)``."""
    from sqlalchemy import inspect

    descriptions = statement.column_descriptions
    if len(descriptions) == 1:
        expr = descriptions[0]['expr']
        info = inspect(expr, raiseerr=False)
        if getattr(info, 'is_mapper', False) or getattr(
            info, 'is_aliased_class', False
        ):
            return expr, info.mapper
    return None, None
