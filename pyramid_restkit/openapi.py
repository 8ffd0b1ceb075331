"""OpenAPI 3.1: a document built from what serves the requests.

:func:`build_document` reads the committed configuration: the resources
and their operations (the introspector), the runtime of each operation
(:class:`~pyramid_restkit.views.Operation`: its negotiator, parsers,
validator, success status and effective permission) and the colander
schemas, converted by :mod:`pyramid_restkit.jsonschema`.  Nothing is
declared twice, so the document cannot drift from the behaviour:

* ``requestBody.content`` lists each content type the operation's parsers
  take, ``responses`` each status it can answer and, per status, each
  media type it can render (problem details in each family for errors);
* every error the kit itself raises is there: ``400`` (malformed body,
  validation, refused method override), ``403`` (a permission), ``405``
  (a ``POST`` overridden to a verb the route lacks), ``406``, ``413``,
  ``415``, and ``422`` when ``restkit.validation_status`` says so; other
  statuses come from the operation's ``responses`` option;
* a ``204`` is listed when the method's return annotation admits
  ``None`` (``-> None``: only ``204``), and for a ``DELETE`` whose
  method has no return annotation.

Media types are described by their data model: JSON, YAML and other typed
formats carry the JSON Schema as converted; forms and parameters are
text, so they cannot carry ``null``, nested objects or an empty required
array; XML follows the kit's mapping (``docs/xml.md``), whose lists are
elements with ``type="list"`` (see :func:`xml_schema`).
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Iterable, Mapping
from typing import Any

import colander

from .decorators import OPERATION_ATTR
from .interfaces import IMediaTypes, IRestkitRoutes, IRestkitSettings
from .jsonschema import JSONSchemaConverter
from .media import MediaType, MediaTypes
from .negotiation import FORMAT_PARAM
from .openapi_views import OpenAPIInfo
from .schemas import RequestSchema
from .settings import Settings
from .views import Operation, RouteInfo

OPENAPI_VERSION = '3.1.0'
REF = '#/components/schemas/'

#: Media type names whose bodies are text, not a data model.
TEXT_FORMATS = frozenset({'html', 'text', 'csv'})

#: Characters an XML 1.0 document can hold (others cannot be sent).
XML_CHARS = r'^[^\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]*$'

PROBLEM_SCHEMA: dict[str, Any] = {
    'type': 'object',
    'description': 'RFC 9457 problem details.',
    'properties': {
        'type': {'type': 'string'},
        'title': {'type': 'string'},
        'status': {'type': 'integer'},
        'detail': {'type': 'string'},
        'errors': {
            'type': 'array',
            'description': 'Validation errors, one per field.',
            'items': {
                'type': 'object',
                'properties': {
                    'location': {
                        'enum': ['body', 'querystring', 'path', 'headers']
                    },
                    'name': {'type': 'string'},
                    'description': {'type': 'string'},
                },
                'required': ['location', 'name', 'description'],
            },
        },
    },
    'required': ['type', 'title', 'status'],
}

ERROR_DESCRIPTIONS = {
    400: 'The request is malformed or not valid.',
    401: 'Authentication is required.',
    403: 'The permission is missing.',
    404: 'Not found.',
    405: 'The method (after an override) is not allowed here.',
    406: 'None of the available media types is acceptable.',
    413: 'The body is too large.',
    415: 'The body is in a media type that is not accepted here.',
    422: 'The request is not valid.',
}

_PLACEHOLDER = re.compile(r'\{([^}:]+)(?::((?:[^{}]|\{[^{}]*\})*))?\}')


# -- paths --------------------------------------------------------------------


def openapi_path(pattern: str) -> tuple[str, dict[str, str]]:
    """Return the OpenAPI template of a Pyramid route ``pattern``.

    Placeholders keep their names; a ``{name:regex}`` placeholder's regex
    is returned (name -> regex) for its parameter's schema, and a
    ``*remainder`` becomes ``{remainder}``.
    """
    regexes: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        name = match[1].strip()
        if match[2] is not None:
            regexes[name] = match[2]
        return '{' + name + '}'

    path = _PLACEHOLDER.sub(replace, pattern)
    if '*' in path:
        head, _, star = path.rpartition('*')
        if star.isidentifier():
            path = head + '{' + star + '}'
            regexes[star] = '.*'
    if not path.startswith('/'):
        path = '/' + path
    return path, regexes


def _path_parameter(name: str, regex: str | None) -> dict[str, Any]:
    # NOTE: a plain placeholder matches one non-empty segment; clients
    # normalize away the dot segments, which then match another route.
    pattern = f'^(?:{regex})$' if regex else r'^(?!\.\.?$)[^/]+$'
    return {
        'name': name,
        'in': 'path',
        'required': True,
        'schema': {'type': 'string', 'pattern': pattern},
    }


# -- variants of a schema per media type --------------------------------------


def _resolve(schema: Any, components: Mapping[str, Any]) -> Any:
    while isinstance(schema, dict) and '$ref' in schema:
        schema = components[schema['$ref'][len(REF) :]]
    return schema


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
        for key in ('prefixItems', 'allOf', 'anyOf', 'oneOf'):
            if key in out:
                branches = [self._rewrite(b, kind) for b in out[key]]
                branches = [b for b in branches if b != _NULL]
                if len(branches) == 1 and key != 'prefixItems':
                    # NOTE: one branch is the value itself; tools that
                    # write XML from a schema do not look into anyOf.
                    del out[key]
                    out = {**branches[0], **out}
                elif branches:
                    out[key] = branches
                else:
                    del out[key]
        if kind == 'Form':
            return _form_value(out)
        if kind == 'XML':
            # NOTE: a default is data (a list, say), which the XML form
            # of its schema (an element with type="list") would refuse.
            out.pop('default', None)
            return _xml_value(out)
        return out


_NULL = {'type': 'null'}
_SITE_KEYWORDS = ('title', 'description')


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
    one value: an array also takes its item.
    """
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
    # One <item> is a list of one, as one form field is.
    item = {'anyOf': [items, element]} if element else items
    wrapper.update(
        type='object',
        properties={
            'type': {'const': 'list', 'xml': {'attribute': True}},
            'item': item,
        },
        additionalProperties=element,
        # An empty element is an empty list too (the schema says so).
        anyOf=[{'required': ['type']}, {'maxProperties': 0}],
    )
    return wrapper


# -- operations ---------------------------------------------------------------


def _returns_none(method: Any, verb: str) -> str:
    """``'never'``, ``'maybe'`` or ``'always'``: does it return None?"""
    try:
        hints = typing.get_type_hints(method)
    except (NameError, TypeError, AttributeError, SyntaxError):
        # NOTE: names that do not resolve at run time: read the text.
        hints = {}
    if 'return' in hints:
        returned = hints['return']
        if returned is type(None):
            return 'always'
        if type(None) in typing.get_args(returned):
            return 'maybe'
        return 'never'
    annotation = getattr(method, '__annotations__', {}).get('return')
    if isinstance(annotation, str):
        text = annotation.replace(' ', '')
        if text == 'None':
            return 'always'
        if '|None' in text or 'None|' in text or text.startswith('Optional['):
            return 'maybe'
        return 'never'
    return 'maybe' if verb == 'DELETE' else 'never'


def _docstring(method: Any) -> tuple[str, str]:
    doc = inspect.getdoc(method) or ''
    summary, _, description = doc.partition('\n')
    return summary.strip(), description.strip()


def _is_flat(node: Any) -> bool:
    """Whether a form (flat text fields) can carry ``node``'s value."""
    if not isinstance(node.typ, colander.Mapping):
        return False
    many = (colander.Sequence, colander.Set, colander.List, colander.Tuple)
    nested = (colander.Mapping, *many)
    for child in node.children:
        if isinstance(child.typ, colander.Mapping):
            return False
        if isinstance(child.typ, many) and any(
            isinstance(item.typ, nested) for item in child.children
        ):
            return False
    return True


class _Builder:
    """Builds one document; see :func:`build_document`."""

    def __init__(
        self,
        registry: Any,
        info: OpenAPIInfo,
        converters: Mapping[str, Iterable[tuple[Any, Any]]],
    ) -> None:
        self.registry = registry
        self.info = info
        self.settings: Settings = registry.getUtility(IRestkitSettings)
        self.media_types: MediaTypes = registry.getUtility(IMediaTypes)
        self.routes = registry.getUtility(IRestkitRoutes)
        self.components: dict[str, Any] = {'Problem': PROBLEM_SCHEMA}
        self.converter = JSONSchemaConverter(
            unknown=self.settings.unknown_fields
        )
        for typ, fn in converters.get('types', ()):
            self.converter.add_type(typ, fn)
        for key, fn in converters.get('validators', ()):
            self.converter.add_validator(key, fn)
        self.variants = Variants(self.components)
        self.tags: dict[str, dict[str, Any]] = {}
        self.paths: dict[str, dict[str, Any]] = {}

    def convert(
        self, node: Any, *, mode: str = 'input', partial: bool = False
    ) -> Any:
        return self.converter.convert(
            node, mode=mode, partial=partial, components=self.components
        )

    def build(self) -> dict[str, Any]:
        introspector = self.registry.introspector
        resources = [
            entry['introspectable']
            for entry in introspector.get_category('restkit resources', [])
        ]
        # NOTE: request schemas first, so that a class used both ways
        # keeps its plain name for input, whatever the order of routes.
        for intr in resources:
            for opts in intr['operations'].values():
                body = _parts(opts.get('schema')).get('body')
                if body is not None:
                    self.convert(body)
        for intr in resources:
            self.resource(intr)
        document: dict[str, Any] = {
            'openapi': OPENAPI_VERSION,
            'info': {'title': self.info.title, 'version': self.info.version},
        }
        if self.info.description:
            document['info']['description'] = self.info.description
        if self.info.servers:
            document['servers'] = [{'url': u} for u in self.info.servers]
        if self.tags:
            document['tags'] = list(self.tags.values())
        document['paths'] = self.paths
        components: dict[str, Any] = {'schemas': self.components}
        if self.info.security_schemes:
            components['securitySchemes'] = {
                name: dict(scheme)
                for name, scheme in self.info.security_schemes.items()
            }
        document['components'] = components
        return document

    def resource(self, intr: Any) -> None:
        cls = intr['class']
        name = intr['name']
        for route_name, route_data in intr['routes'].items():
            route: RouteInfo = self.routes[route_name]
            path, regexes = openapi_path(route_data['pattern'])
            item = self.paths.setdefault(path, {})
            for attr, opts in intr['operations'].items():
                operation = route.operations.get(opts['verb'])
                # NOTE: both routes have a GET; the runtime tells whose.
                if not isinstance(operation, Operation) or (
                    operation.attr != attr
                ):
                    continue
                tags = list(opts.get('tags') or (name,))
                for tag in tags:
                    self.tag(tag, opts.get('description') or cls.__doc__)
                item[opts['verb'].lower()] = self.operation(
                    cls, name, attr, opts, operation, route, path, regexes
                )
        self.links(intr)

    def links(self, intr: Any) -> None:
        """Link a resource's creation to the operations on what it made.

        When ``collection_post`` answers with the created item, each
        placeholder of the item path is either one of the collection
        path's (the same value) or a field of that answer: clients and
        tools (schemathesis' stateful tests) can follow the link.
        """
        routes = intr['routes']
        name = intr['name']
        collection = routes.get(f'{name}.collection')
        item_route = routes.get(f'{name}.item')
        if collection is None or item_route is None:
            return
        created = self.paths[openapi_path(collection['pattern'])[0]].get(
            'post'
        )
        if created is None:
            return
        item_path = openapi_path(item_route['pattern'])[0]
        given = set(
            re.findall(r'\{([^}]+)\}', openapi_path(collection['pattern'])[0])
        )
        names = re.findall(r'\{([^}]+)\}', item_path)
        for status, response in created['responses'].items():
            if not status.startswith('2'):
                continue
            schema = response.get('content', {}).get('application/json', {})
            fields = _resolve(schema.get('schema', {}), self.components)
            properties = (
                fields.get('properties', {})
                if isinstance(fields, dict)
                else {}
            )
            parameters = {}
            for placeholder in names:
                if placeholder in given:
                    parameters[placeholder] = f'$request.path.{placeholder}'
                elif placeholder in properties:
                    parameters[placeholder] = f'$response.body#/{placeholder}'
                else:
                    break
            else:
                links = {
                    operation['operationId']: {
                        'operationId': operation['operationId'],
                        'parameters': parameters,
                    }
                    for verb, operation in self.paths[item_path].items()
                    if isinstance(operation, dict)
                    and 'operationId' in operation
                }
                if links:
                    response['links'] = links

    def tag(self, tag: str, description: str | None) -> None:
        if tag in self.tags:
            return
        entry = {'name': tag}
        text = inspect.cleandoc(description or '').partition('\n\n')[0]
        if text:
            entry['description'] = text
        self.tags[tag] = entry

    def operation(
        self,
        cls: type,
        name: str,
        attr: str,
        opts: Mapping[str, Any],
        operation: Operation,
        route: RouteInfo,
        path: str,
        regexes: Mapping[str, str],
    ) -> dict[str, Any]:
        verb = opts['verb']
        method = getattr(cls, attr)
        own = getattr(method, OPERATION_ATTR, {})
        doc_summary, doc_description = _docstring(method)
        tags = list(opts.get('tags') or (name,))
        result: dict[str, Any] = {
            'operationId': opts.get('operation_id') or f'{name}_{attr}',
            'tags': tags,
        }
        summary = own.get('summary') or doc_summary or opts.get('summary')
        if summary:
            result['summary'] = summary
        description = own.get('description') or doc_description
        if description:
            result['description'] = description
        if opts.get('deprecated'):
            result['deprecated'] = True
        schema = opts.get('schema')
        parts = _parts(schema)
        parameters = self.parameters(parts, path, regexes, operation)
        if parameters:
            result['parameters'] = parameters
        body = parts.get('body')
        parses = operation.validator is not None and body is not None
        if parses:
            request_body = self.request_body(body, verb, operation)
            if request_body is not None:
                result['requestBody'] = request_body
        result['responses'] = self.responses(
            method, verb, opts, operation, route, parses, schema is not None
        )
        if operation.permission is not None and self.info.security_schemes:
            result['security'] = [
                {scheme: []} for scheme in self.info.security_schemes
            ]
        return result

    def parameters(
        self,
        parts: Mapping[str, Any],
        path: str,
        regexes: Mapping[str, str],
        operation: Operation,
    ) -> list[dict[str, Any]]:
        params: list[dict[str, Any]] = []
        path_node = parts.get('path')
        typed = {c.name: c for c in path_node.children} if path_node else {}
        for name in re.findall(r'\{([^}]+)\}', path):
            param = _path_parameter(name, regexes.get(name))
            child = typed.get(name)
            if child is not None:
                param['schema'] = {
                    'allOf': [
                        param['schema'],
                        self.variants.form(self._strict(child)),
                    ]
                }
            params.append(param)
        for location, where in (
            ('querystring', 'query'),
            ('headers', 'header'),
        ):
            node = parts.get(location)
            if node is None:
                continue
            for child in node.children:
                if where == 'query' and child.name == FORMAT_PARAM:
                    continue
                param = {
                    'name': child.name,
                    'in': where,
                    'required': child.required,
                    'schema': self.variants.form(self._strict(child)),
                }
                if child.description:
                    param['description'] = str(child.description)
                params.append(param)
        if operation.negotiator is not None:
            params.append(
                {
                    'name': FORMAT_PARAM,
                    'in': 'query',
                    'required': False,
                    'description': 'The media type of the response, by '
                    'name (instead of Accept).',
                    'schema': {
                        'enum': [m.name for m in operation.negotiator.offers]
                    },
                }
            )
        return params

    def _strict(self, node: Any) -> Any:
        """A text field's schema: required arrays need one value."""
        schema = self.convert(node)
        resolved = _resolve(schema, self.components)
        if node.required and isinstance(resolved, dict):
            if resolved.get('type') == 'array' and 'minItems' not in resolved:
                schema = {'allOf': [schema, {'minItems': 1}]}
        return schema

    def request_body(
        self, body: Any, verb: str, operation: Operation
    ) -> dict[str, Any] | None:
        partial = verb == 'PATCH'
        schema = self.convert(body, partial=partial)
        content: dict[str, Any] = {}
        flat = _is_flat(body)
        for content_type, media in operation.parsers.items():
            if media.name == 'form':
                if not flat:
                    continue
                content[content_type] = {
                    'schema': self.variants.form(
                        self._flat_form(body, schema, partial)
                    )
                }
            elif media.name == 'xml':
                content[content_type] = {'schema': self.variants.xml(schema)}
            elif media.name in TEXT_FORMATS:
                if isinstance(body.typ, colander.String):
                    content[content_type] = {'schema': {'type': 'string'}}
            else:
                content[content_type] = {'schema': schema}
        if not content:
            return None
        required = not partial and not (
            isinstance(body.typ, colander.Mapping)
            and not any(child.required for child in body.children)
        )
        return {'required': required, 'content': content}

    def _flat_form(self, body: Any, schema: Any, partial: bool) -> Any:
        if partial:
            return schema
        resolved = _resolve(schema, self.components)
        required = set(resolved.get('required', ()))
        arrays = [
            child.name
            for child in body.children
            if child.name in required
            and resolved['properties'].get(child.name, {}).get('type')
            == 'array'
        ]
        if not arrays:
            return schema
        return {
            'allOf': [
                schema,
                {'properties': {name: {'minItems': 1} for name in arrays}},
            ]
        }

    def responses(
        self,
        method: Any,
        verb: str,
        opts: Mapping[str, Any],
        operation: Operation,
        route: RouteInfo,
        parses: bool,
        validates: bool,
    ) -> dict[str, Any]:
        offers = (
            (operation.forced,)
            if operation.forced is not None
            else operation.negotiator.offers  # type: ignore[union-attr]
        )
        output = opts.get('response_schema')
        content = self.content(offers, output, opts)
        responses: dict[str, Any] = {}
        none = _returns_none(method, verb)
        declared: Mapping[int, str] = opts.get('responses') or {}
        if none != 'always':
            responses[str(operation.status)] = {
                'description': declared.get(operation.status, 'Success.'),
                **({'content': content} if content else {}),
            }
        if none != 'never':
            responses['204'] = {
                'description': declared.get(204, 'Success, no content.')
            }
        for status, description in sorted(declared.items()):
            if str(status) in responses:
                continue
            if status < 300:
                responses[str(status)] = {
                    'description': description,
                    **({'content': content} if content else {}),
                }
            elif status < 400:
                responses[str(status)] = {'description': description}
        errors: dict[int, str] = {}
        settings = self.settings
        override = settings.method_override and verb == 'POST'
        if validates or parses or override:
            errors[400] = ERROR_DESCRIPTIONS[400]
        if validates and settings.validation_status == 422:
            errors[422] = ERROR_DESCRIPTIONS[422]
        if operation.permission is not None:
            if self.info.security_schemes:
                errors[401] = ERROR_DESCRIPTIONS[401]
            errors[403] = ERROR_DESCRIPTIONS[403]
        if override:
            allowed = set(route.allow.split(', '))
            if settings.method_override_methods - allowed:
                errors[405] = ERROR_DESCRIPTIONS[405]
        if operation.negotiator is not None:
            errors[406] = ERROR_DESCRIPTIONS[406]
        if parses:
            errors[413] = ERROR_DESCRIPTIONS[413]
            errors[415] = ERROR_DESCRIPTIONS[415]
        for status, description in declared.items():
            if status >= 400:
                errors[status] = description
        problems = self.problem_content(offers, route)
        for status in sorted(errors):
            responses[str(status)] = {
                'description': errors[status],
                'content': problems,
            }
        return responses

    def content(
        self,
        offers: Iterable[MediaType],
        output: Any,
        opts: Mapping[str, Any],
    ) -> dict[str, Any]:
        schema = {} if output is None else self.convert(output, mode='output')
        media_options = opts.get('media_options') or {}
        content: dict[str, Any] = {}
        for media in offers:
            if media.name in TEXT_FORMATS:
                entry: Any = {'type': 'string'}
            elif media.name == 'xml':
                root = media_options.get('xml', {}).get('root')
                entry = self.variants.xml(
                    schema, root or getattr(media.renderer, 'root', None)
                )
            else:
                entry = schema
            content[media.media_type] = {'schema': entry}
        return content

    def problem_content(
        self, offers: Iterable[MediaType], route: RouteInfo
    ) -> dict[str, Any]:
        every = list(offers)
        if route.negotiator is not None:
            every.extend(route.negotiator.offers)
        json = self.media_types.by_name.get('json')
        content: dict[str, Any] = {}
        for media in every:
            if media.problem_type is None or media.renderer is None:
                if json is None or json.problem_type is None:
                    continue
                media = json
            problem_type = media.problem_type
            assert problem_type is not None
            if problem_type in content:
                continue
            if media.name in TEXT_FORMATS:
                content[problem_type] = {'schema': {'type': 'string'}}
            else:
                content[problem_type] = {'schema': {'$ref': REF + 'Problem'}}
        return content


def _parts(schema: Any) -> dict[str, Any]:
    """The locations of an operation's schema: ``{'body': node, ...}``."""
    if schema is None:
        return {}
    if isinstance(schema, RequestSchema):
        return {child.name: child for child in schema.children}
    return {'body': schema}


def build_document(
    registry: Any,
    info: OpenAPIInfo,
    converters: Mapping[str, Iterable[tuple[Any, Any]]] | None = None,
) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the committed ``registry``.

    ``converters`` has the ``'types'`` and ``'validators'`` the
    application added to the colander to JSON Schema conversion.
    """
    return _Builder(registry, info, converters or {}).build()


__all__ = [
    'OpenAPIInfo',
    'build_document',
    'openapi_path',
]
