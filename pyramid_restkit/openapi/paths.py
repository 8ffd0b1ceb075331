"""Path templates and parameters: what a route says of its operations.

:func:`openapi_path` reads a Pyramid route pattern as an OpenAPI path
template; :func:`parameters` lists an operation's path, query and header
parameters: the route's placeholders (their regex a JSON Schema
``pattern``, as ECMA-262 where that is exact, refusing the enabled URL
suffixes on the value a suffix is peeled off), the fields of the request
schema's ``path``, ``querystring`` and ``headers``, and ``format``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..media import MediaTypes
from ..negotiation import FORMAT_PARAM, VERSION_PARAM
from ..pagination import COLLECTION_PARAMS
from ..patterns import SEGMENT, PathTemplate
from ..versioning import VERSION_HEADER, VERSION_PLACEHOLDER
from ..views import Operation
from .components import Components
from .conditional import parameters as conditional_parameters
from .ecma import ecma_pattern


def _path_pattern(regex: str, suffixes: Iterable[str]) -> str:
    """The JSON Schema ``pattern`` of a path value matched by ``regex``.

    Pyramid matches the whole (decoded) value with Python's ``re``: the
    pattern is translated to ECMA-262 where that is exact.  A value
    ending in one of ``suffixes`` would have it peeled off (it selects
    the media type), so such values are not the parameter's.
    """
    translated = ecma_pattern(re.compile(f'(?:{regex})\\Z'))
    pattern = translated or f'^(?:{regex})$'
    if regex == SEGMENT:
        # NOTE: clients normalize away the dot segments, which then match
        # another route.
        pattern = r'^(?!\.\.?$)' + pattern[1:]
    ends = '|'.join(re.escape(s) for s in sorted(suffixes))
    if ends:
        # NOTE: '.json' itself keeps its dot (the predicate needs a name
        # before the suffix).
        pattern = rf'^(?![\s\S]+(?:{ends})$)' + pattern[1:]
    return pattern


def parameters(
    components: Components,
    media_types: MediaTypes,
    parts: Mapping[str, Any],
    template: PathTemplate,
    operation: Operation,
    collection: Sequence[dict[str, Any]] = (),
) -> list[dict[str, Any]]:
    """The parameters of an operation on ``template``'s path.

    The path's placeholders (typed by the request schema's ``path``, if
    any), the fields of its ``querystring`` and ``headers`` (``parts``:
    see :func:`.operations.schema_parts`), the query parameters of
    ``collection`` (:mod:`.collection`), and ``format`` where the
    operation negotiates.  A querystring field named like a parameter the
    kit reads itself (``format``, the ``version`` of query versioning,
    those of collections: ``page``, ``limit``, ``sort``, ``fields``...)
    is never validated, so not listed.
    """
    params: list[dict[str, Any]] = []
    path_node = parts.get('path')
    typed = {c.name: c for c in path_node.children} if path_node else {}
    suffixes = tuple(media_types.suffixes)
    versioning = operation.versioning
    mode = versioning.mode if versioning is not None else None
    for name, regex in template.regexes.items():
        schema: dict[str, Any] = {
            'type': 'string',
            'pattern': _path_pattern(
                regex, suffixes if name == template.suffixed else ()
            ),
        }
        if mode == 'path' and name == VERSION_PLACEHOLDER:
            # NOTE: API.md: documented with the enum of restkit.versions
            # (those that serve the operation); the route's regex says no
            # more, and a version cannot end in a suffix.
            schema = {'type': 'string', 'enum': _versions(operation)}
        child = typed.get(name)
        if child is not None:
            value = components.variants.form(_strict(components, child))
            if components.resolve(value).get('type') != 'string':
                # NOTE: the value is text, read as the child's type
                # (an integer, say): the pattern applies to that
                # text, which JSON Schema cannot say of a number.
                del schema['type']
            schema = _both(schema, value)
        params.append(
            {
                'name': name,
                'in': 'path',
                'required': True,
                'schema': schema,
            }
        )
    for location, where in (
        ('querystring', 'query'),
        ('headers', 'header'),
    ):
        node = parts.get(location)
        if node is None:
            continue
        for child in node.children:
            if where == 'query' and (
                child.name == FORMAT_PARAM
                or child.name in COLLECTION_PARAMS
                or (mode == 'query' and child.name == VERSION_PARAM)
            ):
                continue
            param = {
                'name': child.name,
                'in': where,
                'required': child.required,
                'schema': components.variants.form(_strict(components, child)),
            }
            if child.description:
                param['description'] = str(child.description)
            params.append(param)
    params.extend(collection)
    if mode in VERSION_PARAMETERS:
        params.append(_version_parameter(operation, mode))
    if operation.conditional is not None:
        # NOTE: a header the request schema documents already stays its.
        taken = {
            param['name'].lower()
            for param in params
            if param['in'] == 'header'
        }
        params.extend(
            param
            for param in conditional_parameters(operation.conditional)
            if param['name'].lower() not in taken
        )
    if operation.negotiator is not None:
        offers = operation.negotiator.offers
        names = components.publish((m.name, m) for m in offers)
        # NOTE: in the server's order, whatever the operation's default:
        # operations offering the same types share one parameter.
        order = {name: i for i, name in enumerate(media_types.enabled)}
        names.sort(key=lambda name: order.get(name, len(order)))
        params.append(components.format_parameter(names))
    return params


#: Where query and header versioning carry the version.
VERSION_PARAMETERS = {
    'query': (VERSION_PARAM, 'query'),
    'header': (VERSION_HEADER, 'header'),
}


def _versions(operation: Operation) -> list[str]:
    """The versions that serve ``operation``, in ``restkit.versions``'
    order."""
    versioning: Any = operation.versioning
    served = operation.versions
    return [v for v in versioning.versions if served is None or v in served]


def _version_parameter(operation: Operation, mode: str) -> dict[str, Any]:
    """The ``version`` query parameter or the ``Api-Version`` header.

    Optional when the default version serves the operation (a request
    without it gets that one), required otherwise.
    """
    name, where = VERSION_PARAMETERS[mode]
    versioning: Any = operation.versioning
    enum = _versions(operation)
    schema: dict[str, Any] = {'type': 'string', 'enum': enum}
    default = versioning.default
    if default in enum:
        schema['default'] = default
    return {
        'name': name,
        'in': where,
        'required': default not in enum,
        'description': 'The API version.',
        'schema': schema,
    }


def _both(route: dict[str, Any], typed: Any) -> Any:
    """A path value's schema: the route's pattern and the schema's type.

    One schema where their keywords do not clash (code generators make a
    class of an ``allOf``: an ``int`` id became one); an ``allOf`` where
    they do (two patterns).
    """
    if (
        isinstance(typed, dict)
        and not {'$ref', 'allOf', 'anyOf', 'oneOf'} & set(typed)
        and all(typed.get(key, value) == value for key, value in route.items())
    ):
        return {**typed, **route}
    return {'allOf': [route, typed]}


def _strict(components: Components, node: Any) -> Any:
    """A text field's schema: required arrays need one value."""
    schema = components.convert(node)
    resolved = components.resolve(schema)
    if node.required and isinstance(resolved, dict):
        if resolved.get('type') == 'array' and 'minItems' not in resolved:
            schema = {'allOf': [schema, {'minItems': 1}]}
    return schema
