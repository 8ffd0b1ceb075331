"""Problem details, permissions, and what stays the application's."""

from __future__ import annotations

import pytest
from pyramid.authorization import ACLHelper, Allow, Everyone
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import forbidden_view_config


class Policy:
    """A security policy: the user named in X-User, ACL from the context."""

    def identity(self, request):
        return request.headers.get('X-User')

    def authenticated_userid(self, request):
        return self.identity(request)

    def permits(self, request, context, permission):
        principals = [Everyone]
        user = self.identity(request)
        if user:
            principals.append(f'user:{user}')
        return ACLHelper().permits(context, principals, permission)


class Root:
    __acl__ = [
        (Allow, Everyone, 'view'),
        (Allow, 'user:editor', 'edit'),
    ]

    def __init__(self, request):
        self.request = request


class Docs:
    def __init__(self, request, context):
        self.request = request

    def get(self):
        return {'doc': 1}

    def put(self):
        return {'saved': True}

    def delete(self):
        return None


@pytest.fixture
def secured(config):
    config.set_security_policy(Policy())
    config.set_root_factory(Root)
    return config


def test_permission_string_applies_to_all_verbs(secured, make_app):
    secured.add_resource(Docs, path='/docs/{id}', permission='edit')
    app = make_app()
    res = app.get('/docs/1', status=403)
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 403
    assert app.get('/docs/1', headers={'X-User': 'editor'}).json == {'doc': 1}


def test_permission_mapping_per_verb(secured, make_app):
    secured.add_resource(
        Docs, path='/docs/{id}', permission={'GET': 'view', 'put': 'edit'}
    )
    app = make_app()
    assert app.get('/docs/1').json == {'doc': 1}
    assert app.head('/docs/1').status_int == 200  # HEAD uses GET's
    app.put('/docs/1', status=403)
    assert app.put('/docs/1', headers={'X-User': 'editor'}).json == {
        'saved': True
    }
    # DELETE is not in the mapping and there is no default permission.
    app.delete('/docs/1', status=204)


def test_options_needs_no_permission(secured, make_app):
    secured.add_resource(Docs, path='/docs/{id}', permission='edit')
    app = make_app()
    res = app.options('/docs/1')
    assert res.headers['Allow'] == 'GET, HEAD, PUT, DELETE, OPTIONS'


def test_default_permission_applies_when_none_given(secured, make_app):
    secured.set_default_permission('edit')
    secured.add_resource(Docs, path='/docs/{id}', permission={'GET': 'view'})
    app = make_app()
    assert app.get('/docs/1').json == {'doc': 1}
    app.delete('/docs/1', status=403)
    app.options('/docs/1', status=204)


def test_no_permission_required_is_honoured(secured, make_app):
    from pyramid.security import NO_PERMISSION_REQUIRED

    secured.set_default_permission('edit')
    secured.add_resource(
        Docs, path='/docs/{id}', permission=NO_PERMISSION_REQUIRED
    )
    app = make_app()
    assert app.get('/docs/1').json == {'doc': 1}


def test_operation_permission_overrides_resource(secured, make_app):
    from pyramid_restkit import operation

    class Mixed(Docs):
        @operation(permission='view')
        def get(self):
            return {'open': True}

    secured.add_resource(Mixed, path='/mixed/{id}', permission='edit')
    app = make_app()
    assert app.get('/mixed/1').json == {'open': True}
    app.put('/mixed/1', status=403)


def test_405_comes_before_403(secured, make_app):
    secured.add_resource(Docs, path='/docs/{id}', permission='edit')
    app = make_app()
    app.post('/docs/1', status=405)


def test_application_forbidden_view_wins(secured, make_app):
    @forbidden_view_config()
    def to_login(request):
        return HTTPFound(location='/login')

    secured.add_forbidden_view(to_login)
    secured.add_resource(Docs, path='/docs/{id}', permission='edit')
    app = make_app()
    res = app.get('/docs/1', status=302)
    assert res.headers['Location'].endswith('/login')


def test_application_routes_keep_their_own_errors(config, make_app):
    def boom(request):
        raise HTTPNotFound('plain')

    def crash(request):
        raise RuntimeError('app error')

    config.add_route('plain', '/plain')
    config.add_view(boom, route_name='plain')
    config.add_route('crash', '/crash')
    config.add_view(crash, route_name='crash')
    config.add_route('only_get', '/only-get')
    config.add_view(
        lambda request: {},
        route_name='only_get',
        request_method='GET',
        renderer='json',
    )
    config.add_resource(Docs, path='/docs/{id}')
    app = make_app()
    res = app.get('/plain', status=404)
    assert res.content_type != 'application/problem+json'
    with pytest.raises(RuntimeError):
        app.get('/crash')
    res = app.post('/only-get', status=404)
    assert res.content_type != 'application/problem+json'


def test_http_error_headers_are_kept(config, make_app):
    class Limited:
        def __init__(self, request):
            self.request = request

        def get(self):
            raise HTTPForbidden(headers={'WWW-Authenticate': 'Bearer'})

    config.add_resource(Limited, path='/limited')
    app = make_app()
    res = app.get('/limited', status=403)
    assert res.headers['WWW-Authenticate'] == 'Bearer'
    assert res.content_type == 'application/problem+json'


def test_problem_details_carry_vary(config, make_app):
    class Missing:
        def __init__(self, request):
            self.request = request

        def get(self):
            raise HTTPNotFound()

    config.add_resource(Missing, path='/missing')
    app = make_app()
    res = app.get('/missing', status=404)
    assert res.headers['Vary'] == 'Accept'


def test_forbidden_does_not_name_the_permission(secured, make_app):
    secured.add_resource(Docs, path='/docs/{id}', permission='edit-secret')
    res = make_app().put('/docs/1', status=403)
    assert 'edit-secret' not in res.text
    assert res.json['detail'] == 'PUT is not allowed here for you.'


# -- Pyramid's tools see the permission of each verb -------------------------


def test_each_verb_has_a_pyramid_view_with_its_permission(secured, make_app):
    secured.set_default_permission('view')
    secured.add_resource(
        Docs,
        path='/docs/{id}',
        permission={'PUT': 'edit', 'DELETE': 'edit'},
    )
    make_app()
    from pyramid.interfaces import IRouteRequest, IView, IViewClassifier
    from pyramid.request import Request
    from zope.interface import providedBy

    request_iface = secured.registry.getUtility(
        IRouteRequest, name='docs.item'
    )
    request = Request.blank('/docs/1')
    multiview = secured.registry.adapters.lookup(
        (IViewClassifier, request_iface, providedBy(Root(request))),
        IView,
        name='',
    )
    # what pviews prints: "required permission" and the verbs of each;
    # GET and HEAD get the default permission, OPTIONS needs none
    found = sorted(
        (
            str(getattr(view, '__permission__', None)),
            ', '.join(p.text() for p in view.__predicates__),
        )
        for _, view, _ in multiview.views
    )
    # OPTIONS is answered by the first view, which lets it through
    assert found == [
        ('edit', 'request_method = DELETE,PUT'),
        ('view', 'request_method = GET,HEAD,OPTIONS'),
    ]


def test_debug_authorization_tells_the_truth(caplog):
    import webtest
    from pyramid.config import Configurator

    config = Configurator(
        settings={'pyramid.debug_authorization': 'true'}, autocommit=False
    )
    config.include('pyramid_restkit')
    config.set_security_policy(Policy())
    config.set_root_factory(Root)
    config.add_resource(Docs, path='/docs/{id}', permission='edit')
    app = webtest.TestApp(config.make_wsgi_app())
    with caplog.at_level('DEBUG'):
        res = app.put('/docs/1', status=403)
    logged = ' '.join(r.getMessage() for r in caplog.records)
    assert 'debug_authorization of url http://localhost/docs/1' in logged
    assert 'Denied' in logged or 'ACLDenied' in logged
    # the client is told no view name and no permission name
    assert res.json['detail'] == 'PUT is not allowed here for you.'
    assert 'edit' not in res.text
    assert 'Unauthorized' not in res.text
