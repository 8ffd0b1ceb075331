"""The input rules: clones of a user schema that check before colander does.

:func:`prepare` clones a user schema once, at configuration time, into the
variant a request needs: *typed* (JSON, YAML: ``"7"`` is not an Integer,
``null`` means absent), *text* (forms, XML, query strings: text read
strictly, ``nil`` means absent), *partial* (PATCH: every field optional,
no defaults filled in), with unknown fields refused or ignored, and
read-only fields (:mod:`.read_only`) dropped.

The errors built for a body are bounded, whatever its size: a mapping
counts its unknown fields in one pass and builds only the first
``max_errors``, and a list stops once it holds more than ``max_errors``
errors.  The ``Invalid`` that stopped short says so
(:data:`OMITTED`, :data:`INCOMPLETE`), so that the problem can give the
count, or a lower bound of it.

Each node of the clone gets a copy of its type whose ``deserialize`` runs
those checks, then the type's own ``deserialize``.  The copy is an
instance of the user's type class itself, so ``isinstance`` checks in
colander and in user code still hold (see :func:`._colander.hook`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping as AbcMapping
from typing import Any, cast

import colander

from ..errors import ResourceConfigurationError
from ._colander import hook, plain_sequence
from .files import refuses_file

#: Paths of read-only fields (see :func:`.read_only.read_only_fields`):
#: tuples of names, ``None`` standing for each item of a sequence.
ReadOnly = frozenset[tuple[str | None, ...]]

#: Errors a mapping builds for its unknown fields, and a list for its
#: items, before it stops (``problems.MAX_ERRORS`` lists as many).
MAX_ERRORS = 100
#: Attribute of a ``colander.Invalid``: how many errors below it were
#: counted but not built (unknown fields past the limit).
OMITTED = 'restkit_omitted'
#: Attribute of a ``colander.Invalid``: ``True`` when its list was not
#: read to the end (there may be more errors than were counted).
INCOMPLETE = 'restkit_incomplete'

# -- typed checks -----------------------------------------------------------


def _expect(node: Any, description: str) -> None:
    raise colander.Invalid(node, description)


def _check_scalar(typ: Any, node: Any, value: Any) -> None:
    """Refuse JSON values that colander would otherwise coerce."""
    if isinstance(typ, colander.Enum):
        _check_scalar(typ.typ, node, value)
    elif isinstance(typ, colander.Boolean):
        if not isinstance(value, bool):
            _expect(node, 'Expected a boolean.')
    elif isinstance(typ, colander.Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            _expect(node, 'Expected an integer.')
    elif isinstance(typ, colander.Decimal):
        # NOTE: numeric strings are accepted: Decimals are rendered as
        # strings (API.md), so what the API sends must come back in.
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, str))
            or (isinstance(value, str) and not _NUMBER_TEXT.match(value))
        ):
            _expect(node, 'Expected a number or a numeric string.')
    elif isinstance(typ, colander.Number):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            _expect(node, 'Expected a number.')
    elif isinstance(
        typ,
        (colander.String, colander.DateTime, colander.Date, colander.Time),
    ):
        if not isinstance(value, str):
            _expect(node, 'Expected a string.')
        # NOTE: colander reads '' as "absent", which would let a PATCH
        # skip the field's validators; in JSON it is a value, and only
        # null means absent.
        if value == '' and not getattr(typ, 'allow_empty', False):
            _expect(node, 'Must not be empty.')
    elif isinstance(typ, colander.Mapping):
        if not isinstance(value, dict):
            _expect(node, 'Expected an object.')
    elif isinstance(
        typ, (colander.Sequence, colander.Tuple, colander.Set, colander.List)
    ):
        if not isinstance(value, list):
            _expect(node, 'Expected an array.')


# -- text checks ------------------------------------------------------------

#: Text spellings of booleans (case-insensitive): JSON's words, and
#: ``on``, what an HTML form sends for a checked checkbox (an unchecked
#: one sends nothing).  Not ``1``/``0``: those are numbers.
_TEXT_BOOLEANS = {'true': 'true', 'on': 'true', 'false': 'false'}
_DEFAULT_FALSE_CHOICES = ('false', '0')
#: Numbers in text: ASCII digits only, no spaces, no ``nan``/``inf``, no
#: ``1_000`` (which int() and float() would take).
_INTEGER_TEXT = re.compile(r'[-+]?[0-9]+\Z')
_NUMBER_TEXT = re.compile(
    r'[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z'
)

_CONTAINERS = (
    colander.Mapping,
    colander.Sequence,
    colander.Tuple,
    colander.Set,
    colander.List,
)


def _check_text(typ: Any, node: Any, value: Any) -> Any:
    """Refuse text that colander would read too generously.

    colander's Boolean takes any text but ``false`` and ``0`` for true
    (``''`` and ``maybe`` included); its numbers take ``nan``, ``inf``,
    spaces and non-ASCII digits.  Returns the text colander should see.
    """
    if not isinstance(value, str):
        if refuses_file(typ, value):
            # NOTE: colander would describe the object in its message.
            _expect(node, 'Expected text, got a file.')
        return value
    if value == '':
        if isinstance(typ, _CONTAINERS):
            # NOTE: an empty element (XML's <tags/>) is an empty text; the
            # schema says which empty value it is.
            return {} if isinstance(typ, colander.Mapping) else []
        # NOTE: colander reads '' as "absent"; here, as in JSON, it is a
        # value, and only a missing field (or nil) is absent.  Numbers and
        # booleans refuse it below.
        if isinstance(typ, colander.String) and typ.allow_empty:
            return value
        if not isinstance(typ, (colander.Boolean, colander.Number)):
            _expect(node, 'Must not be empty.')
    if isinstance(typ, colander.Boolean):
        if value and (
            typ.true_choices
            or tuple(typ.false_choices) != _DEFAULT_FALSE_CHOICES
        ):
            return value  # the application chose its own spellings
        spelled = _TEXT_BOOLEANS.get(value.lower())
        if spelled is None:
            _expect(node, 'Expected a boolean (true or false).')
        return spelled
    if isinstance(typ, colander.Integer):
        if not _INTEGER_TEXT.match(value):
            _expect(node, 'Expected an integer.')
    elif isinstance(typ, colander.Number) and not _NUMBER_TEXT.match(value):
        _expect(node, 'Expected a number.')
    return value


# -- the rules, around a type's own deserialize -----------------------------

_SET_ITEMS = (str, int, float, type(None))


def _unknown_fields(
    node: Any, cstruct: Any, read_only: frozenset[str], limit: int
) -> colander.Invalid | None:
    known = read_only.union(child.name for child in node.children)
    # PERF: one pass over the keys; an error (and a node to name it) only
    # for the first ``limit``, the rest counted.
    extra = [key for key in cstruct if key not in known]
    if not extra:
        return None
    error = colander.Invalid(node)
    for key in extra[:limit]:
        field = colander.SchemaNode(colander.String(), name=str(key))
        error.add(colander.Invalid(field, 'Unknown field.'))
    if len(extra) > limit:
        setattr(error, OMITTED, len(extra) - limit)
    return error


def error_count(error: colander.Invalid) -> int:
    """How many errors ``error`` holds, the counted ones included.

    At least 1: an error without a message is an error too.
    """
    count = 0
    stack = [error]
    while stack:
        node = stack.pop()
        count += len(node.messages()) + getattr(node, OMITTED, 0)
        stack.extend(node.children)
    return max(count, 1)


class _Rules:
    """The input rules of one prepared type.

    Its :meth:`deserialize` becomes the type's (:func:`._colander.hook`):
    it checks ``cstruct``, then calls the type class's own
    ``deserialize``.  ``unknown`` is ``'raise'`` to report each field a
    mapping does not declare; ``read_only`` names the fields of a
    mapping that are dropped without a word.  ``max_errors`` bounds the
    errors built (see the module's docstring).
    """

    # PERF: what depends only on the type is decided here, once, not per
    # value.  A small object with slots rather than a closure: a closure's
    # cells are objects too, and a configuration with many schemas keeps
    # thousands of prepared types (benchmarks/internals.py).
    __slots__ = (
        'typ',
        'original',
        'typed',
        'is_set',
        'refuse_unknown',
        'read_only',
        'strip_read_only',
        'fields',
        'items',
        'max_errors',
    )

    def __init__(
        self,
        typ: Any,
        typed: bool,
        unknown: str,
        read_only: frozenset[str] = frozenset(),
        max_errors: int = MAX_ERRORS,
    ) -> None:
        self.typ = typ
        self.original = type(typ).deserialize
        self.typed = typed
        self.is_set = isinstance(typ, colander.Set)
        is_mapping = isinstance(typ, colander.Mapping)
        self.refuse_unknown = unknown == 'raise' and is_mapping
        self.read_only = read_only if is_mapping else frozenset()
        # NOTE: a mapping whose colander ``unknown`` is 'ignore' drops
        # read-only fields itself; one that raises or preserves would
        # refuse or keep them, so they are taken out first.
        self.strip_read_only = bool(self.read_only) and (
            getattr(typ, 'unknown', 'ignore') != 'ignore'
        )
        #: Whether a mapping value needs a look at its keys.
        self.fields = self.refuse_unknown or self.strip_read_only
        #: Whether a list is read by :meth:`_items` (colander's own loop
        #: cannot stop early).
        self.items = plain_sequence(typ)
        self.max_errors = max_errors

    def deserialize(self, node: Any, cstruct: Any) -> Any:
        typ = self.typ
        if self.typed:
            if cstruct is None:
                cstruct = colander.null
            elif cstruct is not colander.null:
                _check_scalar(typ, node, cstruct)
        elif cstruct is None:
            cstruct = colander.null  # XML's nil="true", as JSON's null
        else:
            cstruct = _check_text(typ, node, cstruct)
        if (
            self.is_set
            and isinstance(cstruct, list)
            and not all(isinstance(item, _SET_ITEMS) for item in cstruct)
        ):
            # colander's set() of lists or objects would raise TypeError.
            _expect(node, 'Expected an array of strings, numbers or booleans.')
        unknown_fields = None
        if self.fields and isinstance(cstruct, AbcMapping):
            read_only = self.read_only
            if self.strip_read_only and any(
                name in cstruct for name in read_only
            ):
                cstruct = {
                    key: value
                    for key, value in cstruct.items()
                    if key not in read_only
                }
            if self.refuse_unknown:
                unknown_fields = _unknown_fields(
                    node, cstruct, read_only, self.max_errors
                )
        elif self.items and isinstance(cstruct, list):
            return self._items(node, cstruct)
        try:
            result = self.original(typ, node, cstruct)
        except colander.Invalid as exc:
            if unknown_fields is not None:
                for child in unknown_fields.children:
                    exc.add(child)
                omitted = getattr(unknown_fields, OMITTED, 0)
                if omitted:
                    setattr(exc, OMITTED, omitted)
            raise
        if unknown_fields is not None:
            raise unknown_fields
        return result

    def _items(self, node: Any, items: list[Any]) -> list[Any]:
        """colander's ``Sequence.deserialize`` of a list, stopping early.

        The same results and errors (see :func:`._colander.plain_sequence`)
        until the errors exceed ``max_errors``; then the rest of the list
        is not read, and the error says so (:data:`INCOMPLETE`).
        """
        child = node.children[0]
        skip_null = getattr(child, 'missing', None) is colander.drop
        deserialize = child.deserialize
        limit = self.max_errors
        last = len(items) - 1
        result = []
        error = None
        found = 0
        for position, item in enumerate(items):
            if item is colander.drop or (item is colander.null and skip_null):
                continue
            try:
                value = deserialize(item)
            except colander.Invalid as exc:
                if error is None:
                    error = colander.Invalid(node)
                error.add(exc, position)
                found += error_count(exc)
                if found > limit:
                    if position < last:
                        setattr(error, INCOMPLETE, True)
                    break
                continue
            if value is not colander.drop:
                result.append(value)
        if error is not None:
            raise error
        return result


# -- prepare ----------------------------------------------------------------


def prepare(
    schema: colander.SchemaNode,
    *,
    typed: bool,
    partial: bool = False,
    unknown: str = 'ignore',
    read_only: ReadOnly = frozenset(),
    max_errors: int = MAX_ERRORS,
) -> colander.SchemaNode:
    """Return a clone of ``schema`` that applies the kit's input rules.

    ``typed`` refuses coercion and treats ``None`` as absent; ``partial``
    makes every mapping field optional without defaults (nested mappings
    too, not items of sequences); ``unknown='raise'`` reports each field
    the schema does not declare, by name; the fields ``read_only`` lists
    (:func:`.read_only.read_only_fields`) are dropped unchecked, whatever
    ``unknown`` says; ``max_errors`` bounds the errors a mapping's unknown
    fields or a list build.
    """
    clone = schema.clone()
    _prepare(
        clone,
        _Options(typed, unknown, max_errors),
        partial,
        True,
        _by_parent(read_only),
        (),
    )
    return clone


class _Options:
    """What :func:`prepare` applies to every node."""

    __slots__ = ('typed', 'unknown', 'max_errors')

    def __init__(self, typed: bool, unknown: str, max_errors: int) -> None:
        self.typed = typed
        self.unknown = unknown
        self.max_errors = max_errors


def _by_parent(
    read_only: ReadOnly,
) -> dict[tuple[str | None, ...], frozenset[str]]:
    """Read-only names by the path of the mapping that holds them.

    (A path ends with a field's name, never with ``None``.)
    """
    parents: dict[tuple[str | None, ...], set[str]] = {}
    for path in read_only:
        parents.setdefault(path[:-1], set()).add(cast(str, path[-1]))
    return {parent: frozenset(names) for parent, names in parents.items()}


def _refuse_unsafe(node: Any) -> None:
    """Refuse input nodes that would fail (or do harm) per request."""
    if isinstance(node.typ, colander.GlobalObject):
        raise ResourceConfigurationError(
            f'{node.name or "the schema"}: a GlobalObject node imports '
            'whatever module the client names; it cannot validate input'
        )
    if isinstance(node.typ, colander.Sequence) and len(node.children) != 1:
        raise ResourceConfigurationError(
            f'{node.name or "the schema"}: a Sequence node needs exactly '
            'one child, the schema of its items'
        )


def _prepare(
    node: Any,
    options: _Options,
    partial: bool,
    root: bool,
    read_only: dict[tuple[str | None, ...], frozenset[str]],
    path: tuple[str | None, ...],
) -> None:
    _refuse_unsafe(node)
    # NOTE: a copy, so that the user's schema (and other clones sharing
    # its type objects) keep their own behaviour.
    typ = copy.copy(node.typ)
    is_mapping = isinstance(typ, colander.Mapping)
    # NOTE: a mapping whose own ``unknown`` is 'raise' or 'preserve' keeps
    # colander's behaviour; the setting applies to the default, 'ignore'.
    own = options.unknown
    if not (is_mapping and getattr(typ, 'unknown', 'ignore') == 'ignore'):
        own = 'ignore'
    rules = _Rules(
        typ,
        options.typed,
        own,
        read_only.get(path, frozenset()),
        options.max_errors,
    )
    hook(typ, rules.deserialize)
    node.typ = typ
    if partial and not root:
        node.missing = colander.drop
    # Read-only paths go through mappings (by name) and sequences (None);
    # other containers (tuples) are positional and have none below them.
    below = (
        read_only if is_mapping or isinstance(typ, colander.Sequence) else {}
    )
    for child in node.children:
        _prepare(
            child,
            options,
            partial and is_mapping,
            False,
            below,
            (*path, child.name if is_mapping else None),
        )
