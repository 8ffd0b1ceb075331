"""PATCH documents: their parsers and how each applies to a value.

Both formats are JSON, read by the kit's strict parser
(:func:`~pyramid_restkit.formats.json.parse_json`: same limits, same
400s).  A parser returns a :class:`PatchDocument`, which the operation
recognises and applies once its preconditions hold
(:mod:`.representation`):

- :class:`MergePatch` (RFC 7396, ``application/merge-patch+json``): any
  JSON value; objects merge member by member, ``null`` removes a member,
  anything else replaces the target;
- :class:`JSONPatch` (RFC 6902, ``application/json-patch+json``): a list
  of operations, checked when parsed (a malformed document is a 400,
  before preconditions) and applied by the ``jsonpatch`` library; an
  operation that cannot apply (a failing ``test``, a missing path) is a
  409.  Its ``copy`` can make a document grow fast, so the growth is
  bounded (413) and so is the nesting of the result (400).
"""

from __future__ import annotations

import abc
import copy
import json
from typing import Any

import jsonpatch
import jsonpointer
from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPConflict,
    HTTPRequestEntityTooLarge,
)

from ..errors import PROBLEM_TYPE_PREFIX, ParseError
from ..formats._base import excerpt
from ..formats.json import parse_json
from ..media import MediaType, ParseOptions

MERGE_PATCH_TYPE = 'application/merge-patch+json'
JSON_PATCH_TYPE = 'application/json-patch+json'

#: The members each JSON Patch operation needs besides ``op`` and ``path``.
OPERATIONS: dict[str, tuple[str, ...]] = {
    'add': ('value',),
    'remove': (),
    'replace': ('value',),
    'move': ('from',),
    'copy': ('from',),
    'test': ('value',),
}


class PatchDocument(abc.ABC):
    """A parsed PATCH document; :meth:`apply` returns the patched value."""

    #: The media type it came in, for messages.
    media_type = ''

    def __init__(self, value: Any) -> None:
        self.value = value

    @abc.abstractmethod
    def apply(self, target: Any, max_depth: int, budget: int) -> Any:
        """The patched copy of ``target`` (which is left alone).

        ``max_depth`` bounds the nesting of what the document writes and
        ``budget`` the values it may copy (JSON Patch).
        """


# -- RFC 7396 ---------------------------------------------------------------


class MergePatch(PatchDocument):
    """A JSON Merge Patch (RFC 7396)."""

    media_type = MERGE_PATCH_TYPE

    def apply(self, target: Any, max_depth: int, budget: int) -> Any:
        # The result is never deeper or larger than target and patch
        # together: neither bound needs a check.
        return merge_patch(target, self.value)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396's ``MergePatch(Target, Patch)``, without recursion.

    ``target`` is not modified; the result shares no mutable part with
    ``patch`` or ``target``.
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    # NOTE: a stack of (object being written, patch object) pairs; the
    # patch's depth is bounded by the parser, not by the interpreter.
    stack: list[tuple[dict[str, Any], dict[str, Any]]] = [(result, patch)]
    while stack:
        into, members = stack.pop()
        for name, value in members.items():
            if value is None:
                into.pop(name, None)
            elif isinstance(value, dict):
                current = into.get(name)
                if not isinstance(current, dict):
                    current = into[name] = {}
                stack.append((current, value))
            else:
                into[name] = copy.deepcopy(value)
    return result


def parse_merge_patch(body: bytes, options: ParseOptions) -> MergePatch:
    """Parse a merge patch: any JSON value (strictly parsed)."""
    return MergePatch(parse_json(body, options))


# -- RFC 6902 ---------------------------------------------------------------


class PatchConflict(HTTPConflict):  # type: ignore[misc]
    """A JSON Patch that cannot apply to the current representation."""

    problem_type = PROBLEM_TYPE_PREFIX + 'patch-conflict'

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)


class PatchTooLarge(HTTPRequestEntityTooLarge):  # type: ignore[misc]
    """A JSON Patch whose copies would make the document too large."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)


class JSONPatch(PatchDocument):
    """A JSON Patch (RFC 6902): a list of checked operations."""

    media_type = JSON_PATCH_TYPE
    value: list[dict[str, Any]]

    def apply(self, target: Any, max_depth: int, budget: int) -> Any:
        document = copy.deepcopy(target)
        for index, operation in enumerate(self.value):
            document, budget = _apply_one(
                document, operation, index, max_depth, budget
            )
        return document


def _apply_one(
    document: Any,
    operation: dict[str, Any],
    index: int,
    max_depth: int,
    budget: int,
) -> tuple[Any, int]:
    """``operation`` (the ``index``-th) applied to ``document``.

    Returns the document (a new one when the root is replaced) and what
    is left of the budget of copied values.
    """
    op = operation['op']
    path = operation['path']
    where = f'Operation {index} ({op} {excerpt(path)})'
    try:
        if op == 'test':
            found = jsonpointer.resolve_pointer(document, path)
            if not json_equal(found, operation['value']):
                raise PatchConflict(f'{where}: the test failed.')
            return document, budget
        moved = None
        if op in ('move', 'copy'):
            moved = jsonpointer.resolve_pointer(document, operation['from'])
        elif op != 'remove':
            moved = operation['value']
        if moved is not None:
            nodes, depth = measure(moved)
            if len(pointer_tokens(path)) + depth > max_depth:
                raise HTTPBadRequest(
                    detail=f'{where}: the patched document would be nested '
                    f'deeper than {max_depth} levels.'
                )
            if op == 'copy':
                budget -= nodes
                if budget < 0:
                    raise PatchTooLarge(
                        f'{where}: the copies would make the document '
                        'too large.'
                    )
        patched = jsonpatch.JsonPatch([operation]).apply(
            document, in_place=True
        )
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
        # NOTE: the document was checked when parsed (parse_json_patch),
        # so what the library refuses now is the target: a missing
        # member, an index out of range, a value that is not a container.
        raise PatchConflict(
            f'{where} cannot apply to the current representation.'
        ) from None
    return patched, budget


def measure(value: Any) -> tuple[int, int]:
    """The number of values in ``value`` and its nesting (``{}``: 1)."""
    nodes = 0
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return nodes, deepest


def pointer_tokens(pointer: str) -> list[str]:
    """The reference tokens of a JSON Pointer (RFC 6901), unescaped.

    Raises :class:`ValueError` for a pointer that is not one: text not
    starting with ``/`` (but ``''``), a ``~`` not followed by ``0`` or
    ``1``.
    """
    if pointer == '':
        return []
    if not pointer.startswith('/'):
        raise ValueError('it does not start with "/"')
    tokens = pointer[1:].split('/')
    for token in tokens:
        rest = token.replace('~0', '').replace('~1', '')
        if '~' in rest:
            raise ValueError('"~" is followed by neither 0 nor 1')
    return [t.replace('~1', '/').replace('~0', '~') for t in tokens]


def check_json_patch(value: Any) -> list[dict[str, Any]]:
    """``value`` as JSON Patch operations, or a :class:`ParseError`.

    Each operation is an object with a known ``op``, a ``path`` and, as
    its ``op`` needs, ``from`` (JSON Pointers) and ``value``; members
    RFC 6902 does not define are ignored, as it says.  A ``move`` into
    its own child is refused here too: the document says it, whatever it
    applies to.
    """
    if not isinstance(value, list):
        raise ParseError('A JSON Patch is an array of operations.')
    for index, operation in enumerate(value):
        if not isinstance(operation, dict):
            raise ParseError(f'Operation {index} is not an object.')
        op = operation.get('op')
        if not isinstance(op, str):
            raise ParseError(f'Operation {index} has no "op" string.')
        needed = OPERATIONS.get(op)
        if needed is None:
            raise ParseError(
                f'Operation {index}: unknown op {excerpt(op)!r} (expected '
                f'one of {", ".join(OPERATIONS)}).'
            )
        for member in ('path', *needed):
            if member not in operation:
                raise ParseError(
                    f'Operation {index} ({op}) has no "{member}" member.'
                )
        for member in ('path', 'from'):
            if member not in ('path', *needed):
                continue
            pointer = operation[member]
            if not isinstance(pointer, str):
                raise ParseError(
                    f'Operation {index} ({op}): "{member}" is not a string.'
                )
            try:
                pointer_tokens(pointer)
            except ValueError as exc:
                raise ParseError(
                    f'Operation {index} ({op}): "{member}" '
                    f'{excerpt(pointer)!r} is not a JSON Pointer: {exc}.'
                ) from None
        if op == 'move':
            source = operation['from']
            if operation['path'].startswith(source + '/'):
                raise ParseError(
                    f'Operation {index} (move) moves a value into itself.'
                )
    return value


def parse_json_patch(body: bytes, options: ParseOptions) -> JSONPatch:
    """Parse a JSON Patch strictly, then check its operations."""
    return JSONPatch(check_json_patch(parse_json(body, options)))


# -- comparing JSON values --------------------------------------------------


def canonical(value: Any, *, nulls: bool = True) -> str:
    """One text per JSON value: equal values, and only they, share it.

    Numbers compare by value (``1`` and ``1.0`` are equal, RFC 6902
    section 4.6), booleans are not numbers, member order does not count.
    ``nulls=False`` drops the ``null`` members of objects first: in the
    kit's input ``null`` means absent.
    """
    return json.dumps(
        _normalized(value, nulls),
        sort_keys=True,
        separators=(',', ':'),
        ensure_ascii=False,
    )


def _normalized(value: Any, nulls: bool) -> Any:
    if isinstance(value, dict):
        return {
            name: _normalized(item, nulls)
            for name, item in value.items()
            if nulls or item is not None
        }
    if isinstance(value, list):
        return [_normalized(item, nulls) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def json_equal(left: Any, right: Any) -> bool:
    """Whether two JSON values are equal (RFC 6902 section 4.6)."""
    return canonical(left) == canonical(right)


# -- the parsers of PATCH operations ----------------------------------------

_UTF8 = frozenset({'utf-8', 'utf8'})

#: Content type -> media type, added at commit to the parsers of the
#: PATCH operations that take documents (and to no other operation's,
#: where they stay a 415 like any unknown type).  Not registered media
#: types: nothing renders them, and ``restkit.media_types`` has no say.
DOCUMENT_PARSERS: dict[str, MediaType] = {
    MERGE_PATCH_TYPE: MediaType(
        'merge_patch',
        MERGE_PATCH_TYPE,
        parser=parse_merge_patch,
        input_types=(MERGE_PATCH_TYPE,),
        charsets=_UTF8,
    ),
    JSON_PATCH_TYPE: MediaType(
        'json_patch',
        JSON_PATCH_TYPE,
        parser=parse_json_patch,
        input_types=(JSON_PATCH_TYPE,),
        charsets=_UTF8,
    ),
}
