"""The operations of ``anonymous=`` classes in the document.

A verb both classes serve is one Operation Object (the main class's
``operationId``, summary and tags), widened where the anonymous class
differs:

* ``security`` gains the empty requirement ``{}``: the operation may be
  called without credentials;
* a request body or response whose schema differs is ``anyOf`` the main
  class's schema and the anonymous class's, in that order, and its
  description says that anonymous requests get (or send) the second;
  statuses, content types, parameters and headers only the anonymous
  class has are added.

A verb only the anonymous class has is its own Operation Object (its
method's ``operationId``, ``<resource>_<method>``), with ``{}`` among its
``security`` requirements when it has any.  A verb only the main class
has challenges anonymous requests: where its own permission did not
already document that, it gets the security schemes and a 401 (a 403
without schemes).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..patterns import PathTemplate
from ..views import RouteInfo
from .responses import ERROR_DESCRIPTIONS, WWW_AUTHENTICATE_HEADER

if TYPE_CHECKING:
    from .document import _Builder

#: Said of a widened schema: which alternative anonymous requests use.
NOTE = 'Requests without credentials {} the second schema of anyOf.'
#: The security requirement that needs no credentials.
NONE: dict[str, list[str]] = {}


def add(
    builder: _Builder,
    intr: Any,
    route: RouteInfo,
    template: PathTemplate,
    route_data: dict[str, Any],
) -> None:
    """Write the anonymous operations of ``route`` into the document,
    and the challenge of the verbs they lack (``route_data``: the
    route's entry in the resource's introspectable)."""
    item = builder.paths.setdefault(template.path, {})
    schemes = builder.operations.security_schemes
    challenges = builder.operations.responses.challenges
    for verb in route_data.get('challenge', ()):
        main = item.get(verb.lower())
        if main is not None and 'security' not in main:
            challenged(main, schemes, challenges)
    operations: dict[str, Any] = route.anonymous
    for verb, operation in operations.items():
        if verb == 'HEAD' or not builder.serves(operation):
            continue
        klass, opts = intr['anonymous'][operation.attr]
        built = builder.operations.build(
            klass,
            intr['name'],
            operation.attr,
            opts,
            operation,
            route,
            template,
        )
        key = verb.lower()
        # NOTE: a verb whose main operation the document's version does
        # not serve is the anonymous class's alone there.
        if route.operations.get(verb) is operation or key not in item:
            for tag in opts.tags or (intr['name'],):
                builder.tag(tag, klass.__doc__)
            _allow_anonymous(built)
            item[key] = built
        else:
            widen(item[key], built, klass, builder.components.parameters)


def challenged(
    operation: dict[str, Any], schemes: Any, challenges: bool
) -> None:
    """Document the challenge of a verb only the main class has, where
    its own permission did not already: its ``security`` requirements
    (with security schemes), and a 401 with ``WWW-Authenticate`` when the
    security policy challenges, else a 401 where schemes are declared,
    else a 403 (as :class:`~.responses.Responses` documents a denied
    permission)."""
    responses = operation['responses']
    # NOTE: every operation documents its 400, a problem.
    problems = responses['400']['content']
    status = '401' if schemes or challenges else '403'
    if schemes:
        operation['security'] = [{scheme: []} for scheme in schemes]
    response = responses.setdefault(
        status,
        {
            'description': ERROR_DESCRIPTIONS[int(status)],
            'content': copy.deepcopy(problems),
        },
    )
    if status == '401' and challenges:
        response.setdefault('headers', {}).setdefault(
            'WWW-Authenticate', copy.deepcopy(WWW_AUTHENTICATE_HEADER)
        )
    operation['responses'] = dict(sorted(responses.items()))


def _allow_anonymous(operation: dict[str, Any]) -> None:
    security = operation.get('security')
    if security is not None and NONE not in security:
        security.append(NONE)


def widen(
    main: dict[str, Any],
    anonymous: dict[str, Any],
    klass: type,
    shared: dict[str, Any],
) -> None:
    """Widen the main class's Operation Object ``main`` by the anonymous
    class's (``anonymous``); ``shared`` are the document's parameters
    (``components.parameters``)."""

    def key(parameter: dict[str, Any]) -> tuple[str, str]:
        ref = parameter.get('$ref')
        if ref is not None:
            parameter = shared[ref.rsplit('/', 1)[1]]
        return parameter['name'], parameter['in']

    _allow_anonymous(main)
    note = f'Requests without credentials are served by {klass.__qualname__}.'
    description = main.get('description')
    main['description'] = f'{description}\n\n{note}' if description else note
    known = {key(p) for p in main.get('parameters', ())}
    extra = [p for p in anonymous.get('parameters', ()) if key(p) not in known]
    if extra:
        main['parameters'] = [*main.get('parameters', ()), *extra]
    body = anonymous.get('requestBody')
    if body is not None:
        if 'requestBody' not in main:
            main['requestBody'] = {**body, 'required': False}
        else:
            own = main['requestBody']
            own['required'] = own['required'] and body['required']
            if _content(own, body):
                own['description'] = NOTE.format('send')
    responses = main['responses']
    for status, response in anonymous['responses'].items():
        if status not in responses:
            responses[status] = response
            continue
        own = responses[status]
        if _content(own, response):
            own['description'] = f'{own["description"]} {NOTE.format("get")}'
        headers = response.get('headers')
        if headers:
            own['headers'] = {**headers, **own.get('headers', {})}


def _content(own: dict[str, Any], other: dict[str, Any]) -> bool:
    """Merge ``other``'s content into ``own``'s: ``anyOf`` where the
    schemas of a content type differ.  Whether any did."""
    content = own.setdefault('content', {})
    widened = False
    for media_type, entry in other.get('content', {}).items():
        mine = content.get(media_type)
        if mine is None:
            content[media_type] = entry
        elif mine.get('schema') != entry.get('schema'):
            mine['schema'] = {'anyOf': [mine['schema'], entry['schema']]}
            widened = True
    if not content:
        del own['content']
    return widened
