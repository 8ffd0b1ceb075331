"""Cross-origin protection: unsafe requests a browser sent from elsewhere.

Modelled on Go 1.25's ``net/http.CrossOriginProtection``: a request with
an unsafe method (anything but ``GET``, ``HEAD`` and ``OPTIONS``) is
cross-origin when

* its ``Sec-Fetch-Site`` header (every current browser sends it) is
  present and is neither ``same-origin`` nor ``none``; or,
* without that header, its ``Origin`` header is present and its
  ``host[:port]`` is not the request's ``Host`` (the scheme is ignored:
  a proxy may end TLS; an explicit default port is compared as written);

unless its ``Origin`` is one of ``restkit.trusted_origins``.  Requests
with neither header (non-browser clients: curl, generated clients,
servers) pass.  The request is judged as the browser sent it: a form
``POST`` carrying ``_method=DELETE`` is a ``POST``.  The method override
tween refuses to override a cross-origin request on any route, and the
kit's view deriver refuses the others on its own routes, before the
permission check (API.md's order: 405, cross-origin 403, 401/403, ...).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pyramid.httpexceptions import HTTPForbidden

#: Methods a browser may send cross-origin without a preflight or harm.
SAFE_METHODS = frozenset({'GET', 'HEAD', 'OPTIONS'})


def is_cross_origin(
    environ: dict[str, Any], method: str, trusted: frozenset[str]
) -> bool:
    """Whether a browser sent this unsafe request from another origin."""
    if method in SAFE_METHODS:
        return False
    origin = environ.get('HTTP_ORIGIN')
    site = environ.get('HTTP_SEC_FETCH_SITE')
    if site is not None:
        if site in ('same-origin', 'none'):
            return False
    elif origin is None:
        return False  # not a browser, or an old one on a safe request
    elif _host_of(origin) == environ.get('HTTP_HOST', '').lower():
        return False
    return origin not in trusted


def _host_of(origin: str) -> str | None:
    """The ``host[:port]`` of an ``Origin`` value (``None`` if malformed)."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return None
    return parts.netloc.lower() if parts.scheme and parts.netloc else None


def refusal(method: str) -> HTTPForbidden:
    """The 403 of a refused cross-origin request."""
    exc = HTTPForbidden(
        f'A {method[:20]} from another origin is not accepted here.'
    )
    exc.problem_extra = {'reason': 'cross-origin'}
    return exc
