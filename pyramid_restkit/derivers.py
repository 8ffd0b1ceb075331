"""The kit's view deriver."""

from __future__ import annotations

from typing import Any

from pyramid.viewderivers import preserve_view_attrs


def restkit_resource_view(view: Any, info: Any) -> Any:
    """Let ``OPTIONS`` through the permission of a resource route's view.

    A resource route has one view per permission its verbs need; the
    first (``GET``'s, usually) also answers ``OPTIONS``
    (``add_view(restkit_options=True)``), which needs no permission.  This
    deriver sits over Pyramid's ``secured_view``: when a permission
    applies to that view (its own or the default permission), an
    ``OPTIONS`` request goes to the view without the check
    (``__call_permissive__``, as Pyramid's own permissive calls do).  A
    view no permission applies to is returned unchanged: no cost per
    request.  (One more view for ``OPTIONS`` alone would do the same, at
    the cost of a second view per route: a third more configuration time
    and a ``MultiView`` on every request.)
    """
    permissive = getattr(view, '__call_permissive__', None)
    if not info.options.get('restkit_options') or permissive in (None, view):
        return view

    def open_options(context: Any, request: Any) -> Any:
        if request.method == 'OPTIONS':
            return permissive(context, request)
        return view(context, request)

    # What pviews and Pyramid's permissive calls read, as Pyramid's own
    # derivers keep them.
    return preserve_view_attrs(view, open_options)


restkit_resource_view.options = (  # type: ignore[attr-defined]
    'restkit_resource',
    'restkit_options',
)
