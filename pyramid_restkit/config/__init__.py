"""What runs at commit: the directives and the registry they fill.

Only this package calls ``config.action``.  :func:`setup_registry` creates
the utilities that the directives fill during the commit: the media type
registry and the route table the request path reads.
"""

from __future__ import annotations

from typing import Any

from pyramid.interfaces import PHASE1_CONFIG, PHASE2_CONFIG

from ..interfaces import IMediaTypes, IRestkitRoutes, IRestkitSettings
from ..media import MediaTypes
from ..negotiation import Negotiator
from ..settings import Settings, parse_settings
from ..throttling import Counters, parse_throttle_settings
from ..versioning import Versioning
from .operations import RouteTable


def setup_registry(config: Any) -> None:
    """Create the utilities and the settings/media actions (``includeme``)."""
    # NOTE: Pyramid includes a module once per configurator, so these
    # containers are created once; directives fill them during commit.
    registry = config.registry
    registry.registerUtility(MediaTypes(), IMediaTypes)
    registry.registerUtility(RouteTable(), IRestkitRoutes)

    def register_settings() -> None:
        settings = parse_settings(registry.settings)
        registry.registerUtility(settings, IRestkitSettings)
        if settings.versioning is not None:
            registry.getUtility(IRestkitRoutes).versioning = Versioning(
                settings.versioning, settings.versions
            )
        # NOTE: the throttling settings are parsed apart (no limits
        # import): the counters are made at the first throttled operation.
        throttling = parse_throttle_settings(registry.settings)
        registry.getUtility(IRestkitRoutes).counters = Counters(throttling)
        # Write normalized values back, for code reading plain settings.
        registry.settings.update(settings.as_settings())
        registry.settings.update(throttling.as_settings())

    def enable_media_types() -> None:
        settings: Settings = registry.getUtility(IRestkitSettings)
        media_types: MediaTypes = registry.getUtility(IMediaTypes)
        media_types.enable(settings.media_types, settings.default_media_type)
        registry.getUtility(IRestkitRoutes).plain_negotiator = Negotiator(
            [
                media_types.by_name[name]
                for name in media_types.enabled
                if media_types.by_name[name].renderer is not None
            ],
            media_types.by_name[media_types.default],
        )

    config.action(
        ('restkit settings',), register_settings, order=PHASE1_CONFIG
    )
    # NOTE: phase 2: after every add_media_type (phase 1), before resources.
    config.action(
        ('restkit media enable',), enable_media_types, order=PHASE2_CONFIG
    )
