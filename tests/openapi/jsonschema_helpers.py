"""What the tests of the JSON Schema converter share.

The converter must describe what the kit's runtime does, so most tests
check instances both ways (:func:`agree`): what
:class:`~pyramid_restkit.schemas.Validator` (typed input) accepts the
JSON Schema accepts (validated with the ``jsonschema`` library, formats
asserted), and what it refuses the schema refuses.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from typing import Any

import colander
import jsonschema

from pyramid_restkit.errors import (
    ValidationFailure,
)
from pyramid_restkit.openapi.jsonschema import (
    JSONSchemaConverter,
)
from pyramid_restkit.schemas import Validator

CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER
S = colander.SchemaNode


# -- helpers ------------------------------------------------------------------


def valid(
    schema: dict[str, Any],
    instance: Any,
    components: dict[str, Any] | None = None,
) -> bool:
    """Whether ``instance`` is valid for ``schema`` (formats asserted)."""
    root = dict(schema)
    if components:
        root['components'] = {'schemas': components}
    validator = jsonschema.Draft202012Validator(root, format_checker=CHECKER)
    return bool(validator.is_valid(instance))


def accepted(
    node: Any, body: Any, *, partial: bool = False, unknown: str = 'raise'
) -> bool:
    """Whether the kit's validation of a typed body accepts ``body``."""
    validator = Validator(node, partial=partial, unknown=unknown, status=400)
    try:
        validator.validate(None, body, True, True)
    except ValidationFailure:
        return False
    return True


def convert(node: Any, **kw: Any) -> dict[str, Any]:
    unknown = kw.pop('unknown', 'raise')
    schema = JSONSchemaConverter(unknown=unknown).convert(node, **kw)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert json.loads(json.dumps(schema)) == schema  # plain JSON
    return schema


def agree(
    node: Any,
    good: Iterable[Any] = (),
    bad: Iterable[Any] = (),
    **kw: Any,
) -> dict[str, Any]:
    """Convert ``node``; the runtime and the schema accept ``good`` and
    refuse ``bad`` alike, with components and inline.  Returns the inline
    schema."""
    components: dict[str, Any] = {}
    with_refs = convert(node, components=components, **kw)
    schema = convert(node, **kw)
    run = {k: v for k, v in kw.items() if k in ('partial', 'unknown')}
    for value in good:
        assert accepted(node, value, **run), value
        assert valid(schema, value), value
        assert valid(with_refs, value, components), value
    for value in bad:
        assert not accepted(node, value, **run), value
        assert not valid(schema, value), value
        assert not valid(with_refs, value, components), value
    return schema


def mapping(*children: Any, unknown: str = 'ignore', **kw: Any) -> Any:
    return S(colander.Mapping(unknown=unknown), *children, **kw)


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    SCARLET = 1  # noqa: PIE796 (an alias: its name is accepted too)


class Rank(enum.Enum):
    FIRST = 1
    SECOND = 2


class Author(colander.MappingSchema):
    name = S(colander.String())
    email = S(colander.String(), missing=None, validator=colander.Email())


class Tags(colander.SequenceSchema):
    tag = S(colander.String())


class Post(colander.MappingSchema):
    title = S(colander.String(), validator=colander.Length(max=20))
    views = S(colander.Integer(), missing=0)
    author = Author()
    tags = Tags(missing=[])
