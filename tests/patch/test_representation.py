"""Dropping what the input schema lacks, and finding what changed."""

from __future__ import annotations

import colander

from pyramid_restkit.patch.representation import (
    changed_fields,
    drop_extra,
    drop_unchanged,
)


class Point(colander.TupleSchema):
    x = colander.SchemaNode(colander.Int())
    where = colander.SchemaNode(
        colander.Mapping(), colander.SchemaNode(colander.String(), name='a')
    )


class Item(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class Shape(colander.MappingSchema):
    point = Point()
    items = colander.SchemaNode(colander.Sequence(), Item())
    any_items = colander.SchemaNode(colander.Sequence(accept_scalar=True))
    choices = colander.SchemaNode(colander.Set())
    # A type with children that is neither a tuple nor a sequence.
    other = colander.SchemaNode(colander.List(), Item())


def test_extra_fields_are_found_along_the_schema():
    value = {
        'extra': 1,
        'point': [1, {'a': 'x', 'b': 'extra'}, 'third'],
        'items': [{'name': 'n', 'id': 1}, 'not an object'],
        'any_items': [{'id': 1}],
        'choices': [{'id': 1}],
        'other': [{'id': 1}],
    }
    assert drop_extra(value, Shape()) == {
        'point': [1, {'a': 'x'}, 'third'],
        'items': [{'name': 'n'}, 'not an object'],
        'any_items': [{'id': 1}],
        'choices': [{'id': 1}],
        'other': [{'id': 1}],
    }


def test_unchanged_extra_fields_are_dropped_per_place():
    before = {'id': 1, 'items': [{'name': 'a', 'id': 1}, {'id': 2}]}
    after = {
        'id': 2,
        'items': [{'name': 'b', 'id': 2}, {'id': 3}, {'name': 'c', 'id': 1}],
    }
    assert drop_unchanged(after, before, Shape()) == {
        'id': 2,
        'items': [{'name': 'b'}, {'id': 3}, {'name': 'c'}],
    }


def test_without_extra_fields_nothing_is_walked():
    after = {'anything': 1}
    assert drop_unchanged(after, {'point': 5}, Shape()) is after
    assert drop_unchanged(after, None, Shape()) == {'anything': 1}


def test_changed_fields_treat_null_as_absent():
    node = Shape()
    valid = {'point': (1, {'a': 'x'}), 'items': []}
    before = {'point': [1, {'a': 'x'}], 'items': None}
    after = {'point': [1.0, {'a': 'x'}], 'items': [], 'choices': None}
    assert changed_fields(before, after, valid, node) == {'items': []}
    assert changed_fields([1], after, valid, node) == {
        'point': (1, {'a': 'x'}),
        'items': [],
    }
