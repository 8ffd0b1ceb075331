"""colander schemas as representations, applied on the request path.

- :mod:`.rules`: :func:`prepare`, clones of a user schema that apply the
  kit's input rules (typed or text input, ``null`` as absent, partial,
  unknown fields), made once at configuration time;
- :mod:`.input`: :class:`Validator`, validating a request's body and the
  other locations of a :class:`RequestSchema` per request, and
  :func:`field_errors`, colander's errors as flat entries;
- :mod:`.output`: :func:`compile_output`, a ``response_schema`` as a
  function that keeps the declared fields with their native types;
- :mod:`.read_only`: :func:`read_only_fields`, the fields an operation
  answers but does not take, dropped from its input;
- :mod:`.files`: :class:`File`, the type of uploaded files;
- :mod:`._colander`: what the kit assumes of colander beyond its
  documented API, each assumption in one small function.

Every name other modules use is imported from here.  The OpenAPI
builder (:mod:`pyramid_restkit.openapi`) reads colander schemas too, to
describe them; nothing else on the request path imports colander.
"""

from __future__ import annotations

from typing import Any

import colander

from ..errors import ResourceConfigurationError
from ..negotiation import FORMAT_PARAM
from ._colander import has_deferred
from .files import File, UploadedFile
from .input import (
    LOCATIONS,
    MAX_DESCRIPTION,
    RequestSchema,
    Validator,
    field_errors,
    from_multidict,
)
from .output import Output, compile_output, nullable_output
from .read_only import read_only_fields
from .rules import ReadOnly, prepare

__all__ = [
    'FORMAT_PARAM',
    'File',
    'LOCATIONS',
    'MAX_DESCRIPTION',
    'Output',
    'ReadOnly',
    'RequestSchema',
    'UploadedFile',
    'Validator',
    'as_schema',
    'compile_output',
    'field_errors',
    'from_multidict',
    'has_deferred',
    'nullable_output',
    'prepare',
    'read_only_fields',
]


def as_schema(value: Any, what: str) -> colander.SchemaNode | None:
    """Accept a schema instance or class (``schema=PostSchema``)."""
    if value is None:
        return None
    if isinstance(value, type) and issubclass(value, colander.SchemaNode):
        value = value()
    if not isinstance(value, colander.SchemaNode):
        raise ResourceConfigurationError(
            f'{what} must be a colander schema, not {value!r}'
        )
    return value
