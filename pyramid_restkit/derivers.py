"""The kit's view deriver."""

from __future__ import annotations

from typing import Any

from pyramid.security import NO_PERMISSION_REQUIRED


def restkit_resource_view(view: Any, info: Any) -> Any:
    """Mark the views of resources (``add_view(restkit_resource=name)``).

    The kit checks permissions per verb itself (``OPTIONS`` needs none), so
    Pyramid's default permission must not wrap its views.  Derivers apply
    from the view outward, so this one runs before ``secured_view`` reads
    the option.  Passing ``permission=NO_PERMISSION_REQUIRED`` to
    ``add_view`` would do the same, but relates every such view to one
    introspectable, which costs time quadratic in the number of views.
    The view itself is returned unchanged: no cost per request.
    """
    if info.options.get('restkit_resource') is not None:
        info.options['permission'] = NO_PERMISSION_REQUIRED
    return view


restkit_resource_view.options = ('restkit_resource',)  # type: ignore[attr-defined]
