"""The input rules: clones of a user schema that check before colander does.

:func:`prepare` clones a user schema once, at configuration time, into the
variant a request needs: *typed* (JSON, YAML: ``"7"`` is not an Integer,
``null`` means absent), *text* (forms, XML, query strings: text read
strictly, ``nil`` means absent), *partial* (PATCH: every field optional,
no defaults filled in) and with unknown fields refused or ignored.

Each node of the clone gets a copy of its type whose ``deserialize`` runs
those checks, then the type's own ``deserialize``.  The copy is an
instance of the user's type class itself, so ``isinstance`` checks in
colander and in user code still hold (see :func:`._colander.hook`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping as AbcMapping
from typing import Any

import colander

from ..errors import ResourceConfigurationError
from ._colander import hook

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


def _unknown_fields(node: Any, cstruct: Any) -> colander.Invalid | None:
    known = {child.name for child in node.children}
    extra = [key for key in cstruct if key not in known]
    if not extra:
        return None
    error = colander.Invalid(node)
    for key in extra:
        field = colander.SchemaNode(colander.String(), name=str(key))
        error.add(colander.Invalid(field, 'Unknown field.'))
    return error


class _Rules:
    """The input rules of one prepared type.

    Its :meth:`deserialize` becomes the type's (:func:`._colander.hook`):
    it checks ``cstruct``, then calls the type class's own
    ``deserialize``.  ``unknown`` is ``'raise'`` to report each field a
    mapping does not declare.
    """

    # PERF: what depends only on the type is decided here, once, not per
    # value.  A small object with slots rather than a closure: a closure's
    # cells are objects too, and a configuration with many schemas keeps
    # thousands of prepared types (benchmarks/internals.py).
    __slots__ = ('typ', 'original', 'typed', 'is_set', 'refuse_unknown')

    def __init__(self, typ: Any, typed: bool, unknown: str) -> None:
        self.typ = typ
        self.original = type(typ).deserialize
        self.typed = typed
        self.is_set = isinstance(typ, colander.Set)
        self.refuse_unknown = unknown == 'raise' and isinstance(
            typ, colander.Mapping
        )

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
        if self.refuse_unknown and isinstance(cstruct, AbcMapping):
            unknown_fields = _unknown_fields(node, cstruct)
        try:
            result = self.original(typ, node, cstruct)
        except colander.Invalid as exc:
            if unknown_fields is not None:
                for child in unknown_fields.children:
                    exc.add(child)
            raise
        if unknown_fields is not None:
            raise unknown_fields
        return result


# -- prepare ----------------------------------------------------------------


def prepare(
    schema: colander.SchemaNode,
    *,
    typed: bool,
    partial: bool = False,
    unknown: str = 'ignore',
) -> colander.SchemaNode:
    """Return a clone of ``schema`` that applies the kit's input rules.

    ``typed`` refuses coercion and treats ``None`` as absent; ``partial``
    makes every mapping field optional without defaults (nested mappings
    too, not items of sequences); ``unknown='raise'`` reports each field
    the schema does not declare, by name.
    """
    clone = schema.clone()
    _prepare(clone, typed, partial, unknown, root=True)
    return clone


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
    node: Any, typed: bool, partial: bool, unknown: str, root: bool
) -> None:
    _refuse_unsafe(node)
    # NOTE: a copy, so that the user's schema (and other clones sharing
    # its type objects) keep their own behaviour.
    typ = copy.copy(node.typ)
    is_mapping = isinstance(typ, colander.Mapping)
    # NOTE: a mapping whose own ``unknown`` is 'raise' or 'preserve' keeps
    # colander's behaviour; the setting applies to the default, 'ignore'.
    own = unknown
    if not (is_mapping and getattr(typ, 'unknown', 'ignore') == 'ignore'):
        own = 'ignore'
    hook(typ, _Rules(typ, typed, own).deserialize)
    node.typ = typ
    if partial and not root:
        node.missing = colander.drop
    for child in node.children:
        _prepare(child, typed, partial and is_mapping, unknown, root=False)
