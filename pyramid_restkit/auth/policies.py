"""Stateless security policies for APIs: Basic, Bearer, and a chain.

Each is an ordinary Pyramid 2 security policy
(:class:`pyramid.interfaces.ISecurityPolicy`), set with
``config.set_security_policy``: the identity comes from the
``Authorization`` header of each request (nothing is remembered between
requests: ``remember`` and ``forget`` return no headers), and permissions
stay Pyramid permissions, decided by a ``permits`` callable or by the
ACL of the context.  Beyond the interface, each offers
:meth:`~AuthPolicy.challenges` (the ``WWW-Authenticate`` values of a
401, which :mod:`pyramid_restkit.problems` sends) and
:meth:`~AuthPolicy.openapi_security_schemes` (what the OpenAPI document
lists).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from typing import Any

from pyramid.authorization import (
    ACLHelper,
    Authenticated,
    Everyone,
)
from pyramid.request import RequestLocalCache
from pyramid.security import Allowed, Denied

from .headers import (
    basic_credentials,
    bearer_token,
    check_realm,
    has_scheme,
    quoted,
)

#: ``check(credentials, request)``: an identity, or ``None`` to refuse.
Check = Callable[[Any, Any], Any]
#: ``permits(request, context, permission)``, as Pyramid's own.
Permits = Callable[[Any, Any, str], Any]

#: What the ACL is checked with when no ``permits`` is given.
_ACL = ACLHelper()

#: Not looked up yet (an identity may be ``None``).
_UNSET = object()


def userid_of(identity: Any) -> Any:
    """The userid of an identity: a ``str`` identity itself, the
    ``userid`` of a mapping, else its ``userid`` attribute (``None``
    when it has none)."""
    if identity is None or isinstance(identity, str):
        return identity
    if isinstance(identity, Mapping):
        return identity.get('userid')
    return getattr(identity, 'userid', None)


def principals_of(identity: Any) -> list[Any]:
    """``Everyone``, and for an identity with a userid ``Authenticated``,
    the userid and its groups (a mapping's ``groups``, else a ``groups``
    attribute; a single ``str`` is one group)."""
    principals: list[Any] = [Everyone]
    userid = userid_of(identity)
    if userid is None:
        return principals
    principals.extend((Authenticated, userid))
    if isinstance(identity, Mapping):
        groups = identity.get('groups')
    else:
        groups = getattr(identity, 'groups', None)
    if isinstance(groups, str):
        principals.append(groups)
    elif groups is not None:
        principals.extend(groups)
    return principals


def decided(result: Any) -> Any:
    """A ``permits`` result as Pyramid's ``Allowed``/``Denied``.

    Results that already are (``ACLAllowed``...) pass unchanged; any
    other value is judged by its truth.
    """
    if isinstance(result, (Allowed, Denied)):
        return result
    if result:
        return Allowed('Allowed by the permits callable.')
    return Denied('Denied by the permits callable.')


def _check_permits(permits: object) -> Permits | None:
    if permits is not None and not callable(permits):
        raise TypeError(f'permits must be callable or None: {permits!r}')
    return permits


class AuthPolicy(abc.ABC):
    """What the kit's policies share: the cached identity, principals,
    permissions and the stateless ``remember``/``forget``.

    Subclasses read their credentials (:meth:`credentials`) and say how
    they challenge (:meth:`challenges`).
    """

    #: The ``scheme`` of the OpenAPI security scheme (``http`` type).
    openapi_scheme = ''
    #: The default name of that scheme in ``components.securitySchemes``.
    default_scheme_name = ''

    def __init__(
        self,
        check: Check,
        realm: str = 'api',
        permits: Permits | None = None,
        scheme_name: str | None = None,
    ) -> None:
        if not callable(check):
            raise TypeError(f'check must be callable: {check!r}')
        self.check = check
        self.realm = check_realm(realm)
        self.permits_callable = _check_permits(permits)
        self.scheme_name = scheme_name or self.default_scheme_name
        # One lookup per request: Pyramid asks for the identity for the
        # permission, the userid, request.identity...  ``check`` may
        # query a database or verify a signature: it runs once.
        self._cache = RequestLocalCache(self._identify)

    @abc.abstractmethod
    def credentials(self, request: Any) -> Any:
        """The credentials ``check`` receives, ``None`` when the request
        has none that this scheme can read."""

    def _identify(self, request: Any) -> tuple[Any, bool]:
        """``(identity, refused)``: ``refused`` when the request carried
        this scheme's credentials and gets no identity."""
        creds = self.credentials(request)
        if creds is None:
            return None, False
        identity = self.check(creds, request)
        return identity, identity is None

    def identity(self, request: Any) -> Any:
        """What ``check`` returned for the request's credentials."""
        return self._cache.get_or_create(request)[0]

    def refused(self, request: Any) -> bool:
        """Whether the request carried this scheme's credentials and
        ``check`` did not accept them (or they were malformed)."""
        return bool(self._cache.get_or_create(request)[1])

    def authenticated_userid(self, request: Any) -> Any:
        """The userid of the identity (see :func:`userid_of`)."""
        return userid_of(self.identity(request))

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        """The ``permits`` callable's answer, else the context's ACL
        for the principals of the identity (see :func:`principals_of`)."""
        if self.permits_callable is not None:
            return decided(self.permits_callable(request, context, permission))
        return _ACL.permits(
            context, principals_of(self.identity(request)), permission
        )

    def remember(self, request: Any, userid: Any, **kw: Any) -> list[Any]:
        """No headers: the client sends its credentials each time."""
        return []

    def forget(self, request: Any, **kw: Any) -> list[Any]:
        """No headers: there is nothing to forget."""
        return []

    @abc.abstractmethod
    def challenges(self, request: Any) -> list[str]:
        """The ``WWW-Authenticate`` values a 401 carries."""

    def openapi_security_schemes(self) -> dict[str, dict[str, Any]]:
        """The OpenAPI Security Scheme Objects of this policy, by name
        (``scheme_name=``, else the class's default name)."""
        return {
            self.scheme_name: {'type': 'http', 'scheme': self.openapi_scheme}
        }


class BasicAuthPolicy(AuthPolicy):
    """HTTP Basic authentication (RFC 7617).

    ``check((username, password), request)`` returns an identity (a
    ``str`` userid, a mapping with ``userid`` and ``groups``, or an
    object with such attributes) or ``None``.  The credentials are UTF-8
    text; malformed ones never reach ``check``.  ``realm`` names the
    protection space in the challenge (printable ASCII); ``permits`` is
    ``permits(request, context, permission)`` as Pyramid calls it (the
    context's ACL when ``None``); ``scheme_name`` names the OpenAPI
    security scheme (``basicAuth``).  Example::

        def check(credentials, request):
            username, password = credentials
            user = request.dbsession.get(User, username)
            if user is not None and user.verify(password):
                return {'userid': username, 'groups': user.groups}
            return None

        config.set_security_policy(BasicAuthPolicy(check, realm='posts'))

    .. versionadded:: 0.1
    """

    openapi_scheme = 'basic'
    default_scheme_name = 'basicAuth'

    def credentials(self, request: Any) -> tuple[str, str] | None:
        """``(username, password)``, or ``None``."""
        return basic_credentials(request.environ.get('HTTP_AUTHORIZATION'))

    def challenges(self, request: Any) -> list[str]:
        """``Basic realm="...", charset="UTF-8"`` (RFC 7617 section 2.1)."""
        return [f'Basic realm={quoted(self.realm)}, charset="UTF-8"']


class BearerTokenPolicy(AuthPolicy):
    """Bearer tokens (RFC 6750: ``Authorization: Bearer <token>``).

    ``check(token, request)`` receives the token (a ``str`` of RFC
    6750's b64token characters) and returns an identity or ``None``; the
    other arguments are :class:`BasicAuthPolicy`'s (``scheme_name``
    defaults to ``bearerAuth``).  Only the header is read: not the
    ``access_token`` form field or query parameter (RFC 6750 discourages
    the query, and a form field would need the body parsed before the
    permission check).

    .. versionadded:: 0.1
    """

    openapi_scheme = 'bearer'
    default_scheme_name = 'bearerAuth'

    def credentials(self, request: Any) -> str | None:
        """The token, or ``None``."""
        return bearer_token(request.environ.get('HTTP_AUTHORIZATION'))

    def refused(self, request: Any) -> bool:
        """Whether a Bearer token was sent (well-formed or not) and got
        no identity."""
        if super().refused(request):
            return True
        header = request.environ.get('HTTP_AUTHORIZATION')
        return self.credentials(request) is None and has_scheme(
            header, 'bearer'
        )

    def challenges(self, request: Any) -> list[str]:
        """``Bearer realm="..."``, with ``error="invalid_token"`` when a
        token was sent and refused (RFC 6750 section 3.1; a request
        without one gets no error code, as section 3 asks)."""
        challenge = f'Bearer realm={quoted(self.realm)}'
        if self.refused(request):
            challenge += ', error="invalid_token"'
        return [challenge]


class MultiAuthPolicy:
    """The first of several policies that identifies the request.

    The identity is that of the first policy (in the order given) whose
    ``identity`` is not ``None``.  Permissions come from ``permits``
    when given, else from the first policy's ``permits`` callable, else
    from the context's ACL, for the identity found here, whichever
    policy found it (a policy that is not one of the kit's is asked with
    its own ``permits``).  A 401 carries every policy's challenges, and
    the OpenAPI document lists every policy's security schemes.
    Example::

        config.set_security_policy(MultiAuthPolicy(
            BearerTokenPolicy(check_token),
            BasicAuthPolicy(check_password),
        ))

    .. versionadded:: 0.1
    """

    def __init__(self, *policies: Any, permits: Permits | None = None) -> None:
        if not policies:
            raise ValueError('MultiAuthPolicy needs at least one policy')
        for policy in policies:
            if not callable(getattr(policy, 'identity', None)):
                raise TypeError(f'not a security policy: {policy!r}')
        self.policies = policies
        self.permits_callable = _check_permits(permits)
        self._cache = RequestLocalCache(self._identify)

    def _identify(self, request: Any) -> Any:
        for policy in self.policies:
            identity = policy.identity(request)
            if identity is not None:
                return identity
        return None

    def identity(self, request: Any) -> Any:
        """The first identity a policy finds, else ``None``."""
        return self._cache.get_or_create(request)

    def authenticated_userid(self, request: Any) -> Any:
        """The userid of the identity (see :func:`userid_of`)."""
        return userid_of(self.identity(request))

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        """See the class's docstring."""
        permits = self.permits_callable
        first = self.policies[0]
        if permits is None and not isinstance(first, AuthPolicy):
            return first.permits(request, context, permission)
        if permits is None:
            permits = first.permits_callable
        if permits is not None:
            return decided(permits(request, context, permission))
        return _ACL.permits(
            context, principals_of(self.identity(request)), permission
        )

    def remember(self, request: Any, userid: Any, **kw: Any) -> list[Any]:
        """No headers (the kit's policies are stateless)."""
        return []

    def forget(self, request: Any, **kw: Any) -> list[Any]:
        """No headers (the kit's policies are stateless)."""
        return []

    def challenges(self, request: Any) -> list[str]:
        """Every policy's challenges, in order (policies without
        ``challenges`` offer none)."""
        found: list[str] = []
        for policy in self.policies:
            challenges = getattr(policy, 'challenges', None)
            if challenges is not None:
                found.extend(challenges(request))
        return found

    def openapi_security_schemes(self) -> dict[str, Any]:
        """Every policy's security schemes (the first of a name wins;
        policies without ``openapi_security_schemes`` list none)."""
        schemes: dict[str, Any] = {}
        for policy in self.policies:
            method = getattr(policy, 'openapi_security_schemes', None)
            if method is not None:
                for name, scheme in method().items():
                    schemes.setdefault(name, scheme)
        return schemes
