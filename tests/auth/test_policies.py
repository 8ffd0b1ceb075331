"""The policies as Pyramid security policies (pyramid_restkit.auth).

Identity shapes, principals, ``permits`` (a callable or the ACL), the
identity cached per request, ``MultiAuthPolicy``'s rules and the checks
of the constructors.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from pyramid.authorization import (
    ACLAllowed,
    ACLDenied,
    Allow,
    Authenticated,
    Deny,
    Everyone,
)
from pyramid.interfaces import ISecurityPolicy
from pyramid.request import Request
from pyramid.security import Allowed, Denied
from zope.interface.verify import verifyObject

from pyramid_restkit.auth import (
    BasicAuthPolicy,
    BearerTokenPolicy,
    MultiAuthPolicy,
)
from pyramid_restkit.auth.policies import principals_of, userid_of
from tests.auth.helpers import basic, bearer


def request(**headers: str) -> Any:
    return Request.blank('/', headers=headers)


class Context:
    __acl__ = [
        (Allow, 'group:editors', 'edit'),
        (Deny, 'carol', 'view'),
        (Allow, Authenticated, 'view'),
        (Allow, Everyone, 'list'),
    ]


@pytest.mark.parametrize(
    ('identity', 'userid', 'principals'),
    [
        (None, None, [Everyone]),
        ('alice', 'alice', [Everyone, Authenticated, 'alice']),
        (
            {'userid': 'alice', 'groups': ['g:a', 'g:b']},
            'alice',
            [Everyone, Authenticated, 'alice', 'g:a', 'g:b'],
        ),
        ({'userid': 7}, 7, [Everyone, Authenticated, 7]),
        ({'groups': ['g:a']}, None, [Everyone]),  # no userid: anonymous
        (
            {'userid': 'a', 'groups': 'g:one'},
            'a',
            [Everyone, Authenticated, 'a', 'g:one'],
        ),
        (
            SimpleNamespace(userid='bob', groups=('g:x',)),
            'bob',
            [Everyone, Authenticated, 'bob', 'g:x'],
        ),
        (
            SimpleNamespace(userid='bob'),
            'bob',
            [Everyone, Authenticated, 'bob'],
        ),
        (object(), None, [Everyone]),
    ],
)
def test_identity_shapes(identity: Any, userid: Any, principals: Any) -> None:
    assert userid_of(identity) == userid
    assert principals_of(identity) == principals


def test_the_policies_are_pyramid_security_policies() -> None:
    for policy in (
        BasicAuthPolicy(lambda c, r: None),
        BearerTokenPolicy(lambda c, r: None),
        MultiAuthPolicy(BasicAuthPolicy(lambda c, r: None)),
    ):
        assert verifyObject(ISecurityPolicy, policy, tentative=True)
        assert policy.remember(request(), 'alice', max_age=3) == []
        assert policy.forget(request()) == []


def test_the_identity_is_checked_once_per_request() -> None:
    seen: list[Any] = []

    def check(token: str, req: Any) -> Any:
        seen.append(token)
        return {'userid': 'alice', 'groups': ['group:editors']}

    policy = BearerTokenPolicy(check)
    req = request(**bearer('abc'))
    for _ in range(3):
        assert policy.authenticated_userid(req) == 'alice'
        assert policy.identity(req)['groups'] == ['group:editors']
        assert isinstance(policy.permits(req, Context(), 'edit'), ACLAllowed)
    assert seen == ['abc']
    # another request, another check
    assert policy.identity(request(**bearer('def'))) is not None
    assert seen == ['abc', 'def']


def test_the_acl_decides_without_permits() -> None:
    users = {'alice': 'alice', 'carol': 'carol'}
    policy = BasicAuthPolicy(lambda creds, req: users.get(creds[0]))
    alice = request(**basic('alice', 'pw'))
    carol = request(**basic('carol', 'pw'))
    anonymous = request()
    assert isinstance(policy.permits(alice, Context(), 'view'), ACLAllowed)
    assert isinstance(policy.permits(carol, Context(), 'view'), ACLDenied)
    assert isinstance(policy.permits(alice, Context(), 'edit'), ACLDenied)
    assert isinstance(policy.permits(anonymous, Context(), 'view'), ACLDenied)
    assert isinstance(policy.permits(anonymous, Context(), 'list'), ACLAllowed)
    # a context without an ACL denies
    assert isinstance(policy.permits(alice, object(), 'view'), ACLDenied)


def test_a_permits_callable_decides() -> None:
    asked: list[Any] = []

    def permits(req: Any, context: Any, permission: str) -> Any:
        asked.append((context, permission))
        if permission == 'given':
            return Denied('mine')
        userid = policy.authenticated_userid(req)
        return userid == 'alice' and permission == 'read'

    policy = BasicAuthPolicy(lambda creds, req: creds[0], permits=permits)
    req = request(**basic('alice', 'pw'))
    allowed = policy.permits(req, 'ctx', 'read')
    assert isinstance(allowed, Allowed) and allowed
    denied = policy.permits(req, 'ctx', 'write')
    assert isinstance(denied, Denied) and not denied
    mine = policy.permits(req, 'ctx', 'given')
    assert isinstance(mine, Denied) and mine.msg == 'mine'
    assert asked == [('ctx', 'read'), ('ctx', 'write'), ('ctx', 'given')]


def test_multi_takes_the_first_identity() -> None:
    seen: list[str] = []

    def named(name: str, result: Any) -> Any:
        def check(creds: Any, req: Any) -> Any:
            seen.append(name)
            return result

        return check

    policy = MultiAuthPolicy(
        BearerTokenPolicy(named('bearer', None)),
        BearerTokenPolicy(named('second', {'userid': 'bob'})),
        BearerTokenPolicy(named('third', 'carol')),
    )
    req = request(**bearer('x'))
    assert policy.authenticated_userid(req) == 'bob'
    assert policy.identity(req) == {'userid': 'bob'}
    assert seen == ['bearer', 'second']
    assert policy.identity(request()) is None


def test_multi_permits_its_own_then_the_first_policys() -> None:
    def check(creds: Any, req: Any) -> Any:
        return {'userid': creds[0], 'groups': ['group:editors']}

    def yes(req: Any, context: Any, permission: str) -> bool:
        return True

    def no(req: Any, context: Any, permission: str) -> bool:
        return False

    req = request(**basic('alice', 'pw'))
    # the ACL, for the identity the second policy found
    acl = MultiAuthPolicy(BearerTokenPolicy(check), BasicAuthPolicy(check))
    assert isinstance(acl.permits(req, Context(), 'edit'), ACLAllowed)
    assert isinstance(acl.permits(req, Context(), 'delete'), ACLDenied)
    # the first policy's permits, not the authenticating one's
    first = MultiAuthPolicy(
        BearerTokenPolicy(check, permits=no),
        BasicAuthPolicy(check, permits=yes),
    )
    assert isinstance(first.permits(req, Context(), 'edit'), Denied)
    # its own permits before any
    own = MultiAuthPolicy(
        BearerTokenPolicy(check, permits=no),
        BasicAuthPolicy(check),
        permits=yes,
    )
    assert isinstance(own.permits(req, Context(), 'anything'), Allowed)


class Foreign:
    """A security policy that is not one of the kit's."""

    def identity(self, request: Any) -> Any:
        return 'service' if 'X-Service' in request.headers else None

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        return Allowed('foreign') if permission == 'ping' else Denied('no')


def test_multi_with_a_foreign_policy_first() -> None:
    policy = MultiAuthPolicy(
        Foreign(), BasicAuthPolicy(lambda c, r: c[0], realm='x')
    )
    service = request(**{'X-Service': '1'})
    assert policy.authenticated_userid(service) == 'service'
    assert policy.permits(service, None, 'ping').msg == 'foreign'
    assert not policy.permits(service, None, 'pong')
    # it has neither challenges nor schemes: the others' only
    assert policy.challenges(request()) == ['Basic realm="x", charset="UTF-8"']
    assert policy.openapi_security_schemes() == {
        'basicAuth': {'type': 'http', 'scheme': 'basic'}
    }


def test_openapi_security_schemes() -> None:
    check = lambda c, r: None  # noqa: E731
    assert BearerTokenPolicy(check).openapi_security_schemes() == {
        'bearerAuth': {'type': 'http', 'scheme': 'bearer'}
    }
    named = BasicAuthPolicy(check, scheme_name='password')
    assert named.openapi_security_schemes() == {
        'password': {'type': 'http', 'scheme': 'basic'}
    }
    # two policies of one name: the first wins
    both = MultiAuthPolicy(
        BearerTokenPolicy(check, scheme_name='token'),
        BearerTokenPolicy(check, realm='other', scheme_name='token'),
        named,
    )
    assert both.openapi_security_schemes() == {
        'token': {'type': 'http', 'scheme': 'bearer'},
        'password': {'type': 'http', 'scheme': 'basic'},
    }
    assert both.challenges(request()) == [
        'Bearer realm="api"',
        'Bearer realm="other"',
        'Basic realm="api", charset="UTF-8"',
    ]


def test_constructor_errors() -> None:
    check = lambda c, r: None  # noqa: E731
    with pytest.raises(TypeError, match='check must be callable'):
        BasicAuthPolicy('check')  # type: ignore[arg-type]
    with pytest.raises(TypeError, match='permits must be callable'):
        BearerTokenPolicy(check, permits='yes')  # type: ignore[arg-type]
    with pytest.raises(ValueError, match='no control characters'):
        BasicAuthPolicy(check, realm='api\r\nX-Injected: 1')
    with pytest.raises(ValueError, match='at least one policy'):
        MultiAuthPolicy()
    with pytest.raises(TypeError, match='not a security policy'):
        MultiAuthPolicy(check)
    with pytest.raises(TypeError, match='permits must be callable'):
        MultiAuthPolicy(BasicAuthPolicy(check), permits=3)  # type: ignore[arg-type]
