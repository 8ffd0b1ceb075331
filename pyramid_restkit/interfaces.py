"""Registry utilities of pyramid_restkit (looked up by these interfaces)."""

from __future__ import annotations

from zope.interface import Interface


class IRestkitSettings(Interface):
    """The parsed :class:`~pyramid_restkit.settings.Settings`."""


class IMediaTypes(Interface):
    """The :class:`~pyramid_restkit.media.MediaTypes` registry."""


class IRestkitRoutes(Interface):
    """Route name -> :class:`~pyramid_restkit.views.RouteInfo` of the kit."""
