"""View predicates of pyramid_restkit."""

from __future__ import annotations

from typing import Any

from pyramid.exceptions import ConfigurationError

from .interfaces import IRestkitRoutes


class RestkitRoutePredicate:
    """``restkit_route=True``: the matched route belongs to a resource.

    The kit's exception views carry it, so that errors of the application's
    own routes stay the application's.
    """

    def __init__(self, val: Any, info: Any) -> None:
        if val is not True:
            raise ConfigurationError(
                f'restkit_route accepts only True, not {val!r}'
            )
        self.routes = info.registry.getUtility(IRestkitRoutes)

    def text(self) -> str:
        return 'restkit_route = True'

    phash = text

    def __call__(self, context: Any, request: Any) -> bool:
        route = request.matched_route
        return route is not None and route.name in self.routes
