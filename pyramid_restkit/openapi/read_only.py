"""Read-only fields in request bodies: what a client may send back.

API.md: the fields that an operation's response schema has and its input
schema lacks are read-only; sent back in a body (a client PUTs what it
GOT), they are dropped, not refused, at every nesting level.  The
runtime finds them once, at commit
(:attr:`pyramid_restkit.schemas.Validator.read_only`); the document says
the same thing.  The request body of such an operation is a *write
variant* of its input schema: each read-only field is an optional
property marked ``readOnly: true`` (JSON Schema 2020-12: sent by the
server, ignored when a client sends it), with the schema the response
schema gives it, in each mapping where the runtime drops it (nested
mappings, the items of a list), so a closed mapping
(``additionalProperties: false``) accepts what the operation answers.
The text and XML forms of the body (:mod:`.variants`) are written from
the variant, so they have the fields too.

Naming (:meth:`WriteVariants.finish`): a component that gets read-only
fields is first written as ``<name>-Write`` (``-Write-2``... for another
set of fields; identical variants share one name).  Once the document is
built, a variant takes the plain name (``PostSchema``, ``PostSchema-XML``)
when the plain component is referenced nowhere any more: every body that
used it has the same read-only fields, as is usual (a resource's schema
and response schema), so generated clients keep one model per schema
class, named after it, instead of a ``PostSchemaWrite`` beside an unused
``PostSchema``.  Where bodies disagree (a class also used by an
operation without read-only fields, or with other ones) the plain
component stays as it was for the operations that use it, and each
variant keeps its suffix: no body shows fields that its operation would
refuse.  A component that only the replaced plain bodies used is left
out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import colander

from ..schemas import ReadOnly
from .components import Components, free_name
from .jsonschema import REF
from .jsonschema_base import dumps

#: What a write variant's name has that the plain one lacks.
WRITE = '-Write'
#: The suffixes :class:`.variants.Variants` adds to a component's name.
_DERIVED = re.compile(r'-(?:Form|XML|MergePatch)')


class _Level:
    """The read-only fields of one mapping (or list) of a body.

    ``output`` is the response schema's node there, ``names`` the
    read-only fields of this mapping, ``below`` the levels under it, by
    field name (``None``: the items of a list).
    """

    def __init__(self, output: colander.SchemaNode) -> None:
        self.output = output
        self.names: set[str] = set()
        self.below: dict[str | None, _Level] = {}

    def fields(self) -> Iterator[colander.SchemaNode]:
        """The response schema's read-only nodes here, in its order."""
        for child in self.output.children:
            if child.name in self.names:
                yield child


def _step(node: colander.SchemaNode, step: str | None) -> colander.SchemaNode:
    if step is not None:
        return node[step]
    if isinstance(node.typ, colander.Sequence):
        return node.children[0]
    # A mapping response schema applies to each item of a list body.
    return node


def _levels(
    read_only: ReadOnly, response_schema: colander.SchemaNode
) -> _Level:
    """The paths of ``read_only`` as a tree of levels."""
    root = _Level(response_schema)
    for path in read_only:
        level = root
        for step in path[:-1]:
            below = level.below.get(step)
            if below is None:
                below = _Level(_step(level.output, step))
                level.below[step] = below
            level = below
        level.names.add(str(path[-1]))
    return root


def _is_object(schema: dict[str, Any]) -> bool:
    kind = schema.get('type')
    kinds = [kind] if isinstance(kind, str) else kind or []
    return 'object' in kinds or 'properties' in schema


class WriteVariants:
    """The write variants of the request bodies of one document."""

    def __init__(self, components: Components) -> None:
        self.components = components
        #: Variant name -> the name of the component it extends.
        self.bases: dict[str, str] = {}

    def extend(
        self,
        schema: Any,
        read_only: ReadOnly,
        response_schema: colander.SchemaNode,
    ) -> Any:
        """``schema`` (a converted body) with its ``read_only`` fields.

        ``read_only`` are the operation's read-only fields
        (:func:`pyramid_restkit.schemas.read_only_fields`), whose nodes
        ``response_schema`` has.
        """
        if not read_only:
            return schema
        return self._extend(schema, _levels(read_only, response_schema))

    def _extend(self, schema: Any, level: _Level) -> Any:
        if not isinstance(schema, dict):
            return schema
        ref = schema.get('$ref')
        if isinstance(ref, str) and ref.startswith(REF):
            name = REF + self._variant(ref[len(REF) :], level)
            return {k: name if k == '$ref' else v for k, v in schema.items()}
        out = dict(schema)
        for key in ('allOf', 'anyOf', 'oneOf'):
            if isinstance(out.get(key), list):
                out[key] = [self._extend(branch, level) for branch in out[key]]
        if _is_object(out):
            below = level.below
            properties = {
                name: self._extend(value, below[name])
                if name in below
                else value
                for name, value in out.get('properties', {}).items()
            }
            # NOTE: optional (not in ``required``), typed as answered.
            for node in level.fields():
                converted = self.components.convert(node, mode='output')
                properties[node.name] = {**converted, 'readOnly': True}
            out['properties'] = properties
        items = level.below.get(None)
        if items is not None and isinstance(out.get('items'), dict):
            out['items'] = self._extend(out['items'], items)
        return out

    def _variant(self, name: str, level: _Level) -> str:
        """The component ``name`` with the read-only fields of ``level``."""
        schemas = self.components.schemas
        body = self._extend(schemas[name], level)
        text = dumps(body)
        if text == dumps(schemas[name]):
            return name  # nothing there takes them (another converter's)
        for variant, base in self.bases.items():
            if base == name and dumps(schemas[variant]) == text:
                return variant
        variant = free_name(name + WRITE, schemas)
        schemas[variant] = body
        self.bases[variant] = name
        return variant

    # -- naming ---------------------------------------------------------

    def finish(self, *roots: Any) -> None:
        """Name the variants, once the document is built.

        ``roots`` are the parts of the document that reference components
        (its paths, its component parameters).  A variant (or its
        ``-Form`` or ``-XML`` form) takes the plain name when the plain
        component is referenced nowhere (it is replaced, in its place)
        and no other variant claims the name.  Components that only the
        plain bodies referenced, and that are referenced no more, are
        left out (a class whose users all have read-only fields, in
        several sets).
        """
        if not self.bases:
            return
        schemas = self.components.schemas
        used = _reachable(roots, schemas)
        claims: dict[str, list[str]] = {}
        for name in schemas:
            target = self._target(name)
            if target is not None and name in used and target not in used:
                claims.setdefault(target, []).append(name)
        renames = {
            names[0]: target
            for target, names in claims.items()
            if len(names) == 1
        }
        before = _reachable(roots, schemas, self._plain)
        garbage = before - used - set(renames.values())
        if not renames and not garbage:
            return
        replaced = {target: name for name, target in renames.items()}
        result: dict[str, Any] = {}
        for key, value in schemas.items():
            if key in replaced:
                result[key] = schemas[replaced[key]]
            elif key in garbage:
                continue
            elif key not in renames:
                result[key] = value
            elif renames[key] not in schemas:
                result[renames[key]] = value
        schemas.clear()
        schemas.update(result)
        refs = {REF + old: REF + new for old, new in renames.items()}
        _rename(schemas, refs)
        for root in roots:
            _rename(root, refs)

    def _plain(self, name: str) -> str:
        """The component ``name`` stands for in a body without them."""
        target = self._target(name)
        return target if target in self.components.schemas else name

    def _target(self, name: str) -> str | None:
        """The plain name of a variant (or of a form of one), else None."""
        for variant, base in self.bases.items():
            rest = name[len(variant) :]
            if name.startswith(variant) and (
                not rest or _DERIVED.fullmatch(rest)
            ):
                return base + rest
        return None


def _refs(value: Any) -> Iterator[str]:
    """The component names ``value`` references."""
    if isinstance(value, dict):
        ref = value.get('$ref')
        if isinstance(ref, str) and ref.startswith(REF):
            yield ref[len(REF) :]
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _reachable(
    roots: Iterable[Any],
    schemas: dict[str, Any],
    alias: Callable[[str], str] | None = None,
) -> set[str]:
    """The components ``roots`` reference, directly or not.

    ``alias`` maps a name to the component to follow instead.
    """
    found: set[str] = set()
    pending = [name for root in roots for name in _refs(root)]
    while pending:
        name = pending.pop()
        if alias is not None:
            name = alias(name)
        if name not in found:
            found.add(name)
            pending.extend(_refs(schemas[name]))
    return found


def _rename(value: Any, refs: dict[str, str]) -> None:
    """Point the ``$ref`` s of ``value`` named in ``refs`` at the new names."""
    if isinstance(value, dict):
        ref = value.get('$ref')
        if isinstance(ref, str) and ref in refs:
            value['$ref'] = refs[ref]
        for item in value.values():
            _rename(item, refs)
    elif isinstance(value, list):
        for item in value:
            _rename(item, refs)
