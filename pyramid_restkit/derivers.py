"""The kit's view deriver."""

from __future__ import annotations

from typing import Any

from pyramid.security import NO_PERMISSION_REQUIRED


def restkit_resource_view(view: Any, info: Any) -> Any:
    """Open the automatic ``OPTIONS`` views of resources to everyone.

    A resource route has one view per permission its verbs need, and one
    for ``OPTIONS`` (``add_view(restkit_public=True)``), which needs none
    whatever the default permission.  Derivers apply from the view
    outward, so this one runs before ``secured_view`` reads the option.
    Passing ``permission=NO_PERMISSION_REQUIRED`` to ``add_view`` would do
    the same, but relates every such view to one introspectable, which
    costs time quadratic in the number of views.  The view itself is
    returned unchanged: no cost per request.
    """
    if info.options.get('restkit_public'):
        info.options['permission'] = NO_PERMISSION_REQUIRED
    return view


restkit_resource_view.options = (  # type: ignore[attr-defined]
    'restkit_resource',
    'restkit_public',
)
