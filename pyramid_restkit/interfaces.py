"""Registry utilities of pyramid_restkit (looked up by these interfaces)."""

from __future__ import annotations

from zope.interface import Interface


class IRestkitSettings(Interface):  # type: ignore[misc]
    """The parsed :class:`~pyramid_restkit.settings.Settings`."""


class IMediaTypes(Interface):  # type: ignore[misc]
    """The :class:`~pyramid_restkit.media.MediaTypes` registry."""


class IRestkitRoutes(Interface):  # type: ignore[misc]
    """Route name -> :class:`~pyramid_restkit.views.RouteInfo` of the kit."""


class IOpenAPI(Interface):  # type: ignore[misc]
    """The :class:`~pyramid_restkit.openapi.views.OpenAPI` of the app."""
