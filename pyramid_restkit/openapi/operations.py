"""The Operation Object of each operation of a resource.

:class:`Operations` writes one from the operation's options (its
introspectable's), its method (docstring, return annotation) and its
runtime (:class:`~pyramid_restkit.views.Operation`: negotiator, parsers,
validator, effective permission): ``operationId``, summary, description,
tags, parameters (:mod:`.paths`; those of collections,
:mod:`.collection`), the request body per content type its
parsers take (a form only where the schema is flat; PATCH documents,
:mod:`.patch`), with the
operation's read-only fields (:mod:`.read_only`), the responses
(:mod:`.responses`) and the security requirements.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import colander

from ..decorators import OPERATION_ATTR
from ..media import MediaTypes
from ..patch import DOCUMENT_PARSERS
from ..patterns import PathTemplate
from ..schemas import ReadOnly, RequestSchema
from ..settings import Settings
from ..views import Operation, RouteInfo
from .collection import parameters as collection_parameters
from .components import Components
from .patch import document_content
from .paths import parameters
from .read_only import WriteVariants
from .responses import Responses
from .variants import TEXT_FORMATS

if TYPE_CHECKING:  # the options table is configuration's
    from ..config.options import Options


def schema_parts(schema: Any) -> dict[str, Any]:
    """The locations of an operation's schema: ``{'body': node, ...}``."""
    if schema is None:
        return {}
    if isinstance(schema, RequestSchema):
        return {child.name: child for child in schema.children}
    return {'body': schema}


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


class Operations:
    """Writes the Operation Objects of one document."""

    def __init__(
        self,
        components: Components,
        settings: Settings,
        media_types: MediaTypes,
        security_schemes: Mapping[str, Any],
        challenges: bool = False,
    ) -> None:
        self.components = components
        self.settings = settings
        self.media_types = media_types
        self.security_schemes = security_schemes
        self.responses = Responses(
            components,
            settings,
            media_types,
            security_schemes,
            challenges=challenges,
        )
        #: The request bodies that take read-only fields.
        self.write_variants = WriteVariants(components)

    def build(
        self,
        cls: type,
        name: str,
        attr: str,
        opts: Options,
        operation: Operation,
        route: RouteInfo,
        template: PathTemplate,
    ) -> dict[str, Any]:
        """The Operation Object of ``cls.attr`` on ``route``.

        ``name`` is the resource's, ``opts`` the operation's options (its
        introspectable's), ``operation`` its runtime on ``route``, whose
        path ``template`` is.
        """
        verb = opts.verb
        method = getattr(cls, attr)
        own = getattr(method, OPERATION_ATTR, {})
        doc_summary, doc_description = _docstring(method)
        tags = list(opts.tags or (name,))
        result: dict[str, Any] = {
            'operationId': opts.operation_id_of(name, attr),
            'tags': tags,
        }
        summary = own.get('summary') or doc_summary or opts.summary
        if summary:
            result['summary'] = summary
        description = own.get('description') or doc_description
        if description:
            result['description'] = description
        if opts.deprecated:
            result['deprecated'] = True
        schema = opts.schema
        parts = schema_parts(schema)
        params = parameters(
            self.components,
            self.media_types,
            parts,
            template,
            operation,
            collection_parameters(opts, self.settings, verb),
        )
        if params:
            result['parameters'] = params
        body = parts.get('body')
        validator = operation.validator
        parses = validator is not None and body is not None
        if validator is not None and body is not None:
            request_body = self.request_body(
                body,
                verb,
                operation,
                validator.read_only,
                opts.response_schema,
            )
            if request_body is not None:
                result['requestBody'] = request_body
        result['responses'] = self.responses.build(
            method, verb, opts, operation, route, parses, schema is not None
        )
        if operation.permission is not None and self.security_schemes:
            result['security'] = [
                {scheme: []} for scheme in self.security_schemes
            ]
        return result

    def request_body(
        self,
        body: Any,
        verb: str,
        operation: Operation,
        read_only: ReadOnly,
        response_schema: Any,
    ) -> dict[str, Any] | None:
        """The request body: ``body`` per content type it can come in.

        ``read_only`` are the body's read-only fields, as the runtime
        found them, whose schemas ``response_schema`` gives: the body
        takes them (:mod:`.read_only`).
        """
        partial = verb == 'PATCH'
        schema = self.write_variants.extend(
            self.components.convert(body, partial=partial),
            read_only,
            response_schema,
        )
        content: dict[str, Any] = {}
        flat = _is_flat(body)
        parsers = self.components.publish(
            ((content_type, media), media)
            for content_type, media in operation.parsers.items()
            if content_type not in DOCUMENT_PARSERS
        )
        for content_type, media in parsers:
            if media.name == 'form':
                if not flat:
                    continue
                content[content_type] = {
                    'schema': self.components.variants.form(
                        self._flat_form(body, schema, partial)
                    )
                }
            elif media.name == 'xml':
                content[content_type] = {
                    'schema': self.components.variants.xml(schema)
                }
            elif media.name == 'text':
                # NOTE: the text parser gives the body as one string, which
                # only a String schema takes (coerced, as text is).  Other
                # text formats (CSV: rows of cells) have no JSON Schema.
                if isinstance(body.typ, colander.String):
                    content[content_type] = {
                        'schema': self.components.variants.form(schema)
                    }
            elif media.name not in TEXT_FORMATS:
                content[content_type] = {'schema': schema}
        if (
            operation.documents is not None
            and self.components.published is None
        ):
            # NOTE: restkit.openapi.media_types lists the types the
            # document describes, and these are not among them.  A merge
            # patch is read against the whole body's schema (the PUT's,
            # read-only fields included: sent back unchanged, they are
            # dropped).
            whole = self.write_variants.extend(
                self.components.convert(body), read_only, response_schema
            )
            content.update(document_content(self.components, whole))
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
        resolved = self.components.resolve(schema)
        required = set(resolved.get('required', ()))
        properties = resolved.get('properties', {})
        arrays = [
            child.name
            for child in body.children
            if child.name in required
            and self.components.resolve(properties[child.name]).get('type')
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
