"""The schema of a value per media type: as text (forms, parameters), XML.

Media types are described by their data model: JSON, YAML and other typed
formats carry the JSON Schema as converted (:mod:`.jsonschema`); forms
and parameters are text, so they cannot carry ``null``, nested objects or
an empty required array; XML follows the kit's mapping (``docs/xml.md``),
whose lists are elements with ``type="list"``.  :class:`Variants` writes
the text and XML forms of a schema; the formats of :data:`TEXT_FORMATS`
have no data model at all.  An uploaded file (:class:`~pyramid_restkit.File`)
is a binary string in forms (a ``multipart/form-data`` part) and nothing
that XML or a typed format can carry.
"""

from __future__ import annotations

from typing import Any

from .jsonschema import REF

#: Media type names whose bodies are text, not a data model.
TEXT_FORMATS = frozenset({'html', 'text', 'csv'})

#: Characters an XML 1.0 document can hold (others cannot be sent).
XML_CHARS = r'^[^\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]*$'

_NULL = {'type': 'null'}
#: What text cannot carry at all (a value that can only be null).
_NEVER: dict[str, Any] = {'not': {}}
#: Keywords about the place a value is at (a property), not the value:
#: they stay on the property when its value is rewritten.
_SITE_KEYWORDS = ('title', 'description', 'readOnly')


class Variants:
    """The schema of one value, rewritten for text-based media types.

    ``form`` is what a form field or a parameter (text) can carry; ``xml``
    the kit's XML mapping.  A rewritten component is added once, under a
    derived name (``Post-Form``, ``Post-XML``), so ``$ref``s stay shared.
    """

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components

    def form(self, schema: Any) -> Any:
        return self._rewrite(schema, 'Form')

    def xml(self, schema: Any, root: str | None = None) -> Any:
        """The XML form of ``schema``; ``root`` names the document element.

        (The parser ignores the root's name, so requests need none.)
        """
        result = self._rewrite(schema, 'XML')
        if root is not None:
            result = {'allOf': [result], 'xml': {'name': root}}
        return result

    def _rewrite(self, schema: Any, kind: str) -> Any:
        if not isinstance(schema, dict):
            return schema
        ref = schema.get('$ref')
        if ref is None:
            return self._transform(schema, kind)
        name = f'{ref[len(REF) :]}-{kind}'
        if name not in self.components:
            self.components[name] = {}  # taken while it is built
            target = self.components[ref[len(REF) :]]
            self.components[name] = self._transform(target, kind)
        rest = {k: v for k, v in schema.items() if k != '$ref'}
        if rest:
            return {'$ref': REF + name, **self._transform(rest, kind)}
        return {'$ref': REF + name}

    def _transform(self, schema: dict[str, Any], kind: str) -> dict[str, Any]:
        out = _without_null(schema)
        if 'properties' in out:
            out['properties'] = {
                name: self._rewrite(value, kind)
                for name, value in out['properties'].items()
            }
        for key in ('items', 'not'):
            if isinstance(out.get(key), dict):
                out[key] = self._rewrite(out[key], kind)
        if 'prefixItems' in out:
            # Positions stay (text cannot say null: its item can be none).
            out['prefixItems'] = [
                _NEVER if item == _NULL else self._rewrite(item, kind)
                for item in out['prefixItems']
            ]
        for key in ('allOf', 'anyOf', 'oneOf'):
            if key in out:
                branches = [self._rewrite(b, kind) for b in out[key]]
                branches = [b for b in branches if b != _NULL] or [_NEVER]
                if len(branches) == 1:
                    # NOTE: one branch is the value itself; tools that
                    # write XML from a schema do not look into anyOf.
                    del out[key]
                    out = {**branches[0], **out}
                else:
                    out[key] = branches
        if kind == 'Form':
            return _form_value(out)
        # NOTE: a default is data (a list, say), which the XML form of its
        # schema (an element with type="list") would refuse.
        out.pop('default', None)
        return _xml_value(out)


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without ``null`` (text cannot say it) or a null default."""
    out = dict(schema)
    kind = out.get('type')
    if isinstance(kind, list) and 'null' in kind:
        rest = [k for k in kind if k != 'null']
        out['type'] = rest[0] if len(rest) == 1 else rest
    if 'default' in out and out['default'] is None:
        del out['default']
    return out


def _form_value(schema: dict[str, Any]) -> dict[str, Any]:
    """The form (or parameter) form of one value's schema.

    A list is sent as a repeated field, and a single field is a list of
    one value: an array also takes its item.  A file is a binary string.
    """
    if schema.get('format') == 'binary' and schema.get('not') == {}:
        # The typed schema of a file (jsonschema_types._file).
        rest = {k: v for k, v in schema.items() if k != 'not'}
        return {'type': 'string', **rest}
    items = schema.get('items')
    if schema.get('type') != 'array' or not isinstance(items, dict):
        return schema
    site = {k: schema[k] for k in (*_SITE_KEYWORDS, 'default') if k in schema}
    array = {k: v for k, v in schema.items() if k not in site}
    return {**site, 'anyOf': [array, items]}


def _xml_value(schema: dict[str, Any]) -> dict[str, Any]:
    """The XML form of one (already rewritten) value's schema.

    Text must hold only XML characters; a list is an element with
    ``type="list"`` whose children (``<item>``) are the values.
    """
    kind = schema.get('type')
    if kind == 'string':
        if 'pattern' in schema:
            return {'allOf': [schema, {'pattern': XML_CHARS}]}
        return {**schema, 'pattern': XML_CHARS}
    if kind != 'array':
        return schema
    wrapper: dict[str, Any] = {
        key: schema[key] for key in _SITE_KEYWORDS if key in schema
    }
    items = {k: v for k, v in schema.items() if k not in _SITE_KEYWORDS}
    items.pop('default', None)
    # NOTE: the parser takes list children of any name; <item> is what
    # the renderer writes.
    element = items.get('items', {})
    if 'prefixItems' in items:
        element = {}
    least = items.get('minItems', 0)
    # One <item> is a list of one, as one form field is.
    one = element and least <= 1
    wrapper.update(
        type='object',
        properties={
            'type': {'const': 'list', 'xml': {'attribute': True}},
            'item': {'anyOf': [items, element]} if one else items,
        },
        additionalProperties=element,
    )
    if least:
        # A list that cannot be empty has its items (as <item> elements,
        # the names the renderer writes).
        wrapper['required'] = ['type', 'item']
    else:
        # An empty element is an empty list too (the schema says so).
        wrapper['anyOf'] = [{'required': ['type']}, {'maxProperties': 0}]
    return wrapper
