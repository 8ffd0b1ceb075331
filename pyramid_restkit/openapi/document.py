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
* every error the kit itself raises is there: ``400`` (on every
  operation, for a query string or path that is not UTF-8; then a
  malformed body, validation, a refused method override), ``403`` (a
  permission), ``405`` (a ``POST`` overridden to a verb the route
  lacks), ``406``, ``413``, ``415``, and ``422`` when
  ``restkit.validation_status`` says so; other statuses come from the
  operation's ``responses`` option;
* path parameters carry the route's regex (as ECMA-262 where that is
  exact) and, on the value a URL suffix is peeled off, refuse the
  enabled suffixes: ``/posts/7.json`` is post ``7`` in JSON;
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

import ast
import copy
import inspect
import re
import typing
from collections.abc import Iterable, Mapping
from typing import Any

import colander

from ..decorators import OPERATION_ATTR
from ..formats.xml import PROBLEM_NAMESPACE
from ..interfaces import IMediaTypes, IRestkitRoutes, IRestkitSettings
from ..media import MediaType, MediaTypes
from ..negotiation import FORMAT_PARAM
from ..patterns import SUFFIX_PLACEHOLDER, with_suffix
from ..problems import problem_media
from ..schemas import RequestSchema
from ..settings import Settings
from ..views import Operation, RouteInfo
from .ecma import ecma_pattern
from .jsonschema import JSONSchemaConverter
from .views import OpenAPIInfo

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

#: Problem details in XML (RFC 9457 appendix B), as the XML renderer's
#: ``dumps_problem`` writes them: a ``problem`` element in its namespace,
#: the members of an array as ``<i>`` elements.
PROBLEM_XML_SCHEMA: dict[str, Any] = {
    **PROBLEM_SCHEMA,
    'xml': {'name': 'problem', 'namespace': PROBLEM_NAMESPACE},
    'properties': {
        **PROBLEM_SCHEMA['properties'],
        'errors': {
            **PROBLEM_SCHEMA['properties']['errors'],
            'xml': {'wrapped': True},
            'items': {
                **PROBLEM_SCHEMA['properties']['errors']['items'],
                'xml': {'name': 'i'},
            },
        },
    },
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

#: A placeholder as Pyramid reads it (``pyramid.urldispatch.route_re``):
#: a name starting with a letter or ``_``, then an optional ``:regex``
#: that may hold one level of braces (``{id:\d{4}}``).
_PLACEHOLDER = re.compile(
    r'\{([_a-zA-Z][^{}:]*)(?::((?:[^{}]|\{[^{}]*\})*))?\}'
)
#: Pyramid's old-style ``:name`` placeholders, read when no ``{`` is used.
_OLD_PLACEHOLDER = re.compile(r':([_a-zA-Z]\w*)')
_STAR_AT_END = re.compile(r'\*(\w*)$')
#: A plain placeholder: one non-empty segment.
_SEGMENT = '[^/]+'


class _Template(typing.NamedTuple):
    """What a route pattern says about its OpenAPI path."""

    path: str
    #: Placeholder name -> its Python regex.
    regexes: dict[str, str]
    #: The placeholder whose value a URL suffix is peeled off, if any.
    suffixed: str | None


def _template(pattern: str, restkit: bool = False) -> _Template:
    """The template of ``pattern``; ``restkit``: of a resource's route.

    A resource's route is ``with_suffix(pattern)``: its suffix placeholder
    is not a parameter (and makes Pyramid read ``:name`` as text).
    """
    if restkit:
        pattern = with_suffix(pattern)
    if not _PLACEHOLDER.search(pattern) and _OLD_PLACEHOLDER.search(pattern):
        # NOTE: as Pyramid does: '/posts/:id' is '/posts/{id}'.
        pattern = _OLD_PLACEHOLDER.sub(r'{\1}', pattern)
    regexes: dict[str, str] = {}
    remainder = None
    star = _STAR_AT_END.search(pattern)
    if star is not None:
        pattern, remainder = pattern[: star.start()], star[1]

    def replace(match: re.Match[str]) -> str:
        regexes[match[1]] = _SEGMENT if match[2] is None else match[2]
        return '{' + match[1] + '}'

    path = _PLACEHOLDER.sub(replace, pattern)
    # The format_suffix predicate peels a suffix off the last value when
    # the pattern ends with a brace (predicates.with_suffix).
    suffixed = next(reversed(regexes), None) if path.endswith('}') else None
    if remainder:
        path += '{' + remainder + '}'
        regexes[remainder] = '.*'
        suffixed = None
    if suffixed == SUFFIX_PLACEHOLDER:
        del regexes[suffixed]
        path = path[: -len(SUFFIX_PLACEHOLDER) - 2]
        suffixed = None
    if not path.startswith('/'):
        path = '/' + path
    return _Template(path, regexes, suffixed)


def openapi_path(pattern: str) -> tuple[str, dict[str, str]]:
    """Return the OpenAPI template of a Pyramid route ``pattern``.

    Placeholders keep their names and the regex each matches (name ->
    regex, ``[^/]+`` for a plain one) is returned for its parameter's
    schema; a ``*remainder`` becomes ``{remainder}`` (``.*``) and an
    old-style ``:name`` is ``{name}``, as Pyramid reads them.
    """
    template = _template(pattern)
    return template.path, template.regexes


def _path_pattern(regex: str, suffixes: Iterable[str]) -> str:
    """The JSON Schema ``pattern`` of a path value matched by ``regex``.

    Pyramid matches the whole (decoded) value with Python's ``re``: the
    pattern is translated to ECMA-262 where that is exact.  A value
    ending in one of ``suffixes`` would have it peeled off (it selects
    the media type), so such values are not the parameter's.
    """
    translated = ecma_pattern(re.compile(f'(?:{regex})\\Z'))
    pattern = translated or f'^(?:{regex})$'
    if regex == _SEGMENT:
        # NOTE: clients normalize away the dot segments, which then match
        # another route.
        pattern = r'^(?!\.\.?$)' + pattern[1:]
    ends = '|'.join(re.escape(s) for s in sorted(suffixes))
    if ends:
        # NOTE: '.json' itself keeps its dot (the predicate needs a name
        # before the suffix).
        pattern = rf'^(?![\s\S]+(?:{ends})$)' + pattern[1:]
    return pattern


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
        if 'prefixItems' in out:
            # Positions stay (text cannot say null: its item can be none).
            out['prefixItems'] = [
                _NEVER if item == _NULL else self._rewrite(item, kind)
                for item in out['prefixItems']
            ]
        for key in ('allOf', 'anyOf', 'oneOf'):
            if key in out:
                branches = [self._rewrite(b, kind) for b in out[key]]
                branches = [b for b in branches if b != _NULL] or [_NEVER]
                if len(branches) == 1:
                    # NOTE: one branch is the value itself; tools that
                    # write XML from a schema do not look into anyOf.
                    del out[key]
                    out = {**branches[0], **out}
                else:
                    out[key] = branches
        if kind == 'Form':
            return _form_value(out)
        # NOTE: a default is data (a list, say), which the XML form of its
        # schema (an element with type="list") would refuse.
        out.pop('default', None)
        return _xml_value(out)


_NULL = {'type': 'null'}
#: What text cannot carry at all (a value that can only be null).
_NEVER: dict[str, Any] = {'not': {}}
#: Statuses whose responses have no body.
NO_CONTENT = frozenset({204, 205})
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
    least = items.get('minItems', 0)
    # One <item> is a list of one, as one form field is.
    one = element and least <= 1
    wrapper.update(
        type='object',
        properties={
            'type': {'const': 'list', 'xml': {'attribute': True}},
            'item': {'anyOf': [items, element]} if one else items,
        },
        additionalProperties=element,
    )
    if least:
        # A list that cannot be empty has its items (as <item> elements,
        # the names the renderer writes).
        wrapper['required'] = ['type', 'item']
    else:
        # An empty element is an empty list too (the schema says so).
        wrapper['anyOf'] = [{'required': ['type']}, {'maxProperties': 0}]
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
        return _none_in_text(annotation)
    return 'maybe' if verb == 'DELETE' else 'never'


def _none_in_text(annotation: str) -> str:
    """:func:`_returns_none` of an annotation that does not resolve.

    ``None``, ``X | None``, ``Optional[X]`` and ``Union[X, None]`` (with
    or without ``typing.``) are read; anything else never returns None.
    """
    try:
        tree = ast.parse(annotation.strip(), mode='eval').body
    except SyntaxError:
        return 'never'

    def is_none(node: ast.expr) -> bool:
        return isinstance(node, ast.Constant) and node.value is None

    def name(node: ast.expr) -> str:
        if isinstance(node, ast.Attribute):
            return node.attr
        return node.id if isinstance(node, ast.Name) else ''

    if is_none(tree):
        return 'always'
    members: list[ast.expr] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            stack += [node.left, node.right]
        else:
            members.append(node)
    for node in members:
        if is_none(node):
            return 'maybe'
        if isinstance(node, ast.Subscript):
            kind = name(node.value)
            args = node.slice
            items = args.elts if isinstance(args, ast.Tuple) else [args]
            if kind == 'Optional' or (
                kind == 'Union' and any(is_none(item) for item in items)
            ):
                return 'maybe'
    return 'never'


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
        self.components: dict[str, Any] = {
            'Problem': copy.deepcopy(PROBLEM_SCHEMA)
        }
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
        own = {
            attr: getattr(getattr(cls, attr), OPERATION_ATTR, {})
            for attr in intr['operations']
        }
        # The resource's tags are described by its own description (not
        # one an operation overrides), else the class docstring.
        about = next(
            (
                opts['description']
                for attr, opts in intr['operations'].items()
                if 'description' in opts and 'description' not in own[attr]
            ),
            cls.__doc__,
        )
        for route_name, route_data in intr['routes'].items():
            route: RouteInfo = self.routes[route_name]
            template = _template(route_data['pattern'], restkit=True)
            item = self.paths.setdefault(template.path, {})
            for attr, opts in intr['operations'].items():
                operation = route.operations.get(opts['verb'])
                # NOTE: both routes have a GET; the runtime tells whose.
                if not isinstance(operation, Operation) or (
                    operation.attr != attr
                ):
                    continue
                for tag in opts.get('tags') or (name,):
                    self.tag(tag, None if 'tags' in own[attr] else about)
                item[opts['verb'].lower()] = self.operation(
                    cls, name, attr, opts, operation, route, template
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
        collection_path = _template(collection['pattern'], restkit=True)
        created = self.paths[collection_path.path].get('post')
        if created is None:
            return
        item = _template(item_route['pattern'], restkit=True)
        given = set(collection_path.regexes)
        for status, response in created['responses'].items():
            if not status.startswith('2'):
                continue
            schema = response.get('content', {}).get('application/json', {})
            fields = _resolve(schema.get('schema', {}), self.components)
            # NOTE: only a field the answer always has can fill the path.
            present = set(fields.get('required', ()))
            parameters = {}
            for placeholder in item.regexes:
                if placeholder in given:
                    parameters[placeholder] = f'$request.path.{placeholder}'
                elif placeholder in present:
                    parameters[placeholder] = f'$response.body#/{placeholder}'
                else:
                    break
            else:
                response['links'] = {
                    operation['operationId']: {
                        'operationId': operation['operationId'],
                        'parameters': parameters,
                    }
                    for operation in self.paths[item.path].values()
                }

    def tag(self, tag: str, description: str | None) -> None:
        entry = self.tags.setdefault(tag, {'name': tag})
        text = inspect.cleandoc(description or '').partition('\n\n')[0]
        if text and 'description' not in entry:
            entry['description'] = text

    def operation(
        self,
        cls: type,
        name: str,
        attr: str,
        opts: Mapping[str, Any],
        operation: Operation,
        route: RouteInfo,
        template: _Template,
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
        parameters = self.parameters(parts, template, operation)
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
        template: _Template,
        operation: Operation,
    ) -> list[dict[str, Any]]:
        params: list[dict[str, Any]] = []
        path_node = parts.get('path')
        typed = {c.name: c for c in path_node.children} if path_node else {}
        suffixes = tuple(self.media_types.suffixes)
        for name, regex in template.regexes.items():
            schema: dict[str, Any] = {
                'type': 'string',
                'pattern': _path_pattern(
                    regex, suffixes if name == template.suffixed else ()
                ),
            }
            child = typed.get(name)
            if child is not None:
                value = self.variants.form(self._strict(child))
                if _resolve(value, self.components).get('type') != 'string':
                    # NOTE: the value is text, read as the child's type
                    # (an integer, say): the pattern applies to that
                    # text, which JSON Schema cannot say of a number.
                    del schema['type']
                schema = {'allOf': [schema, value]}
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
            elif media.name == 'text':
                # NOTE: the text parser gives the body as one string, which
                # only a String schema takes (coerced, as text is).  Other
                # text formats (CSV: rows of cells) have no JSON Schema.
                if isinstance(body.typ, colander.String):
                    content[content_type] = {
                        'schema': self.variants.form(schema)
                    }
            elif media.name not in TEXT_FORMATS:
                content[content_type] = {'schema': schema}
        if not content:
            return None
        # An absent body is an empty mapping where the schema is one (so
        # only its required fields make it required, and none are in a
        # PATCH), and a missing value otherwise.
        if isinstance(body.typ, colander.Mapping):
            required = not partial and any(
                child.required for child in body.children
            )
        else:
            required = body.required
        return {'required': required, 'content': content}

    def _flat_form(self, body: Any, schema: Any, partial: bool) -> Any:
        if partial:
            return schema
        resolved = _resolve(schema, self.components)
        required = set(resolved.get('required', ()))
        properties = resolved.get('properties', {})
        arrays = [
            child.name
            for child in body.children
            if child.name in required
            and _resolve(properties[child.name], self.components).get('type')
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
            if status < 300 and status not in NO_CONTENT:
                responses[str(status)] = {
                    'description': description,
                    **({'content': content} if content else {}),
                }
            elif status < 400:
                responses[str(status)] = {'description': description}
        # NOTE: every operation refuses a query string (and every route a
        # path) that is not UTF-8 once decoded with a 400.
        errors: dict[int, str] = {400: ERROR_DESCRIPTIONS[400]}
        settings = self.settings
        override = settings.method_override and verb == 'POST'
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
        # Errors raised before the operation negotiated (a permission, a
        # query string) are in the route's format, as views.error_media
        # chooses it; then each goes to its family as views.problem_media
        # does.
        if route.negotiator is not None:
            every.extend(route.negotiator.offers)
        else:
            every.append(self.media_types.by_name[self.media_types.default])
        content: dict[str, Any] = {}
        for media in every:
            media = problem_media(media, self.media_types)
            problem_type = media.problem_type
            assert problem_type is not None
            if problem_type in content:
                continue
            if media.name in TEXT_FORMATS:
                content[problem_type] = {'schema': {'type': 'string'}}
            elif media.name == 'xml':
                if 'Problem-XML' not in self.components:
                    self.components['Problem-XML'] = copy.deepcopy(
                        PROBLEM_XML_SCHEMA
                    )
                content[problem_type] = {
                    'schema': {'$ref': REF + 'Problem-XML'}
                }
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
