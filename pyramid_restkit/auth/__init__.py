"""Authentication for APIs: Basic and Bearer security policies.

``pyramid_restkit.auth`` is a public module of its own (not imported by
``config.include('pyramid_restkit')``)::

    from pyramid_restkit.auth import BasicAuthPolicy, BearerTokenPolicy

    config.set_security_policy(BearerTokenPolicy(check_token))

The policies are ordinary Pyramid security policies
(:mod:`.policies`); the ``Authorization`` header is read by
:mod:`.headers`, which turns anything malformed into "no credentials".
On the kit's routes a denied permission is a 401 carrying the policy's
challenges when the request is unauthenticated, a 403 otherwise
(:func:`pyramid_restkit.problems.http_error_view`); docs/security.md
tells the whole story.
"""

from __future__ import annotations

from .policies import (
    BasicAuthPolicy,
    BearerTokenPolicy,
    MultiAuthPolicy,
)

__all__ = [
    'BasicAuthPolicy',
    'BearerTokenPolicy',
    'MultiAuthPolicy',
]
