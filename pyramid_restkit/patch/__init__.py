"""PATCH documents (RFC 7396 merge patch, RFC 6902 JSON Patch).

- :mod:`.documents`: the two formats, parsed strictly and applied to a
  JSON value;
- :mod:`.representation`: :class:`PatchDocuments`, what a PATCH
  operation does with a document: the current representation from the
  route's ``get()``, the patched result validated with the full schema,
  and ``request.validated`` holding the fields that changed.

The operation (:mod:`pyramid_restkit.views`) applies a document in its
validation step, after the preconditions; the commit
(:mod:`pyramid_restkit.config.operations`) decides which operations take
documents, so the others pay nothing.
"""

from __future__ import annotations

from .documents import (
    DOCUMENT_PARSERS,
    JSON_PATCH_TYPE,
    MERGE_PATCH_TYPE,
    JSONPatch,
    MergePatch,
    PatchConflict,
    PatchDocument,
    PatchTooLarge,
    json_equal,
    merge_patch,
    parse_json_patch,
    parse_merge_patch,
)
from .representation import PatchDocuments

__all__ = [
    'DOCUMENT_PARSERS',
    'JSON_PATCH_TYPE',
    'MERGE_PATCH_TYPE',
    'JSONPatch',
    'MergePatch',
    'PatchConflict',
    'PatchDocument',
    'PatchDocuments',
    'PatchTooLarge',
    'json_equal',
    'merge_patch',
    'parse_json_patch',
    'parse_merge_patch',
]
