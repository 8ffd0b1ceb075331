"""What the kit assumes of colander beyond its documented API.

Each function below relies on how colander 2.0 works, not only on what it
documents.  Each says what it assumes and why the kit does not use a public
alternative: ``benchmarks/internals.py`` measures them against those
alternatives (``benchmarks/README.md``, "Internals"), and
``tests/schemas/test_colander.py`` fails if an assumption stops holding.
Check them there when upgrading colander.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import colander


def hook(typ: Any, deserialize: Callable[[Any, Any], Any]) -> None:
    """Make ``deserialize(node, cstruct)`` what ``typ`` deserializes with.

    Checked against colander 2.0: ``SchemaNode.deserialize`` calls
    ``self.typ.deserialize(self, cstruct)``, an ordinary attribute lookup,
    and ``SchemaType`` defines no ``__slots__``, so an attribute of the
    instance comes before its class's method.  ``typ`` stays an instance
    of its own class.  This replaces a subclass of each user type class
    made at run time (kept in a module-level cache) and assigned to
    ``typ.__class__``: that made classes, shared them between
    configurations, and was slower per request (benchmarks/internals.py).
    """
    typ.deserialize = deserialize


def has_deferred(schema: colander.SchemaNode) -> bool:
    """Whether ``schema`` needs ``bind(request=...)`` per request.

    Checked against colander 2.0: ``SchemaNode.bind`` clones the schema and
    resolves, in every node, each attribute whose value is a
    ``colander.deferred``, looking them up with ``dir(node)`` and
    ``getattr`` (``_SchemaNode._bind``).  Those are the values of the
    node's ``__dict__`` and of its classes' ``__dict__``.

    PERF: binding clones the whole schema, about twelve times the cost of
    validating (benchmarks/internals.py, "binding"), so a schema without
    deferred values is never bound.  Reading the dictionaries is several
    times cheaper than ``dir`` and ``getattr`` ("deferred detection"),
    and each class is read once per call, not once per node of it.

    NOTE: ``bind`` also sets ``node.bindings`` and calls ``after_bind``;
    a schema that relies only on those is not bound (the guide promises
    binding for deferred values only).
    """
    seen: set[type] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        # NOTE: class attributes count too (``validator = deferred(...)``
        # in a SchemaNode subclass), as they do for colander's own bind().
        if _holds_deferred(vars(node)):
            return True
        cls = type(node)
        if cls not in seen:
            # The bases of a class already read were read with it.
            for base in cls.__mro__:
                if base not in seen:
                    seen.add(base)
                    if _holds_deferred(vars(base)):
                        return True
        stack.extend(node.children)
    return False


def _holds_deferred(namespace: Mapping[str, Any]) -> bool:
    return any(
        isinstance(value, colander.deferred) for value in namespace.values()
    )


def plain_sequence(typ: Any) -> bool:
    """Whether ``typ`` deserializes a list as colander's Sequence does.

    Checked against colander 2.0: ``Sequence.deserialize`` of a list
    calls ``Sequence._impl``, which deserializes each item with the
    node's one child (``child.deserialize(item)``), skips ``drop`` items
    and ``null`` ones where the child's ``missing`` is ``drop``, adds each
    item's error at its position to one ``Invalid(node)``
    (``error.add(exc, position)``), and leaves ``drop`` results out.  The
    kit's rules (``rules._Rules._items``) do the same with one
    difference: they stop once enough errors are found, where colander's
    loop builds one error per bad item of the whole list (seconds for a
    1 MiB body: benchmarks/validation_cost.py).  A type whose class
    overrides ``deserialize`` or ``_impl`` keeps its own.
    """
    cls = type(typ)
    return (
        isinstance(typ, colander.Sequence)
        and cls.deserialize is colander.Sequence.deserialize
        and cls._impl is colander.Sequence._impl
    )


def error_part(error: colander.Invalid) -> str:
    """What ``error`` adds to a dotted name: its position, or its name.

    Checked against colander 2.0: ``Invalid.add`` sets the (undocumented)
    ``positional`` attribute of a child error when its parent's type is
    positional (Sequence, Tuple); colander's own ``asdict()`` names errors
    with it.  ``pos`` is documented.  No public method gives one name per
    error (``asdict()`` joins the messages of a name), and this is not a
    matter of speed.
    """
    return str(error.pos if error.positional else error.node.name)
