"""The Responses Object of each operation.

Success statuses come from the operation (its ``status``, and a ``204``
where its method's return annotation admits ``None``, or for a
``DELETE`` without one) and its ``responses`` option; error statuses are
every error the kit itself raises (see :mod:`.document`) and the
declared ones, each with problem details (:data:`PROBLEM_SCHEMA`) in the
family of each (published) media type the operation renders.  Content
is per media type: the output schema for typed formats, its XML form for
XML, a string for text formats.  The ``201`` of a ``POST`` declares an
optional ``Location``.  A paginated ``collection_get`` answers the
envelope of its items (:class:`.collection.Pages`) with a ``Link``
header.

A mapping ``response_schema`` applies to each item of a list the method
returns (API.md).  The document shows an array of it on
``collection_get`` when it is the resource's schema, there describing
one item; an operation's own schema (``@operation``, YAML
``operations:``) describes its whole response, and other verbs keep the
mapping (see :func:`lists_items`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import colander

from ..annotations import returns_none
from ..crossorigin import SAFE_METHODS
from ..decorators import OPERATION_ATTR
from ..formats.ndjson import NDJSONRenderer
from ..formats.xml import PROBLEM_NAMESPACE
from ..media import MediaType, MediaTypes
from ..problems import problem_media
from ..settings import Settings
from ..views import Operation, RouteInfo
from .collection import LINK_HEADER, Pages, counted, pagination_of
from .components import Components
from .conditional import statuses as conditional_statuses
from .conditional import success_headers as conditional_headers
from .jsonschema import REF
from .patch import CONFLICT_DESCRIPTION
from .throttling import add_throttle
from .variants import TEXT_FORMATS

if TYPE_CHECKING:  # the options table is configuration's
    from ..config.options import Options

#: One item of a problem's ``errors``: a named component, so that code
#: generators give it a name of its own (``ValidationError``, as FastAPI
#: calls its own).
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    'type': 'object',
    'description': 'What is wrong with one field of the request.',
    'properties': {
        'location': {'enum': ['body', 'querystring', 'path', 'headers']},
        'name': {'type': 'string'},
        'description': {'type': 'string'},
    },
    'required': ['location', 'name', 'description'],
}

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
            'items': {'$ref': REF + 'ValidationError'},
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
            'items': {'$ref': REF + 'ValidationError', 'xml': {'name': 'i'}},
        },
    },
}


ERROR_DESCRIPTIONS = {
    400: 'The request is malformed or not valid.',
    401: 'Authentication is required.',
    403: 'The permission is missing.',
    404: 'Not found.',
    406: 'None of the available media types is acceptable.',
    413: 'The body is too large.',
    415: 'The body is in a media type that is not accepted here.',
    422: 'The request is not valid.',
}

#: The 403 of the cross-origin protection, alone or with a permission's.
CROSS_ORIGIN = (
    'The request came from another origin (cross-origin protection).'
)
PERMISSION_OR_CROSS_ORIGIN = (
    'The permission is missing, or the request came from another origin '
    '(cross-origin protection).'
)

#: The header of a ``201`` to a ``POST`` (see :meth:`Responses.build`).
LOCATION_HEADER: dict[str, Any] = {
    'description': 'The URL of the created resource.',
    'required': False,
    'schema': {'type': 'string', 'format': 'uri-reference'},
}

#: The header of a ``401`` (RFC 9110 section 11.6.1), one line per
#: challenge of the security policy.
WWW_AUTHENTICATE_HEADER: dict[str, Any] = {
    'description': 'The authentication schemes accepted here, one '
    'challenge each (RFC 9110 section 11.6.1).',
    'required': True,
    'schema': {'type': 'string'},
}

#: The header of a PATCH's ``415`` (RFC 5789 section 2.2).
ACCEPT_PATCH_HEADER: dict[str, Any] = {
    'description': 'The media types of the bodies a PATCH takes here.',
    'required': True,
    'schema': {'type': 'string'},
}

#: Statuses whose responses have no body.
NO_CONTENT = frozenset({204, 205})


def lists_items(method: Any, operation: Operation, output: Any) -> bool:
    """Whether the document shows ``output`` as an array of it.

    The runtime applies a mapping schema to each item of any list it is
    given, and cannot tell in advance whether one will be; the document
    shows an array where a list is the rule: a ``collection_get`` under
    the resource's mapping schema.  Its own ``response_schema`` is what
    the operation says it returns, an array only if it is a sequence.
    """
    return (
        operation.attr == 'collection_get'
        and output is not None
        and isinstance(output.typ, colander.Mapping)
        and 'response_schema' not in getattr(method, OPERATION_ATTR, {})
    )


def line_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of one line of an NDJSON body.

    OpenAPI 3.1 has no schema for the items of a stream: the document
    gives the schema of one line with a description that says so.
    """
    note = 'One JSON text a line (NDJSON); each line matches this schema.'
    own = schema.get('description')
    return {**schema, 'description': f'{own} {note}' if own else note}


class Responses:
    """Writes the Responses Objects of one document's operations."""

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
        #: Whether the security policy challenges: a denied permission of
        #: an unauthenticated request is then a 401 (pyramid_restkit.auth).
        self.challenges = challenges
        #: The envelopes of paginated bodies.
        self.pages = Pages(components)

    def build(
        self,
        method: Any,
        verb: str,
        opts: Options,
        operation: Operation,
        route: RouteInfo,
        parses: bool,
        validates: bool,
    ) -> dict[str, Any]:
        """The Responses Object of ``operation`` (on ``route``).

        ``method`` is the resource's method (its return annotation says
        whether it may answer ``204``), ``opts`` the operation's options;
        ``parses`` whether it reads a body, ``validates`` whether it has
        a schema.
        """
        offers = self.components.publish(
            (media, media)
            for media in (
                (operation.forced,)
                if operation.forced is not None
                else operation.negotiator.offers  # type: ignore[union-attr]
            )
        )
        output = opts.response_schema
        paginated = pagination_of(opts) is not None
        content = self.content(
            offers,
            output,
            opts,
            many=lists_items(method, operation, output),
            page=counted(opts) if paginated else None,
        )
        responses: dict[str, Any] = {}
        none = returns_none(method, verb)
        declared: Mapping[int, str] = opts.responses or {}
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
        conditional = operation.conditional
        if conditional is not None:
            headers = conditional_headers(conditional)
            for code, response in responses.items():
                if headers and code.startswith('2'):
                    response.setdefault('headers', {}).update(
                        copy.deepcopy(headers)
                    )
            extra = conditional_statuses(conditional)
            if 304 in extra:
                responses['304'] = {
                    'description': declared.get(304, extra.pop(304)),
                    **({'headers': headers} if headers else {}),
                }
        else:
            extra = {}
        if paginated:
            for code, response in responses.items():
                if code.startswith('2') and 'content' in response:
                    response.setdefault('headers', {})['Link'] = copy.deepcopy(
                        LINK_HEADER
                    )
        created = responses.get('201')
        if created is not None and verb == 'POST':
            # NOTE: the kit does not set Location (the application knows
            # the new URL: request.response.location); the header is
            # declared, optional, where RFC 9110 says it names what a
            # POST created.  A PUT's 201 is at the target URI.
            created['headers'] = {'Location': copy.deepcopy(LOCATION_HEADER)}
        # NOTE: every operation refuses a query string (and every route a
        # path) that is not UTF-8 once decoded with a 400.
        errors: dict[int, str] = {400: ERROR_DESCRIPTIONS[400]}
        settings = self.settings
        if validates and settings.validation_status == 422:
            errors[422] = ERROR_DESCRIPTIONS[422]
        if operation.permission is not None:
            if self.security_schemes or self.challenges:
                errors[401] = ERROR_DESCRIPTIONS[401]
            errors[403] = ERROR_DESCRIPTIONS[403]
        if settings.cross_origin_protection and verb not in SAFE_METHODS:
            # NOTE: what a browser sent from another origin is refused,
            # before the permission is checked (pyramid_restkit.crossorigin).
            errors[403] = (
                PERMISSION_OR_CROSS_ORIGIN if 403 in errors else CROSS_ORIGIN
            )
        versioning = operation.versioning
        mode = versioning.mode if versioning is not None else None
        if operation.negotiator is not None or mode == 'accept':
            # Accept versioning refuses an unknown version with a 406,
            # even where the media type is forced.
            errors[406] = ERROR_DESCRIPTIONS[406]
        if mode == 'path':
            # An unknown (or excluded) version in the path names nothing.
            errors[404] = ERROR_DESCRIPTIONS[404]
        if parses:
            errors[413] = ERROR_DESCRIPTIONS[413]
            errors[415] = ERROR_DESCRIPTIONS[415]
        if (
            parses
            and operation.documents is not None
            and self.components.published is None
        ):
            errors[409] = CONFLICT_DESCRIPTION
        errors.update(extra)
        for status, description in declared.items():
            if status >= 400:
                errors[status] = description
        problems = self.problem_content(offers, route)
        for status in sorted(errors):
            responses[str(status)] = {
                'description': errors[status],
                'content': problems,
            }
        unauthorized = responses.get('401')
        if unauthorized is not None and self.challenges:
            unauthorized['headers'] = {
                'WWW-Authenticate': copy.deepcopy(WWW_AUTHENTICATE_HEADER)
            }
        unsupported = responses.get('415')
        if unsupported is not None and verb == 'PATCH':
            unsupported['headers'] = {
                'Accept-Patch': copy.deepcopy(ACCEPT_PATCH_HEADER)
            }
        if operation.throttle is not None:
            add_throttle(responses, operation.throttle, problems)
        return responses

    def content(
        self,
        offers: Iterable[MediaType],
        output: Any,
        opts: Options,
        many: bool = False,
        page: bool | None = None,
    ) -> dict[str, Any]:
        """The content of a success: ``output`` per media type offered.

        ``many``: an array of ``output`` (see :func:`lists_items`);
        ``page``: a paginated body (the envelope of ``output``, whose
        items it describes; ``True``: counted), which text formats (CSV:
        the items only, the ``Link`` header paginating) show as text.
        """
        schema = (
            {}
            if output is None
            else self.components.convert(output, mode='output')
        )
        # NDJSON: a line is an item of a list, else the whole value (a
        # page is one value: pages are not streamed).
        line = schema
        if page is not None:
            schema = line = self.pages.envelope(schema, page)
        elif many:
            schema = {'type': 'array', 'items': schema}
        elif (
            output is not None
            and isinstance(output.typ, colander.Sequence)
            and output.children
        ):
            line = self.components.convert(output.children[0], mode='output')
        media_options = opts.media_options or {}
        content: dict[str, Any] = {}
        for media in offers:
            if media.name in TEXT_FORMATS:
                entry: Any = {'type': 'string'}
            elif media.name == 'xml':
                root = media_options.get('xml', {}).get('root')
                entry = self.components.variants.xml(
                    schema, root or getattr(media.renderer, 'root', None)
                )
            elif isinstance(media.renderer, NDJSONRenderer):
                entry = line_schema(line)
            else:
                entry = schema
            content[media.media_type] = {'schema': entry}
        return content

    def problem_content(
        self, offers: Iterable[MediaType], route: RouteInfo
    ) -> dict[str, Any]:
        """The content of an error: problem details in each family.

        ``offers``: the (published) media types of the operation.
        """
        every = list(offers)
        # Errors raised before the operation negotiated (a permission, a
        # query string) are in the route's format, as views.error_media
        # chooses it; then each goes to its family as views.problem_media
        # does.
        before = (
            route.negotiator.offers
            if route.negotiator is not None
            else (self.media_types.by_name[self.media_types.default],)
        )
        every.extend(self.components.publish((m, m) for m in before))
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
                if 'Problem-XML' not in self.components.schemas:
                    self.components.schemas['Problem-XML'] = copy.deepcopy(
                        PROBLEM_XML_SCHEMA
                    )
                content[problem_type] = {
                    'schema': {'$ref': REF + 'Problem-XML'}
                }
            else:
                content[problem_type] = {'schema': {'$ref': REF + 'Problem'}}
        return content
