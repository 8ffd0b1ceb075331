"""PATCH documents in the document: their request bodies, their 409.

A PATCH operation that takes documents (:mod:`pyramid_restkit.patch`)
lists, besides its plain partial body, ``application/merge-patch+json``
and ``application/json-patch+json``.  A merge patch has the shape of
the partial body (every field optional, ``null`` allowed on every
field, nested objects partial too: ``null`` removes a field, nested
objects merge, arrays are replaced whole); a JSON Patch is an array of
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
    components: Components, partial: Any
) -> dict[str, dict[str, Any]]:
    """The request body content of the PATCH documents.

    ``partial`` is the schema of the operation's plain partial body.
    """
    schemas = components.schemas
    if JSON_PATCH not in schemas:
        schemas[JSON_PATCH] = JSON_PATCH_SCHEMA
        schemas[JSON_PATCH_OPERATION] = JSON_PATCH_OPERATION_SCHEMA
    return {
        MERGE_PATCH_TYPE: {'schema': partial},
        JSON_PATCH_TYPE: {'schema': {'$ref': REF + JSON_PATCH}},
    }
