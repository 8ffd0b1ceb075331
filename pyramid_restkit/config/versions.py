"""API versions at commit: checking ``versions=`` and versioned routes.

With ``restkit.versioning`` set, each operation knows the versions that
serve it (:func:`operation_versions`) and each route the verbs of each
version (:func:`version_route`): its ``Allow`` per version, and which
versions reach each verb.  Without it, nothing here runs at request time
and routes are built as before.
"""

from __future__ import annotations

from ..errors import ResourceConfigurationError
from ..patterns import placeholders
from ..versioning import VERSION_PLACEHOLDER, Versioning
from ..views import Operation, RouteInfo, versioned_options_view
from .options import Options


def operation_versions(
    opts: Options, versioning: Versioning | None, where: str
) -> frozenset[str] | None:
    """The versions that serve an operation; ``None``: every version.

    ``versions=`` needs ``restkit.versioning`` and may name only versions
    of ``restkit.versions``: a mistake there would otherwise serve an
    operation in no version, or in every one, silently.
    """
    given = opts.versions
    if given is None:
        return None
    if versioning is None:
        raise ResourceConfigurationError(
            f'{where}: versions={list(given)!r} needs the restkit.versioning '
            'and restkit.versions settings'
        )
    unknown = [version for version in given if version not in versioning.known]
    if unknown:
        raise ResourceConfigurationError(
            f'{where}: versions names {", ".join(map(repr, unknown))}, not '
            f'in restkit.versions ({" ".join(versioning.versions)})'
        )
    served = frozenset(given)
    # PERF: an operation of every version checks nothing more per request.
    return None if served == versioning.known else served


def version_route(
    route: RouteInfo, versioning: Versioning, where: str
) -> None:
    """Fill a route's versions, once its operations are built.

    Path versioning needs a ``{version}`` placeholder in every resource
    pattern (the route prefix counts): a route without one could not
    tell its version.  The automatic ``OPTIONS`` answers with the
    ``Allow`` of the request's version.
    """
    if versioning.mode == 'path':
        found, _ = placeholders(route.pattern)
        if VERSION_PLACEHOLDER not in (item.name for item in found):
            raise ResourceConfigurationError(
                f'{where}: restkit.versioning = path needs a '
                f'{{{VERSION_PLACEHOLDER}}} placeholder in the pattern '
                f'{route.pattern!r} (for example /{{version}}/posts, or a '
                "route prefix such as '/{version}')"
            )
    every = versioning.known
    verbs: dict[str, frozenset[str]] = {}
    automatic = []
    for verb, operation in route.operations.items():
        if isinstance(operation, Operation):
            verbs[verb] = operation.versions or every
        else:
            automatic.append(verb)
    served = frozenset().union(*verbs.values())
    for verb in automatic:
        verbs[verb] = served
    route.verb_versions = verbs
    listed = route.allow.split(', ')
    route.allow_by_version = {
        version: ', '.join(
            verb for verb in listed if version in verbs.get(verb, ())
        )
        for version in versioning.versions
        if version in served
    }
    for verb in automatic:
        route.operations[verb] = versioned_options_view(route, versioning)
