"""What :mod:`pyramid_restkit.schemas._colander` assumes of colander.

Each test states one assumption the kit makes about colander 2.0 beyond
its documented API, and fails if colander stops behaving that way.  The
other tests of the package would fail too, but less clearly.
"""

from __future__ import annotations

from typing import Any

import colander
import pytest
from pyramid.request import Request

from pyramid_restkit.schemas import (
    RequestSchema,
    field_errors,
    has_deferred,
    prepare,
)
from pyramid_restkit.schemas._colander import (
    error_part,
    hook,
    plain_sequence,
)
from tests.schemas.helpers import (
    Color,
    PostSchema,
    Tags,
    TenantSchema,
    path_default,
    tenant_validator,
)

# -- hook: a type's deserialize of its own ------------------------------------


def spy(calls: list[tuple[Any, Any]], result: Any) -> Any:
    def deserialize(node: Any, cstruct: Any) -> Any:
        calls.append((node, cstruct))
        return result

    return deserialize


def test_node_deserialize_calls_the_instances_deserialize() -> None:
    calls: list[tuple[Any, Any]] = []
    typ = colander.Integer()
    hook(typ, spy(calls, 42))
    node = colander.SchemaNode(typ, validator=colander.Range(max=41))
    with pytest.raises(colander.Invalid) as info:
        node.deserialize('1')
    # what the hook returns is what the node validates
    assert info.value.asdict() == {'': '42 is greater than maximum value 41'}
    assert calls == [(node, '1')]
    assert type(typ) is colander.Integer
    # other instances of the class keep the class's method
    assert colander.SchemaNode(colander.Integer()).deserialize('1') == 1


@pytest.mark.parametrize(
    ('typ', 'cstruct', 'expected'),
    [
        (colander.Mapping(), {'a': 'x', 'b': 'y'}, {'a': 0, 'b': 1}),
        (colander.Tuple(), ['x', 'y'], (0, 1)),
    ],
)
def test_containers_deserialize_children_through_their_nodes(
    typ: Any, cstruct: Any, expected: Any
) -> None:
    calls: list[tuple[Any, Any]] = []
    children = []
    for position, name in enumerate('ab'):
        child_type = colander.String()
        hook(child_type, spy(calls, position))
        children.append(colander.SchemaNode(child_type, name=name))
    node = colander.SchemaNode(typ, *children)
    assert node.deserialize(cstruct) == expected
    assert calls == [(children[0], 'x'), (children[1], 'y')]


def test_sequence_deserializes_items_through_its_child_node() -> None:
    calls: list[tuple[Any, Any]] = []
    item_type = colander.String()
    hook(item_type, spy(calls, 'item'))
    item = colander.SchemaNode(item_type)
    node = colander.SchemaNode(colander.Sequence(), item)
    assert node.deserialize(['x', 'y']) == ['item', 'item']
    assert calls == [(item, 'x'), (item, 'y')]


@pytest.mark.parametrize(
    'typ',
    [
        colander.Mapping(),
        colander.Sequence(),
        colander.Tuple(),
        colander.Set(),
        colander.List(),
        colander.String(),
        colander.Integer(),
        colander.Float(),
        colander.Decimal(),
        colander.Money(),
        colander.Boolean(),
        colander.DateTime(),
        colander.Date(),
        colander.Time(),
        colander.Enum(Color),
        colander.GlobalObject(None),
    ],
)
def test_colander_types_have_an_instance_dict(typ: Any) -> None:
    # No __slots__: an attribute of the instance can shadow the method.
    assert isinstance(vars(typ), dict)


def test_prepared_types_are_hooked_copies() -> None:
    schema = PostSchema()
    prepared = prepare(schema, typed=True)
    for original, clone in (
        (schema, prepared),
        (schema['views'], prepared['views']),
    ):
        assert clone.typ is not original.typ
        assert type(clone.typ) is type(original.typ)
        assert 'deserialize' in vars(clone.typ)
        assert 'deserialize' not in vars(original.typ)


def test_bound_clones_keep_the_hooks() -> None:
    # bind() clones nodes but shares their type objects.
    prepared = prepare(TenantSchema(), typed=True)
    bound = prepared.bind(request=Request.blank('/'))
    assert bound['tenant'].typ is prepared['tenant'].typ
    with pytest.raises(colander.Invalid) as info:
        bound.deserialize({'tenant': 7, 'origin': 'x'})
    assert info.value.asdict() == {'tenant': 'Expected a string.'}


# -- plain_sequence: what Sequence.deserialize does with a list ---------------


def _outcome(node: colander.SchemaNode, items: list[Any]) -> Any:
    """The result, or the names of the errors, of ``node``'s list.

    (Not the messages: the rules word some of their own.)
    """
    try:
        return node.deserialize(items)
    except colander.Invalid as exc:
        return sorted(exc.asdict())


class Odd(colander.SchemaType):  # type: ignore[misc]
    """An item type whose odd values are dropped from the result."""

    def deserialize(self, node: Any, cstruct: Any) -> Any:
        if cstruct is colander.null:
            return colander.null
        if not isinstance(cstruct, int):
            raise colander.Invalid(node, 'Expected an integer.')
        return colander.drop if cstruct % 2 else cstruct


SEQUENCES = {
    'strings': (colander.SchemaNode(colander.String()), ['a', 'b', 3, 'c']),
    'null items': (
        colander.SchemaNode(colander.Integer()),
        [1, colander.null, 2, 'x'],
    ),
    'null items dropped': (
        colander.SchemaNode(colander.Integer(), missing=colander.drop),
        [1, colander.null, 2, colander.drop, 'x'],
    ),
    'dropped results': (colander.SchemaNode(Odd()), [1, 2, 3, 4, 'x']),
    'mappings': (
        colander.SchemaNode(
            colander.Mapping(),
            colander.SchemaNode(colander.Integer(), name='n'),
        ),
        [{'n': 1}, {}, {'n': 'x'}, {'n': 2}],
    ),
    'empty': (colander.SchemaNode(colander.String()), []),
}


@pytest.mark.parametrize('case', list(SEQUENCES))
def test_the_rules_read_lists_as_colanders_sequence_does(case: str) -> None:
    item, items = SEQUENCES[case]
    node = colander.SchemaNode(colander.Sequence(), item)
    assert plain_sequence(node.typ)
    # text input: the rules do not refuse what colander would coerce
    prepared = prepare(node, typed=False)
    assert _outcome(prepared, items) == _outcome(node, items)
    valid = [value for value in items if not isinstance(value, str)]
    assert _outcome(prepared, valid) == _outcome(node, valid)


def test_plain_sequence_leaves_other_types_to_colander() -> None:
    class OwnImpl(colander.Sequence):  # type: ignore[misc]
        def _impl(self, *args: Any) -> Any:
            return ['own']

    class OwnDeserialize(colander.Sequence):  # type: ignore[misc]
        def deserialize(self, node: Any, cstruct: Any, **kw: Any) -> Any:
            return ['own']

    assert not plain_sequence(OwnImpl())
    assert not plain_sequence(OwnDeserialize())
    assert not plain_sequence(colander.List())
    assert not plain_sequence(colander.Tuple())
    for typ in (OwnImpl(), OwnDeserialize()):
        node = colander.SchemaNode(typ, colander.SchemaNode(colander.String()))
        assert prepare(node, typed=True).deserialize(['a']) == ['own']


# -- has_deferred: what bind() resolves ---------------------------------------


def changed_by_bind(schema: colander.SchemaNode) -> bool:
    """Whether colander's own ``bind`` changes any attribute of a node."""
    bound = schema.bind(request=Request.blank('/'))
    pairs = [(schema, bound)]
    while pairs:
        before, after = pairs.pop()
        names = (set(vars(before)) | set(vars(after))) - {
            'bindings',
            'children',
        }
        if any(
            vars(before).get(name) is not vars(after).get(name)
            for name in names
        ):
            return True
        pairs.extend(zip(before.children, after.children, strict=True))
    return False


class TenantNode(colander.SchemaNode):
    schema_type = colander.String
    validator = tenant_validator


class Plain(colander.SchemaNode):
    schema_type = colander.String


class DeferredMissing:
    """A mixin holding a deferred value."""

    missing = path_default


class MixedIn(DeferredMissing, Plain):
    pass


def mapping(*children: colander.SchemaNode) -> colander.SchemaNode:
    return colander.SchemaNode(colander.Mapping(), *children)


def deferred_root() -> colander.SchemaNode:
    return colander.SchemaNode(colander.Mapping(), validator=tenant_validator)


def deferred_in_a_type() -> colander.SchemaNode:
    typ = colander.String()
    typ.encoding = path_default  # colander 2.0 does not resolve it
    return mapping(colander.SchemaNode(typ, name='a'))


def deferred_in_a_validator() -> colander.SchemaNode:
    # nor one inside a validator object
    return mapping(
        colander.SchemaNode(
            colander.Integer(),
            name='a',
            validator=colander.Range(max=path_default),
        )
    )


def in_request_schema() -> colander.SchemaNode:
    schema = RequestSchema()
    schema.add(TenantSchema(name='body'))
    return schema


SCHEMAS = {
    'instance attributes': (TenantSchema, True),
    'class attribute': (lambda: mapping(TenantNode(name='t')), True),
    'a base class': (lambda: mapping(MixedIn(name='m')), True),
    'the root': (deferred_root, True),
    'a RequestSchema location': (in_request_schema, True),
    'class seen first as a base': (
        lambda: mapping(Plain(name='p'), MixedIn(name='m')),
        True,
    ),
    'class seen first as a base, reversed': (
        lambda: mapping(MixedIn(name='m'), Plain(name='p')),
        True,
    ),
    'a later node of a class already read': (
        lambda: mapping(
            Plain(name='p'), Plain(name='q', validator=tenant_validator)
        ),
        True,
    ),
    'none': (PostSchema, False),
    'none, classes repeated': (
        lambda: mapping(Plain(name='p'), Plain(name='q'), Tags(name='t')),
        False,
    ),
    'a type attribute': (deferred_in_a_type, False),
    'a validator attribute': (deferred_in_a_validator, False),
}


@pytest.mark.parametrize('name', sorted(SCHEMAS))
def test_has_deferred_agrees_with_colanders_bind(name: str) -> None:
    make, expected = SCHEMAS[name]
    schema = make()
    assert has_deferred(schema) is expected
    assert changed_by_bind(schema) is expected


# -- error_part: positional errors --------------------------------------------


@pytest.mark.parametrize(
    ('typ', 'positional'),
    [
        (colander.Sequence(), True),
        (colander.Tuple(), True),
        (colander.Mapping(), False),
    ],
)
def test_invalid_add_marks_children_of_positional_types(
    typ: Any, positional: bool
) -> None:
    parent = colander.Invalid(colander.SchemaNode(typ))
    child = colander.Invalid(
        colander.SchemaNode(colander.String(), name='name'), 'bad'
    )
    parent.add(child, 3)
    assert child.positional is positional
    assert child.pos == 3
    assert error_part(child) == ('3' if positional else 'name')


def test_error_names_agree_with_colanders_asdict() -> None:
    class Pair(colander.TupleSchema):
        n = colander.SchemaNode(colander.Integer())
        s = colander.SchemaNode(colander.String())

    class Doc(colander.MappingSchema):
        tags = Tags()
        pair = Pair()

        @colander.instantiate()
        class author(colander.MappingSchema):
            name = colander.SchemaNode(colander.String())

    with pytest.raises(colander.Invalid) as info:
        Doc().deserialize(
            {'tags': ['a', {}], 'pair': ['x', 'y'], 'author': {}}
        )
    names = {error['name'] for error in field_errors(info.value, 'body')}
    assert (
        names
        == set(info.value.asdict())
        == {
            'tags.1',
            'pair.0',
            'author.name',
        }
    )


# -- attributes the rules read ------------------------------------------------


def test_types_keep_their_arguments_as_attributes() -> None:
    # The rules read them back (rules._check_scalar, rules._check_text).
    boolean = colander.Boolean(false_choices=('n',), true_choices=('y',))
    assert (boolean.false_choices, boolean.true_choices) == (('n',), ('y',))
    assert colander.Boolean().false_choices == ('false', '0')
    assert colander.Boolean().true_choices == ()
    assert colander.String(allow_empty=True).allow_empty is True
    assert colander.String().allow_empty is False
    inner = colander.Integer()
    assert colander.Enum(Color, typ=inner).typ is inner
    assert colander.Mapping(unknown='preserve').unknown == 'preserve'
    assert colander.Mapping().unknown == 'ignore'


def test_has_deferred() -> None:
    assert has_deferred(TenantSchema()) is True
    assert has_deferred(PostSchema()) is False
    wrapped = RequestSchema()
    wrapped.add(TenantSchema(name='body'))
    assert has_deferred(wrapped) is True
