"""OpenAPI 3.1: a document built from what serves the requests.

:func:`build_document` reads the committed configuration: the resources
and their operations (the introspector), the runtime of each operation
(:class:`~pyramid_restkit.views.Operation`: its negotiator, parsers,
validator, success status and effective permission) and the colander
schemas, converted by :mod:`.jsonschema`.  Nothing is declared twice,
so the document cannot drift from the behaviour:

* ``requestBody.content`` lists each content type the operation's parsers
  take, ``responses`` each status it can answer and, per status, each
  media type it can render (problem details in each family for errors);
* every error the kit itself raises for the operation is there:
  ``400`` (on every operation, for a query string or path that is not
  UTF-8; then a malformed body, validation, a refused method override),
  ``403`` (a permission), ``406``, ``413``, ``415``, and ``422`` when
  ``restkit.validation_status`` says so; other statuses come from the
  operation's ``responses`` option.  ``405`` is the path's (a verb it
  does not list), never an operation's: an overridden ``POST`` is the
  verb it names;
* ``restkit.openapi.media_types`` limits the media types described
  (:meth:`.components.Components.publish`);
* path parameters carry the route's regex (as ECMA-262 where that is
  exact) and, on the value a URL suffix is peeled off, refuse the
  enabled suffixes: ``/posts/7.json`` is post ``7`` in JSON;
* a ``204`` is listed when the method's return annotation admits
  ``None`` (``-> None``: only ``204``), and for a ``DELETE`` whose
  method has no return annotation;
* a request body takes the operation's read-only fields (those the
  validator drops) as optional ``readOnly`` properties, at every level.

Media types are described by their data model: JSON, YAML and other typed
formats carry the JSON Schema as converted; forms and parameters are
text, so they cannot carry ``null``, nested objects or an empty required
array; XML follows the kit's mapping (``docs/xml.md``), whose lists are
elements with ``type="list"`` (see :class:`.variants.Variants`).

This module assembles the document (resources, paths, tags, links,
components); the parts are written by :mod:`.paths` (path templates and
parameters), :mod:`.operations` (Operation Objects and request bodies),
:mod:`.responses` (Responses Objects and problem details),
:mod:`.variants` (the text and XML forms of a schema) and
:mod:`.read_only` (bodies with read-only fields, and their names), into
the :class:`.components.Components` of the document.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from ..cors import unwrap
from ..decorators import OPERATION_ATTR
from ..interfaces import IMediaTypes, IRestkitRoutes, IRestkitSettings
from ..media import MediaTypes
from ..patterns import resource_template
from ..settings import Settings
from ..views import Operation, RouteInfo
from .components import Components
from .info import OpenAPIInfo
from .jsonschema import JSONSchemaConverter
from .operations import Operations, schema_parts
from .responses import PROBLEM_SCHEMA, VALIDATION_ERROR_SCHEMA

OPENAPI_VERSION = '3.1.0'


class _Builder:
    """Builds one document; see :func:`build_document`."""

    def __init__(
        self,
        registry: Any,
        info: OpenAPIInfo,
        converters: Mapping[str, Iterable[tuple[Any, Any]]],
        version: str | None = None,
    ) -> None:
        self.registry = registry
        self.info = info
        #: The API version described (``None``: no versioning).
        self.version = version
        self.settings: Settings = registry.getUtility(IRestkitSettings)
        self.media_types: MediaTypes = registry.getUtility(IMediaTypes)
        self.routes = registry.getUtility(IRestkitRoutes)
        converter = JSONSchemaConverter(unknown=self.settings.unknown_fields)
        for typ, fn in converters.get('types', ()):
            converter.add_type(typ, fn)
        for key, fn in converters.get('validators', ()):
            converter.add_validator(key, fn)
        published = info.media_types
        self.components = Components(
            {
                'Problem': copy.deepcopy(PROBLEM_SCHEMA),
                'ValidationError': copy.deepcopy(VALIDATION_ERROR_SCHEMA),
            },
            converter,
            published,
            formats=[
                name
                for name in self.media_types.enabled
                if self.media_types.by_name[name].renderer is not None
                and (published is None or name in published)
            ],
        )
        self.operations = Operations(
            self.components,
            self.settings,
            self.media_types,
            info.security_schemes,
            challenges=info.challenges,
        )
        self.tags: dict[str, dict[str, Any]] = {}
        self.paths: dict[str, dict[str, Any]] = {}

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
                body = schema_parts(opts.schema).get('body')
                if body is not None:
                    self.components.convert(body)
        for intr in resources:
            self.resource(intr)
        self.operations.write_variants.finish(
            self.paths, self.components.parameters
        )
        document: dict[str, Any] = {
            'openapi': OPENAPI_VERSION,
            'info': {'title': self.info.title, 'version': self.info.version},
        }
        if self.info.description:
            document['info']['description'] = self.info.description
        if self.version is not None:
            document['info']['x-api-version'] = self.version
        if self.info.servers:
            document['servers'] = [{'url': u} for u in self.info.servers]
        if self.tags:
            document['tags'] = list(self.tags.values())
        document['paths'] = self.paths
        components: dict[str, Any] = {'schemas': self.components.schemas}
        if self.components.parameters:
            components['parameters'] = self.components.parameters
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
                opts.description
                for attr, opts in intr['operations'].items()
                if 'description' in opts.given
                and 'description' not in own[attr]
            ),
            cls.__doc__,
        )
        for route_name, route_data in intr['routes'].items():
            route: RouteInfo = self.routes[route_name]
            template = resource_template(route_data['pattern'])
            for attr, opts in intr['operations'].items():
                operation = unwrap(route.operations.get(opts.verb))
                # NOTE: both routes have a GET; the runtime tells whose.
                if not isinstance(operation, Operation) or (
                    operation.attr != attr
                ):
                    continue
                if not self.serves(operation):
                    continue
                for tag in opts.tags or (name,):
                    self.tag(tag, None if 'tags' in own[attr] else about)
                item = self.paths.setdefault(template.path, {})
                item[opts.verb.lower()] = self.operations.build(
                    cls, name, attr, opts, operation, route, template
                )
        self.links(intr)

    def serves(self, operation: Operation) -> bool:
        """Whether the document's version serves ``operation``."""
        versions = operation.versions
        return versions is None or self.version in versions

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
        collection_path = resource_template(collection['pattern'])
        created = self.paths.get(collection_path.path, {}).get('post')
        item = resource_template(item_route['pattern'])
        # NOTE: either may be absent from the document of a version.
        if created is None or item.path not in self.paths:
            return
        given = set(collection_path.regexes)
        for status, response in created['responses'].items():
            if not status.startswith('2'):
                continue
            schema = response.get('content', {}).get('application/json', {})
            fields = self.components.resolve(schema.get('schema', {}))
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


def build_document(
    registry: Any,
    info: OpenAPIInfo,
    converters: Mapping[str, Iterable[tuple[Any, Any]]] | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the committed ``registry``.

    ``converters`` has the ``'types'`` and ``'validators'`` the
    application added to the colander to JSON Schema conversion.  With
    versioning, the document describes ``version``: the operations it
    serves, and ``info`` names it (``x-api-version``).
    """
    return _Builder(registry, info, converters or {}, version).build()


__all__ = ['build_document']
