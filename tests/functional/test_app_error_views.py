"""The application's own exception views win on resource routes.

API.md, Errors: the application's views win where it registered them,
for any context, ``HTTPError`` and ``Exception`` included;
``problem_response`` lets them answer in the negotiated format; an
``HTTPError`` returned by a method is a problem too.
"""

from __future__ import annotations

import colander
import pytest
from pyramid.exceptions import PredicateMismatch
from pyramid.httpexceptions import (
    HTTPConflict,
    HTTPError,
    HTTPMethodNotAllowed,
    HTTPNotFound,
)
from pyramid.response import Response

from pyramid_restkit import operation, problem_response


class Body(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())


class Things:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        if 'boom' in self.request.params:
            raise RuntimeError('secret internals')
        return []

    @operation(schema=Body, status=201)
    def collection_post(self):
        return self.request.validated

    def get(self):
        if self.request.matchdict['id'] == 'returned':
            return HTTPConflict('Conflict, returned.')
        raise HTTPNotFound('No such thing.')


def hook(exc, request):
    """A DRF-style EXCEPTION_HANDLER: one hook sees every error."""
    return problem_response(
        request,
        exc.code if isinstance(exc, HTTPError) else 500,
        f'hooked: {type(exc).__name__}',
        hook=True,
    )


@pytest.fixture
def things(config):
    config.add_resource(Things, collection_path='/things', path='/things/{id}')
    return config


def test_an_application_httperror_view_sees_the_kits_errors(things, make_app):
    things.add_exception_view(hook, context=HTTPError)
    app = make_app()
    raised = app.get('/things/7', status=404)
    assert raised.json == {
        'type': 'about:blank',
        'title': 'Not Found',
        'status': 404,
        'detail': 'hooked: HTTPNotFound',
        'hook': True,
    }
    assert raised.content_type == 'application/problem+json'
    # the kit's own 4xx: validation, 415, 406
    bad = app.post_json('/things', {'title': 5}, status=400)
    assert bad.json['detail'] == 'hooked: ValidationFailure'
    app.post('/things', 'x', content_type='text/csv', status=415)
    refused = app.get('/things', headers={'Accept': 'image/png'}, status=406)
    assert refused.json['hook'] is True
    # returned, not raised: as if raised
    conflict = app.get('/things/returned', status=409)
    assert conflict.json['detail'] == 'hooked: HTTPConflict'
    # 405 stays the kit's
    not_allowed = app.delete('/things/7', status=405)
    assert 'hook' not in not_allowed.json
    assert not_allowed.headers['Allow'] == 'GET, HEAD, OPTIONS'


def test_problem_response_answers_in_the_negotiated_format(things, make_app):
    things.add_exception_view(hook, context=HTTPError)
    app = make_app()
    yaml = app.get('/things/7.yaml', status=404)
    assert yaml.content_type == 'application/problem+yaml'
    assert 'detail: "hooked: HTTPNotFound"' in yaml.text or (
        "detail: 'hooked: HTTPNotFound'" in yaml.text
    )
    xml = app.get(
        '/things/7', headers={'Accept': 'application/xml'}, status=404
    )
    assert xml.content_type == 'application/problem+xml'
    assert '<hook>true</hook>' in xml.text


def test_problem_response_members_may_replace_type_and_title(config):
    def view(exc, request):
        return problem_response(
            request,
            409,
            type='https://example.com/probs/busy',
            title='Busy',
        )

    config.add_resource(Things, collection_path='/things', path='/things/{id}')
    config.add_exception_view(view, context=HTTPNotFound)
    import webtest

    app = webtest.TestApp(config.make_wsgi_app())
    res = app.get('/things/1', status=409)
    assert res.json == {
        'type': 'https://example.com/probs/busy',
        'title': 'Busy',
        'status': 409,
    }


def test_the_default_title_is_the_reason_phrase(things, make_app):
    def view(exc, request):
        return problem_response(request, 422)

    things.add_exception_view(view, context=HTTPNotFound)
    res = make_app().get('/things/1', status=422)
    assert res.json == {
        'type': 'about:blank',
        'title': 'Unprocessable Entity',
        'status': 422,
    }


def test_problem_response_refuses_a_status_that_is_not_an_error(things):
    request = None
    with pytest.raises(ValueError, match='399'):
        problem_response(request, 399)


def test_an_application_exception_view_sees_other_errors(things, make_app):
    things.add_exception_view(hook, context=Exception)
    app = make_app()
    res = app.get('/things?boom=1', status=500)
    assert res.json['detail'] == 'hooked: RuntimeError'
    assert 'secret' not in res.text
    # HTTP errors stay the kit's (a more specific context)
    assert 'hook' not in app.get('/things/7', status=404).json


def test_an_application_view_whose_predicates_fail_leaves_it_to_the_kit(
    things, make_app
):
    things.add_exception_view(hook, context=HTTPError, request_param='hook')
    app = make_app()
    assert 'hook' not in app.get('/things/7', status=404).json
    assert app.get('/things/7?hook=1', status=404).json['hook'] is True


def test_an_application_predicate_mismatch_view_gets_the_405(things, make_app):
    def view(exc, request):
        assert isinstance(exc, PredicateMismatch)
        return Response('custom 405', status=405)

    things.add_exception_view(view, context=PredicateMismatch)
    res = make_app().delete('/things/7', status=405)
    assert res.text == 'custom 405'


def test_an_application_method_not_allowed_view_gets_the_allow(
    things, make_app
):
    seen = {}

    def view(exc, request):
        seen['allow'] = exc.headers['Allow']
        return problem_response(
            request, 405, 'nope', allowed=exc.headers['Allow']
        )

    things.add_exception_view(view, context=HTTPMethodNotAllowed)
    res = make_app().put('/things', status=405)
    assert seen == {'allow': 'GET, HEAD, POST, OPTIONS'}
    assert res.json['allowed'] == 'GET, HEAD, POST, OPTIONS'
    assert res.json['detail'] == 'nope'


def test_other_routes_are_untouched(things, make_app):
    def plain(request):
        raise HTTPNotFound('plain')

    things.add_route('plain', '/plain')
    things.add_view(plain, route_name='plain')
    things.add_exception_view(
        lambda exc, request: Response('app', status=exc.code),
        context=HTTPError,
    )
    assert make_app().get('/plain', status=404).text == 'app'


def test_a_returned_httperror_is_a_problem_without_application_views(
    things, make_app
):
    res = make_app().get('/things/returned', status=409)
    assert res.content_type == 'application/problem+json'
    assert res.json['detail'] == 'Conflict, returned.'


def test_an_exception_view_whose_predicates_fail_leaves_the_500_to_the_kit(
    things, make_app
):
    things.add_exception_view(hook, context=Exception, request_param='hook')
    app = make_app()
    res = app.get('/things?boom=1', status=500)
    assert 'hook' not in res.json
    assert res.json['title'] == 'Internal Server Error'
    assert app.get('/things?boom=1&hook=1', status=500).json['hook'] is True


def test_a_method_not_allowed_view_whose_predicates_fail(things, make_app):
    def view(exc, request):
        return Response('custom', status=405)

    things.add_exception_view(
        view, context=HTTPMethodNotAllowed, request_param='custom'
    )
    app = make_app()
    assert app.put('/things', status=405).json['title'] == (
        'Method Not Allowed'
    )
    assert app.put('/things?custom=1', status=405).text == 'custom'


def test_problem_response_off_the_kits_routes_uses_the_default(config):
    import webtest

    def not_found(request):
        return problem_response(request, 404, 'Nothing here.')

    config.add_notfound_view(not_found)
    app = webtest.TestApp(config.make_wsgi_app())
    res = app.get('/nowhere', status=404)
    assert res.content_type == 'application/problem+json'
    assert res.json == {
        'type': 'about:blank',
        'title': 'Not Found',
        'status': 404,
        'detail': 'Nothing here.',
    }


def test_a_status_without_a_reason_phrase_gets_its_class(things, make_app):
    def view(exc, request):
        return problem_response(request, 499)

    things.add_exception_view(view, context=HTTPNotFound)
    assert make_app().get('/things/1', status=499).json['title'] == (
        'Client Error'
    )
