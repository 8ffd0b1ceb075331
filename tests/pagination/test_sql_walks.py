"""Keyset walks through the SQL source while rows are inserted and
deleted between pages (hypothesis), against a pure-Python model: no row
is seen twice, none that existed throughout the walk is skipped, and
every page is the model's."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from pyramid_restkit.pagination.sql import select_source

from .reference import reference, row_compare


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = 'posts'
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    score: Mapped[int | None]


def ids(items: list[Any]) -> list[int]:
    return [
        item['id'] if isinstance(item, dict) else item.id for item in items
    ]


# -- a property: keyset walks under concurrent inserts and deletes ---------

SCORES = st.one_of(st.none(), st.integers(0, 3))
TITLES = st.sampled_from(['a', 'b', 'é', 'Z'])
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just('insert'), SCORES, TITLES),
        st.tuples(st.just('delete'), st.integers(0, 10**6)),
        st.tuples(st.just('page')),
    ),
    max_size=30,
)


@settings(
    max_examples=60,
    deadline=None,
)
@given(
    initial=st.lists(st.tuples(SCORES, TITLES), max_size=12),
    steps=STEPS,
    directions=st.tuples(st.booleans(), st.booleans()),
    backwards=st.booleans(),
    limit=st.integers(1, 4),
)
def test_walks_under_changes(
    initial: list[tuple[int | None, str]],
    steps: list[tuple[Any, ...]],
    directions: tuple[bool, bool],
    backwards: bool,
    limit: int,
) -> None:
    engine = create_engine('sqlite://')
    Base.metadata.create_all(engine)
    ordering = (
        ('score', directions[0]),
        ('title', directions[1]),
        ('id', False),
    )
    model: dict[int, dict[str, Any]] = {}
    counter = itertools.count(1)

    def add(session: Session, score: int | None, title: str) -> None:
        row = {'id': next(counter), 'title': title, 'score': score}
        model[row['id']] = row
        session.add(Post(**row))
        session.commit()

    with Session(engine) as session:
        for score, title in initial:
            add(session, score, title)
        throughout = set(model)
        seen: list[int] = []
        after: tuple[Any, ...] | None = None
        source = select_source(select(Post), session)
        done = False

        def page() -> bool:
            nonlocal after
            items = source.seek(ordering, after, backwards, limit)
            rows = list(model.values())
            if after is not None:
                cursor = dict(
                    zip([k for k, _ in ordering], after, strict=True)
                )
                sign = -1 if backwards else 1
                rows = [
                    r
                    for r in rows
                    if sign * row_compare(ordering, r, cursor) > 0
                ]
            expected = reference(rows, ordering)
            expected = expected[-limit:] if backwards else expected[:limit]
            assert ids(items) == [r['id'] for r in expected]
            seen.extend(ids(items))
            if items:
                edge = items[0] if backwards else items[-1]
                after = source.keys(edge, ordering)
            return len(items) < limit

        for step in steps:
            if step[0] == 'insert':
                add(session, step[1], step[2])
            elif step[0] == 'delete' and model:
                victim = sorted(model)[step[1] % len(model)]
                del model[victim]
                throughout.discard(victim)
                session.delete(session.get(Post, victim))
                session.commit()
            elif step[0] == 'page' and not done:
                done = page()
        while not done:
            done = page()
    engine.dispose()
    assert len(seen) == len(set(seen)), seen
    assert throughout <= set(seen)
