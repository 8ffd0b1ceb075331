"""Request and configuration benchmarks of pyramid_restkit.

Three WSGI apps serve the same tiny API, a ``posts`` resource kept in an
in-memory dict:

* ``bare``: plain Pyramid, one ``add_view`` per verb, the POST body
  validated by hand with colander;
* ``kit``: ``config.include('pyramid_restkit')`` and one resource class;
* ``cornice``: a Cornice resource validated by
  ``cornice.validators.colander_body_validator``.

Each app is called directly as ``app(environ, start_response)`` so that the
numbers measure the frameworks, not a server or a test client.  The apps
are timed in alternating rounds (bare, kit, cornice, bare, ...) and the
median round gives the time per request.  See ``README.md`` beside this
file for what each case measures.

Usage::

    python benchmarks/bench.py                 # full run, about a minute
    python benchmarks/bench.py --quick         # smoke test, a few seconds
    python benchmarks/bench.py --json out.json
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import gc
import io
import itertools
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import colander
from cornice.resource import add_resource as add_cornice_resource
from cornice.resource import view as cornice_view
from cornice.service import clear_services as clear_cornice_services
from cornice.validators import colander_body_validator
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.response import Response

from pyramid_restkit import operation

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Post = dict[str, Any]

API_APPS = ('bare', 'kit', 'cornice')  # the three apps of the posts API
# The include overhead is a difference of 1-2%: it gets 4x the rounds.
INCLUDE_ROUND_FACTOR = 4

# -- the API's data: one schema and one store shared by all apps -----------


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class PostSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    body = colander.SchemaNode(colander.String())
    tags = Tags(missing=())
    views = colander.SchemaNode(colander.Integer())


POST_SCHEMA = PostSchema()

SAMPLE_POST = {
    'title': 'Hello, Pyramid',
    'body': 'A short post used by the benchmarks.',
    'tags': ['pyramid', 'rest'],
    'views': 42,
}
GET_ID = '1'  # always present
DELETE_ID = '2'  # put back before every DELETE call
MISSING_ID = 'missing'  # never present


class Store:
    """The in-memory database behind the three apps.

    The apps run one at a time, so they share it; the data layer then
    costs the same in all of them.
    """

    def __init__(self) -> None:
        self.items: dict[str, Post] = {}
        self._ids = itertools.count(1000)

    def put(self, post_id: str, data: Post) -> Post:
        post = {'id': post_id, **data}
        self.items[post_id] = post
        return post

    def create(self, data: Post) -> Post:
        return self.put(str(next(self._ids)), data)

    def find(self, post_id: str) -> Post:
        post = self.items.get(post_id)
        if post is None:
            raise HTTPNotFound()
        return post

    def remove(self, post_id: str) -> None:
        if self.items.pop(post_id, None) is None:
            raise HTTPNotFound()

    def reset(self) -> None:
        self.items.clear()
        self.put(GET_ID, SAMPLE_POST)
        self.put(DELETE_ID, SAMPLE_POST)


POSTS = Store()


def recreate_deleted_post() -> None:
    POSTS.put(DELETE_ID, SAMPLE_POST)


# -- app 1: bare Pyramid ----------------------------------------------------


def bare_collection_post(request: Request) -> Post:
    try:
        data = POST_SCHEMA.deserialize(request.json_body)
    except ValueError:  # includes json.JSONDecodeError
        request.response.status_code = 400
        return {'errors': {'body': 'Invalid JSON'}}
    except colander.Invalid as exc:
        request.response.status_code = 400
        return {'errors': exc.asdict()}
    request.response.status_code = 201
    return POSTS.create(data)


def bare_get(request: Request) -> Post:
    return POSTS.find(request.matchdict['id'])


def bare_delete(request: Request) -> Response:
    POSTS.remove(request.matchdict['id'])
    return Response(status=204)


def add_bare_posts(config: Configurator, name: str, prefix: str) -> None:
    # NOTE: views are added in the order a person would write them (GET
    # before DELETE); Pyramid tries request_method views in that order.
    collection, item = f'{name}.collection', f'{name}.item'
    config.add_route(collection, prefix)
    config.add_route(item, prefix + '/{id}')
    config.add_view(
        bare_collection_post,
        route_name=collection,
        request_method='POST',
        renderer='json',
    )
    config.add_view(
        bare_get, route_name=item, request_method='GET', renderer='json'
    )
    config.add_view(bare_delete, route_name=item, request_method='DELETE')


def build_bare() -> WSGIApp:
    config = Configurator()
    add_bare_posts(config, 'posts', '/posts')
    return config.make_wsgi_app()


# -- app 2: pyramid_restkit -------------------------------------------------


class KitPosts:
    def __init__(self, request: Request, context: object = None) -> None:
        self.request = request

    @operation(status=201)
    def collection_post(self) -> Post:
        return POSTS.create(self.request.validated)

    def get(self) -> Post:
        return POSTS.find(self.request.matchdict['id'])

    def delete(self) -> None:
        POSTS.remove(self.request.matchdict['id'])


def add_kit_posts(config: Configurator, name: str, prefix: str) -> None:
    config.add_resource(
        KitPosts,
        name=name,
        collection_path=prefix,
        path=prefix + '/{id}',
        schema=PostSchema,
    )


def build_kit(media_types: str | None = None) -> WSGIApp:
    settings = (
        {} if media_types is None else {'restkit.media_types': media_types}
    )
    config = Configurator(settings=settings)
    config.include('pyramid_restkit')
    add_kit_posts(config, 'posts', '/posts')
    return config.make_wsgi_app()


class TinyRenderer:
    """One renderer for every media type: what differs is negotiation."""

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        return b'{"title": "same"}'


def build_same_renderer() -> WSGIApp:
    """The kit app with each built-in type rendered by TinyRenderer."""
    config = Configurator()
    config.include('pyramid_restkit')
    for name, media_type in MEDIA.items():
        # The application's registration replaces the kit's built-in.
        config.add_media_type(name, media_type, renderer=TinyRenderer())
    add_kit_posts(config, 'posts', '/posts')
    return config.make_wsgi_app()


# -- app 3: Cornice ---------------------------------------------------------


class CornicePosts:
    def __init__(self, request: Request, context: object = None) -> None:
        self.request = request

    @cornice_view(schema=PostSchema, validators=(colander_body_validator,))
    def collection_post(self) -> Post:
        self.request.response.status_code = 201
        return POSTS.create(self.request.validated)

    def get(self) -> Post:
        return POSTS.find(self.request.matchdict['id'])

    def delete(self) -> None:
        POSTS.remove(self.request.matchdict['id'])
        self.request.response.status_code = 204


def add_cornice_posts(config: Configurator, name: str, prefix: str) -> None:
    # Cornice stores its services on the class it is given, so each
    # resource gets a subclass of its own (as if declared separately).
    klass = type(CornicePosts.__name__, (CornicePosts,), {})
    add_cornice_resource(
        klass, name=name, collection_path=prefix, path=prefix + '/{id}'
    )
    for service in klass._services.values():
        config.add_cornice_service(service)


def build_cornice() -> WSGIApp:
    config = Configurator()
    config.include('cornice')
    add_cornice_posts(config, 'posts', '/posts')
    return config.make_wsgi_app()


# -- include overhead: one plain route, with and without the kit -----------


class KitVerbs:
    """Every item verb doing the same work: what differs is dispatch."""

    def __init__(self, request: Request, context: object = None) -> None:
        self.request = request

    def get(self) -> dict[str, bool]:
        return {'ok': True}

    post = put = patch = delete = get


def build_verbs() -> WSGIApp:
    config = Configurator()
    config.include('pyramid_restkit')
    config.add_resource(KitVerbs, name='verbs', path='/verbs/{id}')
    return config.make_wsgi_app()


def hello(request: Request) -> dict[str, str]:
    return {'hello': 'world'}


def build_plain(include_kit: bool) -> WSGIApp:
    config = Configurator()
    if include_kit:
        config.include('pyramid_restkit')
    config.add_route('hello', '/hello')
    config.add_view(hello, route_name='hello', renderer='json')
    return config.make_wsgi_app()


# -- configuring 1000 resources --------------------------------------------


#: The configure runs: the three apps, and the kit again with a schema
#: class of its own for each resource.
CONFIGURE_RUNS = (*API_APPS, 'kit-schemas')

_schema_classes: list[type[PostSchema]] = []


def schema_classes(count: int) -> list[type[PostSchema]]:
    """``count`` distinct subclasses of PostSchema (made once, untimed)."""
    while len(_schema_classes) < count:
        number = len(_schema_classes)
        _schema_classes.append(type(f'PostSchema{number}', (PostSchema,), {}))
    return _schema_classes[:count]


def configure(app: str, count: int) -> None:
    """Build a Configurator with ``count`` posts resources and commit."""
    config = Configurator()
    if app == 'kit-schemas':
        # NOTE: the kit makes and prepares a schema class once per
        # configuration, so the resources of ``kit`` (all naming
        # PostSchema) share that work; here every resource has its own.
        config.include('pyramid_restkit')
        classes = iter(schema_classes(count))

        def add(config: Configurator, name: str, prefix: str) -> None:
            config.add_resource(
                KitPosts,
                name=name,
                collection_path=prefix,
                path=prefix + '/{id}',
                schema=next(classes),
            )

    elif app == 'kit':
        config.include('pyramid_restkit')
        add = add_kit_posts
    elif app == 'cornice':
        config.include('cornice')
        add = add_cornice_posts
    else:
        add = add_bare_posts
    for i in range(count):
        add(config, f'posts{i}', f'/r{i}/posts')
    config.commit()


# -- driving WSGI apps ------------------------------------------------------


def make_environ(
    method: str,
    path: str,
    body: bytes = b'',
    content_type: str = '',
    accept: str = 'application/json',
) -> dict[str, Any]:
    """A PEP 3333 environ as a server would pass it, minus ``wsgi.input``."""
    environ = {
        'REQUEST_METHOD': method,
        'SCRIPT_NAME': '',
        'PATH_INFO': path,
        'QUERY_STRING': '',
        'SERVER_NAME': 'localhost',
        'SERVER_PORT': '80',
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'REMOTE_ADDR': '127.0.0.1',
        'HTTP_HOST': 'localhost',
        'HTTP_ACCEPT': accept,
        'wsgi.version': (1, 0),
        'wsgi.url_scheme': 'http',
        'wsgi.errors': sys.stderr,
        'wsgi.multithread': False,
        'wsgi.multiprocess': False,
        'wsgi.run_once': False,
    }
    if body:
        environ['CONTENT_LENGTH'] = str(len(body))
    if content_type:
        environ['CONTENT_TYPE'] = content_type
    return environ


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    method: str
    path: str
    expected: dict[str, int]  # app name -> expected status
    body: bytes = b''
    content_type: str = ''
    setup: Callable[[], None] | None = None  # run before every call
    # a 200/201 must be a JSON object with this member
    member: str = 'title'
    # rounds multiplier, for differences smaller than the noise of 15
    round_factor: int = 1
    accept: str = 'application/json'

    @property
    def environ(self) -> dict[str, Any]:
        return make_environ(
            self.method, self.path, self.body, self.content_type, self.accept
        )


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def call(app: WSGIApp, case: Case) -> Reply:
    """Call ``app`` once for ``case`` and collect the whole response."""
    if case.setup is not None:
        case.setup()
    started: list[Any] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        started[:] = [status, headers]
        return lambda data: None

    environ = case.environ
    environ['wsgi.input'] = io.BytesIO(case.body)
    result = app(environ, start_response)
    try:
        body = b''.join(result)
    finally:
        close = getattr(result, 'close', None)
        if close is not None:
            close()
    return Reply(int(started[0].split()[0]), started[1], body)


def _start_response(
    status: str, headers: list[tuple[str, str]], exc_info: Any = None
) -> Callable[[bytes], None]:
    return _write


def _write(data: bytes) -> None:
    pass


def run_round(app: WSGIApp, case: Case, calls: int) -> float:
    """Seconds taken by ``calls`` requests, each consumed like a server."""
    environ, body, setup = case.environ, case.body, case.setup
    bytes_io, start_response = io.BytesIO, _start_response
    started = time.perf_counter()
    for _ in range(calls):
        if setup is not None:
            setup()
        env = environ.copy()
        env['wsgi.input'] = bytes_io(body)
        result = app(env, start_response)
        b''.join(result)
        close = getattr(result, 'close', None)
        if close is not None:
            close()
    return time.perf_counter() - started


def calibrate(app: WSGIApp, case: Case, round_seconds: float) -> int:
    """How many calls make one round last about ``round_seconds``."""
    run_round(app, case, 20)  # warm caches and lazy setup
    calls = 20
    while (elapsed := run_round(app, case, calls)) < round_seconds / 10:
        calls *= 4
    return max(1, round(calls * round_seconds / elapsed))


# -- checks -----------------------------------------------------------------


def check(apps: dict[str, WSGIApp], cases: list[Case]) -> list[str]:
    """Call every (app, case) once; return what is wrong, if anything."""
    problems = []
    for case in cases:
        for name, expected in case.expected.items():
            reply = call(apps[name], case)
            where = f'{name}: {case.method} {case.path}'
            if reply.status != expected:
                problems.append(
                    f'{where}: status {reply.status}, expected {expected}'
                    f' (body {reply.body[:200]!r})'
                )
            elif expected in (200, 201) and case.accept != 'application/json':
                if not reply.body:
                    problems.append(f'{where}: an empty {case.accept} body')
            elif expected in (200, 201):
                try:
                    payload = json.loads(reply.body)
                except ValueError:
                    payload = None
                if not isinstance(payload, dict) or case.member not in payload:
                    problems.append(f'{where}: unexpected body {reply.body!r}')
            elif expected == 204 and reply.body:
                problems.append(f'{where}: 204 with a body {reply.body!r}')
            elif expected == 405 and 'allow' not in {
                header.lower() for header, _ in reply.headers
            }:
                problems.append(f'{where}: 405 without an Allow header')
    return problems


# -- measuring --------------------------------------------------------------


@dataclass
class Timing:
    """Per-call seconds of each round, and how many calls a round made."""

    calls: int
    rounds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.rounds)

    def as_dict(self) -> dict[str, Any]:
        return {
            'calls_per_round': self.calls,
            'median_us': self.median * 1e6,
            'min_us': min(self.rounds) * 1e6,
            'max_us': max(self.rounds) * 1e6,
            'rounds_us': [t * 1e6 for t in self.rounds],
        }


def measure_case(
    apps: dict[str, WSGIApp], case: Case, rounds: int, round_seconds: float
) -> dict[str, Timing]:
    names = list(case.expected)
    calls = {n: calibrate(apps[n], case, round_seconds) for n in names}
    timings = {n: Timing(calls[n], []) for n in names}
    for _ in range(rounds * case.round_factor):
        for name in names:  # alternate: A, B, C, A, B, C, ...
            seconds = run_round(apps[name], case, calls[name])
            timings[name].rounds.append(seconds / calls[name])
    return timings


def measure_configure(count: int, repeats: int) -> dict[str, Timing]:
    timings = {name: Timing(1, []) for name in CONFIGURE_RUNS}
    schema_classes(count)
    for _ in range(repeats):
        for name, timing in timings.items():
            gc.collect()
            started = time.perf_counter()
            configure(name, count)
            timing.rounds.append(time.perf_counter() - started)
            # NOTE: Cornice keeps every Service ever made in a module-level
            # list; left there, each run would slow down the runs after it
            # (a bigger heap for gc to walk), whichever app they time.
            clear_cornice_services()
    return timings


# -- the cases and the targets ----------------------------------------------


def expect(bare: int, kit: int, cornice: int) -> dict[str, int]:
    return dict(zip(API_APPS, (bare, kit, cornice), strict=True))


POST_BODY = json.dumps(
    {
        'title': 'New post',
        'body': 'Created by the benchmark.',
        'tags': ['bench', 'colander'],
        'views': 0,
    }
).encode()

#: Verbs whose dispatch cost must not depend on their position.
VERBS = ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')

#: The cases of the main table (the others have tables of their own).
MAIN_CASES = ('get', 'delete', '405', 'post', '404')

#: The built-in renderable media types, by the Accept that selects them.
MEDIA = {
    'json': 'application/json',
    'yaml': 'application/yaml',
    'xml': 'application/xml',
    'html': 'text/html',
    'text': 'text/plain',
}

CASES = [
    Case('get', 'GET item', 'GET', f'/posts/{GET_ID}', expect(200, 200, 200)),
    Case(
        'delete',
        'DELETE item',
        'DELETE',
        f'/posts/{DELETE_ID}',
        expect(204, 204, 204),
        setup=recreate_deleted_post,
    ),
    # Bare Pyramid has no 405: a verb no view accepts is a 404
    # (PredicateMismatch).  Its row shows that cost for comparison.
    Case(
        '405',
        'PATCH item, no patch',
        'PATCH',
        f'/posts/{GET_ID}',
        expect(404, 405, 405),
    ),
    Case(
        'post',
        'validated POST',
        'POST',
        '/posts',
        expect(201, 201, 201),
        body=POST_BODY,
        content_type='application/json',
    ),
    Case(
        '404',
        'GET missing item',
        'GET',
        f'/posts/{MISSING_ID}',
        expect(404, 404, 404),
    ),
    Case(
        'include',
        'plain route',
        'GET',
        '/hello',
        {'without': 200, 'with': 200},
        member='hello',
        round_factor=INCLUDE_ROUND_FACTOR,
    ),
    *(
        Case(
            f'verb-{verb}',
            f'{verb} /verbs/1',
            verb,
            '/verbs/1',
            {'verbs': 200},
            member='ok',
        )
        for verb in VERBS
    ),
    # The same GET with six media types enabled (the default) and with
    # JSON only: what a longer negotiation costs.
    Case(
        'six-types',
        'GET item, JSON of six types',
        'GET',
        f'/posts/{GET_ID}',
        {'jsononly': 200, 'kit': 200},
        accept='application/yaml;q=0.5, application/json',
    ),
    # Every built-in type rendered by the same tiny renderer: the spread
    # is what negotiating each type costs.
    *(
        Case(
            f'media-{name}',
            f'GET item as {name}',
            'GET',
            f'/posts/{GET_ID}',
            {'sametypes': 200},
            accept=accept,
        )
        for name, accept in MEDIA.items()
    ),
]


@dataclass(frozen=True)
class Target:
    title: str
    value: float
    limit: float
    unit: str  # 'x' (ratio) or 's'
    strict: bool = False  # value < limit rather than <=

    @property
    def passed(self) -> bool:
        if self.strict:
            return self.value < self.limit
        return self.value <= self.limit

    def as_dict(self) -> dict[str, Any]:
        return {
            'title': self.title,
            'value': self.value,
            'limit': self.limit,
            'unit': self.unit,
            'comparison': '<' if self.strict else '<=',
            'passed': self.passed,
        }


def targets(
    cases: dict[str, dict[str, Timing]], configs: dict[str, Timing]
) -> list[Target]:
    def us(case: str, app: str) -> float:
        return cases[case][app].median

    bare_get = us('get', 'bare')
    verbs = [us(f'verb-{verb}', 'verbs') for verb in VERBS]
    per_type = [us(f'media-{name}', 'sametypes') for name in MEDIA]
    return [
        Target(
            'kit GET item / bare GET item',
            us('get', 'kit') / bare_get,
            0.75,
            'x',
        ),
        Target(
            'kit POST / bare POST (hand colander)',
            us('post', 'kit') / us('post', 'bare'),
            1.10,
            'x',
        ),
        Target(
            'kit 405 / bare GET item', us('405', 'kit') / bare_get, 1.5, 'x'
        ),
        Target(
            'kit 404 / bare GET item', us('404', 'kit') / bare_get, 1.5, 'x'
        ),
        Target(
            'plain route, kit included / not',
            us('include', 'with') / us('include', 'without'),
            1.02,
            'x',
            strict=True,
        ),
        Target(
            'GET, six media types / JSON only',
            us('six-types', 'kit') / us('six-types', 'jsononly'),
            1.05,
            'x',
        ),
        Target(
            'slowest media type / fastest (same renderer)',
            max(per_type) / min(per_type),
            1.10,
            'x',
        ),
        Target(
            'slowest verb / fastest verb (kit)',
            max(verbs) / min(verbs),
            1.10,
            'x',
        ),
        Target(
            'configure 1000 resources (kit)',
            configs['kit'].median,
            1.2,
            's',
        ),
    ]


# -- reporting ---------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {'python': platform.python_version()}
    for dist in ('pyramid', 'pyramid_restkit', 'cornice', 'colander', 'WebOb'):
        found[dist] = metadata.version(dist)
    return found


def render_table(
    cases: dict[str, dict[str, Timing]],
    configs: dict[str, Timing],
    resources: int,
) -> str:
    lines = [
        f'{"case":<36}{"bare us":>10}{"kit us":>10}{"cornice us":>12}'
        f'{"kit/bare":>10}{"cornice/bare":>14}',
    ]
    for case in CASES:
        if case.key not in MAIN_CASES:
            continue
        t = cases[case.key]
        bare, kit, cornice = (t[a].median * 1e6 for a in API_APPS)
        title = f'{case.title} ({"/".join(map(str, case.expected.values()))})'
        lines.append(
            f'{title:<36}{bare:>10.1f}{kit:>10.1f}{cornice:>12.1f}'
            f'{kit / bare:>9.2f}x{cornice / bare:>13.2f}x'
        )
    bare, kit, cornice = (configs[a].median for a in API_APPS)
    title = f'configure {resources} resources'
    lines.append(
        f'{title:<36}{bare:>9.3f}s{kit:>9.3f}s{cornice:>11.3f}s'
        f'{kit / bare:>9.2f}x{cornice / bare:>13.2f}x'
    )
    kit = configs['kit-schemas'].median
    title = '  the same, a schema class each'
    lines.append(
        f'{title:<36}{"-":>10}{kit:>9.3f}s{"-":>12}{kit / bare:>9.2f}x'
    )
    t = cases['include']
    without, with_kit = t['without'].median * 1e6, t['with'].median * 1e6
    lines += [
        '',
        f'{"include overhead":<36}{"without us":>12}{"with us":>10}'
        f'{"with/without":>14}',
        f'{"plain route (GET /hello)":<36}{without:>12.1f}{with_kit:>10.1f}'
        f'{with_kit / without:>13.3f}x',
        '',
        f'{"dispatch per verb (kit, same work)":<36}{"us":>10}'
        f'{"/fastest":>10}',
    ]
    verb_us = {v: cases[f'verb-{v}']['verbs'].median * 1e6 for v in VERBS}
    fastest = min(verb_us.values())
    for verb, value in verb_us.items():
        lines.append(
            f'{verb + " /verbs/1":<36}{value:>10.1f}{value / fastest:>9.3f}x'
        )
    t = cases['six-types']
    json_only, six = t['jsononly'].median * 1e6, t['kit'].median * 1e6
    lines += [
        '',
        f'{"negotiation (kit GET item)":<36}{"json only":>10}'
        f'{"six types":>10}{"six/json":>10}',
        f'{"Accept: yaml;q=0.5, json":<36}{json_only:>10.1f}{six:>10.1f}'
        f'{six / json_only:>9.3f}x',
        '',
        f'{"per media type, same renderer":<36}{"us":>10}{"/fastest":>10}',
    ]
    per_type = {
        name: cases[f'media-{name}']['sametypes'].median * 1e6
        for name in MEDIA
    }
    fastest_type = min(per_type.values())
    for name, value in per_type.items():
        lines.append(
            f'{"Accept: " + MEDIA[name]:<36}{value:>10.1f}'
            f'{value / fastest_type:>9.3f}x'
        )
    return '\n'.join(lines)


def render_targets(found: list[Target]) -> str:
    lines = [f'{"target":<40}{"measured":>10}  {"limit":<10}result']
    for target in found:
        sign = '<' if target.strict else '<='
        if target.unit == 's':
            value, limit = f'{target.value:.3f}s', f'{target.limit:.2f}s'
        else:
            value, limit = f'{target.value:.3f}x', f'{target.limit:.2f}x'
        result = 'PASS' if target.passed else 'MISS'
        lines.append(
            f'{target.title:<40}{value:>10}  {sign + " " + limit:<10}{result}'
        )
    return '\n'.join(lines)


# -- main --------------------------------------------------------------------


@dataclass(frozen=True)
class Method:
    rounds: int  # alternating rounds per case
    round_seconds: float  # aimed length of one app's round
    configure_repeats: int
    resources: int = 1000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--quick',
        action='store_true',
        help='few short rounds: a smoke test, not a measurement',
    )
    parser.add_argument(
        '--rounds', type=int, help='alternating rounds per case (15)'
    )
    parser.add_argument(
        '--json', metavar='PATH', help='also write the results to PATH'
    )
    return parser.parse_args(argv)


def results_document(
    method: Method,
    found_versions: dict[str, str],
    cases: dict[str, dict[str, Timing]],
    configs: dict[str, Timing],
    found: list[Target],
) -> dict[str, Any]:
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        'date': now.isoformat(timespec='seconds'),
        'machine': {'platform': platform.platform(), 'cpus': os.cpu_count()},
        'versions': found_versions,
        'method': dataclasses.asdict(method),
        'cases': {
            key: {app: t.as_dict() for app, t in timings.items()}
            for key, timings in cases.items()
        },
        'configure_s': {
            app: {
                'median': t.median,
                'min': min(t.rounds),
                'max': max(t.rounds),
            }
            for app, t in configs.items()
        },
        'targets': [t.as_dict() for t in found],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    method = Method(
        rounds=args.rounds or (3 if args.quick else 15),
        round_seconds=0.02 if args.quick else 0.075,
        configure_repeats=1 if args.quick else 5,
    )

    POSTS.reset()
    apps = {
        'bare': build_bare(),
        'kit': build_kit(),
        'cornice': build_cornice(),
        'without': build_plain(include_kit=False),
        'with': build_plain(include_kit=True),
        'jsononly': build_kit('json'),
        'sametypes': build_same_renderer(),
        'verbs': build_verbs(),
    }
    problems = check(apps, CASES)
    if problems:
        print('Aborting: an endpoint does not answer as expected.')
        print('\n'.join(f'  {p}' for p in problems))
        return 1

    found_versions = versions()
    print(', '.join(f'{k} {v}' for k, v in found_versions.items()))
    print(
        f'{method.rounds} alternating rounds of'
        f' ~{method.round_seconds * 1000:.0f} ms per app and case,'
        f' median per-call time ({INCLUDE_ROUND_FACTOR * method.rounds}'
        f' rounds for the include overhead); {os.cpu_count()} CPUs'
    )
    gc.collect()
    gc.freeze()  # the apps' own objects need not be scanned again
    cases = {}
    for case in CASES:
        print(f'  timing {case.title} ...', file=sys.stderr)
        POSTS.reset()
        cases[case.key] = measure_case(
            apps, case, method.rounds, method.round_seconds
        )
    gc.unfreeze()
    print(f'  configuring {method.resources} resources ...', file=sys.stderr)
    configs = measure_configure(method.resources, method.configure_repeats)

    found = targets(cases, configs)
    print()
    print(render_table(cases, configs, method.resources))
    print()
    print(render_targets(found))
    if args.quick:
        print('\n(--quick: a smoke test; the numbers are indicative only)')
    if args.json:
        document = results_document(
            method, found_versions, cases, configs, found
        )
        document['quick'] = args.quick
        with open(args.json, 'w', encoding='utf-8') as out:
            json.dump(document, out, indent=2)
            out.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
