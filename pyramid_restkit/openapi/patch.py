"""PATCH documents in the document: their request bodies, their 409.

A PATCH operation that takes documents (:mod:`pyramid_restkit.patch`)
lists, besides its plain partial body, ``application/merge-patch+json``
and ``application/json-patch+json``.  A merge patch has the shape of
the whole body with nothing required, at every level
(:func:`merge_patch_schema`): ``null`` removes an optional field, nested
objects merge, arrays are replaced whole; a JSON Patch is an array of
operations, the named component :data:`JSON_PATCH`.
"""

from __future__ import annotations

from typing import Any

from ..patch import JSON_PATCH_TYPE, MERGE_PATCH_TYPE
from .components import Components
from .jsonschema import REF

#: Component names of a JSON Patch and of one of its operations.
JSON_PATCH = 'JSONPatch'
JSON_PATCH_OPERATION = 'JSONPatchOperation'

_POINTER = {'type': 'string', 'format': 'json-pointer'}

JSON_PATCH_SCHEMA: dict[str, Any] = {
    'type': 'array',
    'description': 'A JSON Patch (RFC 6902): operations applied in order '
    'to the current representation, all or none.',
    'items': {'$ref': REF + JSON_PATCH_OPERATION},
}

JSON_PATCH_OPERATION_SCHEMA: dict[str, Any] = {
    'description': 'One JSON Patch operation (RFC 6902 section 4).',
    'oneOf': [
        {
            'type': 'object',
            'properties': {
                'op': {'enum': ['add', 'replace', 'test']},
                'path': _POINTER,
                'value': {},
            },
            'required': ['op', 'path', 'value'],
        },
        {
            'type': 'object',
            'properties': {'op': {'const': 'remove'}, 'path': _POINTER},
            'required': ['op', 'path'],
        },
        {
            'type': 'object',
            'properties': {
                'op': {'enum': ['move', 'copy']},
                'from': _POINTER,
                'path': _POINTER,
            },
            'required': ['op', 'from', 'path'],
        },
    ],
}

#: The 409 of an operation that takes JSON Patch documents.
CONFLICT_DESCRIPTION = (
    'The JSON Patch cannot apply to the current representation (a '
    'failing test, a missing path).'
)


def document_content(
    components: Components, whole: Any
) -> dict[str, dict[str, Any]]:
    """The request body content of the PATCH documents.

    ``whole`` is the schema of the operation's whole body (what a PUT
    takes, read-only fields included).
    """
    schemas = components.schemas
    if JSON_PATCH not in schemas:
        schemas[JSON_PATCH] = JSON_PATCH_SCHEMA
        schemas[JSON_PATCH_OPERATION] = JSON_PATCH_OPERATION_SCHEMA
    return {
        MERGE_PATCH_TYPE: {'schema': merge_patch_schema(schemas, whole)},
        JSON_PATCH_TYPE: {'schema': {'$ref': REF + JSON_PATCH}},
    }


def merge_patch_schema(schemas: dict[str, Any], whole: Any) -> Any:
    """The schema of a merge patch of a body whose schema is ``whole``.

    Its objects, at every level, require nothing: a merge patch names
    only what changes.  Their optional fields take ``null`` (it removes
    them), as they do in ``whole``; their required ones do not (removing
    one is refused).  Arrays are replaced whole: their items keep their
    schema.  A component with objects becomes ``<name>-MergePatch``.
    """
    if not isinstance(whole, dict):
        return whole
    ref = whole.get('$ref')
    if ref is None:
        return _merge_object(schemas, whole)
    name = ref[len(REF) :]
    target = schemas[name]
    if not any(key in target for key in ('properties', *_BRANCHES)):
        return whole  # an array or a scalar: replaced, as it is
    variant = name + '-MergePatch'
    if variant not in schemas:
        schemas[variant] = {}  # taken while it is built
        schemas[variant] = _merge_object(schemas, target)
    return {**whole, '$ref': REF + variant}


_BRANCHES = ('allOf', 'anyOf', 'oneOf')


def _merge_object(schemas: dict[str, Any], schema: dict[str, Any]) -> Any:
    out = {key: value for key, value in schema.items() if key != 'required'}
    if 'properties' in out:
        out['properties'] = {
            name: merge_patch_schema(schemas, value)
            for name, value in out['properties'].items()
        }
    for key in _BRANCHES:
        if key in out:
            out[key] = [merge_patch_schema(schemas, b) for b in out[key]]
    return out
