"""SequenceSource and the dispatch of results to sources."""

from __future__ import annotations

import sys
import types
from collections import namedtuple
from typing import Any

import pytest

from pyramid_restkit import CursorPagination
from pyramid_restkit.pagination.sequence import SequenceSource, source_for

Point = namedtuple('Point', 'x y')


def test_objects_and_stable_sorts() -> None:
    points = [Point(2, 'a'), Point(None, 'b'), Point(2, 'c'), Point(1, 'd')]
    source = SequenceSource(points)
    assert source.ordered(()) is source
    up = source.ordered((('x', False),))
    assert [p.y for p in up.slice(0, 10)] == ['b', 'd', 'a', 'c']
    down = source.ordered((('x', True),))
    assert [p.y for p in down.slice(0, 10)] == ['a', 'c', 'd', 'b']
    assert down.count() == 4
    assert source.keys(points[0], (('y', False), ('x', True))) == ('a', 2)


def test_seek_both_ways() -> None:
    rows = [{'k': k} for k in (5, 1, None, 3)]
    source = SequenceSource(rows)
    ordering = (('k', False),)
    assert source.seek(ordering, None, False, 2) == [{'k': None}, {'k': 1}]
    assert source.seek(ordering, (1,), False, 5) == [{'k': 3}, {'k': 5}]
    assert source.seek(ordering, (5,), True, 2) == [{'k': 1}, {'k': 3}]
    assert source.seek(ordering, (None,), True, 2) == []
    down = (('k', True),)
    assert source.seek(down, (3,), False, 5) == [{'k': 1}, {'k': None}]


class FakeSelect:
    """Looks like a SQLAlchemy statement to the dispatch."""


FakeSelect.__module__ = 'sqlalchemy.sql.selectable'


def test_sqlalchemy_results_go_to_the_sql_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[Any] = []
    module = types.ModuleType('pyramid_restkit.pagination.sql')

    def select_source(statement: Any, session: Any) -> Any:
        calls.append((statement, session))
        return SequenceSource([])

    module.select_source = select_source  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, 'pyramid_restkit.pagination.sql', module)
    request = types.SimpleNamespace(db='session')
    statement = FakeSelect()
    assert isinstance(source_for(statement, request, 'db'), SequenceSource)
    assert calls == [(statement, 'session')]


def test_repr_without_ordering() -> None:
    assert repr(CursorPagination()).endswith('ordering=None)')
