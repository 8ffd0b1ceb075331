"""The Pyramid and WebOb internals the kit relies on, pinned.

Each test states one assumption that a small function of the kit makes
about Pyramid 2.1 / WebOb 1.8 (named in that function's comment) and
fails if a new release changes it.  Upgrading Pyramid: if one fails, the
function named in the test needs a look, not the test.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request

from pyramid_restkit import _includer
from pyramid_restkit.config.resources import sized_action
from pyramid_restkit.openapi.config import move_routes_last
from pyramid_restkit.views import created_response


def test_a_reified_response_lives_in_the_request_dict_once_read():
    # views.created_response
    request = Request.blank('/')
    request.registry = Configurator().registry
    assert created_response(request) is None
    assert 'response' not in request.__dict__
    response = request.response
    assert created_response(request) is response
    assert request.__dict__['response'] is response


def test_actions_are_dicts_of_eight_keys_plus_the_extra_ones():
    # config.resources.sized_action
    config = Configurator(autocommit=False)
    config.action(('plain',), None)
    sized_action(config, ('sized',))
    plain, sized = config.action_state.actions[-2:]
    assert isinstance(plain, dict)
    assert len(plain) == 8
    assert len(sized) == 9
    assert sized['restkit'] is True
    assert sized['discriminator'] == ('sized',)
    assert plain != sized


def test_include_appends_the_included_function_to_the_include_path():
    # pyramid_restkit._includer
    seen = {}

    def includeme(config):
        seen['path'] = config.includepath
        seen['includer'] = _includer(config).includepath

    config = Configurator(autocommit=False)
    config.include(includeme)
    assert seen['path'][-1].endswith(':includeme')
    # not the kit's own includeme: the include path is left as it is
    assert seen['includer'] == seen['path']
    config = Configurator(autocommit=False)
    config.include('pyramid_restkit')
    kit_path = _includer(config.with_package('pyramid_restkit'))
    assert kit_path.includepath == ()


def test_the_routes_mapper_matches_its_route_list_in_order():
    # openapi.config.move_routes_last
    config = Configurator()
    config.add_route('a', '/x')
    config.add_route('b', '/x')
    config.add_route('c', '/y')
    config.commit()
    mapper = config.registry.getUtility(IRoutesMapper)
    assert mapper.get_routes() is mapper.routelist
    move_routes_last(mapper, ['a'])
    assert [route.name for route in mapper.get_routes()] == ['b', 'c', 'a']
    info = mapper(Request.blank('/x'))
    assert info['route'].name == 'b'
