"""The ``prestkit`` console script, run through its ``main()``.

The fixture application (``tests/fixtures/prestkit_app.py``) has something
to show in every column; the demo is loaded from a copy of its ini file,
so that its SQLite file lands in a temporary directory.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pyramid_restkit import (
    CursorPagination,
    LimitOffsetPagination,
    Pagination,
)
from pyramid_restkit.scripts.prestkit import main

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO = ROOT / 'demo' / 'restkit_demo'
INI = str(ROOT / 'tests' / 'fixtures' / 'prestkit_app.ini')
FIXTURE = 'tests/fixtures/prestkit_app.py'
WIDGETS_AT = f'{FIXTURE}:78'
REPORTS_AT = f'{FIXTURE}:79'
ALL_MEDIA = ['json', 'yaml', 'xml', 'html', 'text']

TABLE = """\
Resource   Route                Pattern         Verb      Method               Schema         Response schema   Status   Permission   Media types               HTTP                                        Declared
--------   -----                -------         ----      ------               ------         ---------------   ------   ----------   -----------               ----                                        --------
widgets    widgets.collection   /widgets        GET       collection_get       -              WidgetOut         200      view         yaml,json                 cache_control=max-age=60                    tests/fixtures/prestkit_app.py:78
widgets    widgets.collection   /widgets        HEAD      collection_get       -              WidgetOut         200      view         yaml,json                 cache_control=max-age=60                    tests/fixtures/prestkit_app.py:78
widgets    widgets.collection   /widgets        POST      collection_post      WidgetSchema   WidgetOut         201      create       yaml,json                 -                                           tests/fixtures/prestkit_app.py:78
widgets    widgets.collection   /widgets        OPTIONS   -                    -              -                 204      -            -                         -                                           tests/fixtures/prestkit_app.py:78
widgets    widgets.item         /widgets/{id}   GET       get                  -              WidgetOut         200      view         yaml,json                 cache_control=max-age=60; validators=etag   tests/fixtures/prestkit_app.py:78
widgets    widgets.item         /widgets/{id}   HEAD      get                  -              WidgetOut         200      view         yaml,json                 cache_control=max-age=60; validators=etag   tests/fixtures/prestkit_app.py:78
widgets    widgets.item         /widgets/{id}   DELETE    delete               -              -                 204      delete       yaml,json                 validators=etag                             tests/fixtures/prestkit_app.py:78
widgets    widgets.item         /widgets/{id}   OPTIONS   -                    -              -                 204      -            -                         -                                           tests/fixtures/prestkit_app.py:78
reports    reports.collection   /reports        GET       collection_get       -              -                 200      -            forced:text               etag                                        tests/fixtures/prestkit_app.py:79
reports    reports.collection   /reports        HEAD      collection_get       -              -                 200      -            forced:text               etag                                        tests/fixtures/prestkit_app.py:79
reports    reports.collection   /reports        OPTIONS   collection_options   -              -                 200      -            json,yaml,xml,html,text   -                                           tests/fixtures/prestkit_app.py:79
"""  # noqa: E501


def row(
    resource: str,
    route: str,
    pattern: str,
    verb: str,
    method: str | None,
    schema: str | None = None,
    response_schema: str | None = None,
    status: int = 200,
    no_content: bool = False,
    permission: str | None = None,
    media_types: list[str] | None = None,
    forced: str | None = None,
    http: dict[str, Any] | None = None,
    declared: str = WIDGETS_AT,
) -> dict[str, Any]:
    """An expected JSON row, its keys in output order."""
    return {
        'resource': resource,
        'route': route,
        'pattern': pattern,
        'verb': verb,
        'method': method,
        'schema': schema,
        'response_schema': response_schema,
        'status': status,
        'no_content': no_content or status == 204,
        'permission': permission,
        'media_types': [] if media_types is None else media_types,
        'forced_media_type': forced,
        'http': {} if http is None else http,
        'declared': declared,
    }


def widgets(route: str, verb: str, method: str | None, **kw: Any) -> Any:
    pattern = '/widgets' if route == 'collection' else '/widgets/{id}'
    if method is None:
        return row('widgets', f'widgets.{route}', pattern, verb, None, **kw)
    kw.setdefault('permission', 'view')
    kw.setdefault('media_types', ['yaml', 'json'])
    kw.setdefault('response_schema', 'WidgetOut')
    if verb in ('GET', 'HEAD'):
        kw.setdefault('http', {'cache_control': 'max-age=60'})
    return row('widgets', f'widgets.{route}', pattern, verb, method, **kw)


def reports(verb: str, method: str, **kw: Any) -> Any:
    kw.setdefault('declared', REPORTS_AT)
    return row('reports', 'reports.collection', '/reports', verb, method, **kw)


ROWS = [
    widgets('collection', 'GET', 'collection_get'),
    widgets('collection', 'HEAD', 'collection_get'),
    widgets(
        'collection',
        'POST',
        'collection_post',
        schema='WidgetSchema',
        status=201,
        permission='create',
    ),
    widgets('collection', 'OPTIONS', None, status=204),
    widgets(
        'item',
        'GET',
        'get',
        http={'cache_control': 'max-age=60', 'validators': ['etag']},
    ),
    widgets(
        'item',
        'HEAD',
        'get',
        http={'cache_control': 'max-age=60', 'validators': ['etag']},
    ),
    widgets(
        'item',
        'DELETE',
        'delete',
        permission='delete',
        status=204,
        response_schema=None,
        http={'validators': ['etag']},
    ),
    widgets('item', 'OPTIONS', None, status=204),
    reports(
        'GET',
        'collection_get',
        media_types=['text'],
        forced='text',
        http={'etag': True},
    ),
    reports(
        'HEAD',
        'collection_get',
        media_types=['text'],
        forced='text',
        http={'etag': True},
    ),
    reports('OPTIONS', 'collection_options', media_types=ALL_MEDIA),
]


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Undo what ``setup_logging`` does to the logging configuration.

    The demo's ini installs handlers on the captured stderr (the root's
    and the access log's) and sets levels; the tests that follow must not
    inherit them.
    """
    saved = [
        (logger, logger.handlers[:], logger.level, logger.propagate)
        for logger in map(
            logging.getLogger,
            ('', 'restkit_demo', 'restkit_demo.access', 'pyramid_restkit'),
        )
    ]
    yield
    for logger, handlers, level, propagate in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, as a developer would."""
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    status = main(['prestkit', *args], quiet=False)
    out, err = capsys.readouterr()
    # NOTE: the demo logs where it serves when its app is made (its ini
    # sends INFO to stderr); nothing else may reach stderr.
    others = [
        line for line in err.splitlines() if '[restkit_demo:' not in line
    ]
    assert (status, others) == (0, [])
    return out


# -- the fixture application ------------------------------------------------


def test_text_table(at_root: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, INI) == TABLE


def test_json_rows(at_root: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert json.loads(run(capsys, INI, '--format', 'json')) == ROWS


def test_json_keys_are_stable(
    at_root: None, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = json.loads(run(capsys, INI, '-f', 'json'))
    assert {tuple(r) for r in rows} == {tuple(ROWS[0])}


def test_declaration_outside_the_current_directory_is_absolute(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    rows = json.loads(run(capsys, INI, '--format=json'))
    assert rows[0]['declared'] == f'{ROOT / FIXTURE}:78'
    assert rows[-1]['declared'] == f'{ROOT / FIXTURE}:79'


@pytest.mark.parametrize(
    ('glob', 'routes'),
    [
        ('reports', {'reports.collection'}),
        ('widgets.i*', {'widgets.item'}),
        ('/widgets/*', {'widgets.item'}),
        ('w*', {'widgets.collection', 'widgets.item'}),
    ],
)
def test_glob_matches_resource_route_or_pattern(
    glob: str,
    routes: set[str],
    at_root: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = json.loads(run(capsys, INI, '-f', 'json', '--glob', glob))
    assert {r['route'] for r in rows} == routes
    assert rows == [r for r in ROWS if r['route'] in routes]


def test_glob_matching_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, INI, '-g', 'nothing*')
    assert out == "No restkit operation matches 'nothing*'.\n"
    assert json.loads(run(capsys, INI, '-g', 'nothing*', '-f', 'json')) == []


def test_application_without_resources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, f'{INI}#empty') == 'No restkit resources.\n'
    assert json.loads(run(capsys, f'{INI}#empty', '-f', 'json')) == []


def test_config_vars_are_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, f'{INI}#empty', 'a=b') == 'No restkit resources.\n'


def test_quiet_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['prestkit', INI], quiet=True) == 0
    assert main(['prestkit'], quiet=True) == 2
    assert capsys.readouterr() == ('', '')


# -- the demo ---------------------------------------------------------------


def _line(path: Path, text: str) -> int:
    lines = path.read_text(encoding='utf-8').splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


@pytest.fixture
def demo_ini(tmp_path: Path, at_root: None) -> str:
    """A copy of the demo's ini: ``%(here)s`` puts its database in tmp."""
    ini = tmp_path / 'development.ini'
    shutil.copy(ROOT / 'demo' / 'development.ini', ini)
    return str(ini)


def test_demo_rows(
    demo_ini: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posts_at = 'demo/restkit_demo/resources/posts.py:{}'.format(
        _line(DEMO / 'resources' / 'posts.py', '@resource(')
    )
    comments_at = 'demo/restkit_demo/__init__.py:{}'.format(
        _line(DEMO / '__init__.py', 'config.add_resource(')
    )
    tokens_at = 'demo/restkit_demo/__init__.py:{}'.format(
        _line(DEMO / '__init__.py', '            Tokens,') - 1
    )
    rows = json.loads(run(capsys, demo_ini, '--format', 'json'))
    assert (tmp_path / 'var' / 'demo.sqlite').exists()
    assert [(r['route'], r['verb'], r['method']) for r in rows] == [
        # tags: declared in demo/api.yaml, loaded first by the include
        ('tags.collection', 'GET', 'collection_get'),
        ('tags.collection', 'HEAD', 'collection_get'),
        ('tags.collection', 'OPTIONS', None),
        ('tags.item', 'GET', 'get'),
        ('tags.item', 'HEAD', 'get'),
        ('tags.item', 'OPTIONS', None),
        ('posts.collection', 'GET', 'collection_get'),
        ('posts.collection', 'HEAD', 'collection_get'),
        ('posts.collection', 'POST', 'collection_post'),
        ('posts.collection', 'OPTIONS', None),
        ('posts.item', 'GET', 'get'),
        ('posts.item', 'HEAD', 'get'),
        ('posts.item', 'PUT', 'put'),
        ('posts.item', 'PATCH', 'patch'),
        ('posts.item', 'DELETE', 'delete'),
        ('posts.item', 'OPTIONS', None),
        ('comments.collection', 'GET', 'collection_get'),
        ('comments.collection', 'HEAD', 'collection_get'),
        ('comments.collection', 'POST', 'collection_post'),
        ('comments.collection', 'OPTIONS', None),
        ('comments.item', 'GET', 'get'),
        ('comments.item', 'HEAD', 'get'),
        ('comments.item', 'DELETE', 'delete'),
        ('comments.item', 'OPTIONS', None),
        ('tokens.collection', 'POST', 'collection_post'),
        ('tokens.collection', 'OPTIONS', None),
        ('tokens.item', 'DELETE', 'delete'),
        ('tokens.item', 'OPTIONS', None),
        ('me.item', 'GET', 'get'),
        ('me.item', 'HEAD', 'get'),
        ('me.item', 'OPTIONS', None),
    ]
    by_key = {(r['route'], r['verb']): r for r in rows}
    assert by_key['posts.collection', 'GET'] == row(
        'posts',
        'posts.collection',
        '/posts',
        'GET',
        'collection_get',
        response_schema='PostOut',
        media_types=ALL_MEDIA,
        http={'pagination': 'offset', 'count': True},
        declared=posts_at,
    )
    assert by_key['posts.collection', 'POST'] == row(
        'posts',
        'posts.collection',
        '/posts',
        'POST',
        'collection_post',
        schema='PostSchema',
        response_schema='PostOut',
        status=201,
        permission='create',
        media_types=ALL_MEDIA,
        http={'throttle': '10/minute'},
        declared=posts_at,
    )
    assert by_key['posts.item', 'PATCH'] == row(
        'posts',
        'posts.item',
        '/posts/{id:[0-9]+}',
        'PATCH',
        'patch',
        schema='PostWriteRequest',
        response_schema='PostOut',
        permission='edit',
        media_types=ALL_MEDIA,
        http={'validators': ['etag']},
        declared=posts_at,
    )
    # reading is public, writing is the author's
    for verb in ('GET', 'HEAD', 'PUT', 'DELETE'):
        assert by_key['posts.item', verb]['permission'] == (
            'edit' if verb in ('PUT', 'DELETE') else None
        )
    assert by_key['comments.item', 'DELETE']['permission'] == 'edit'
    assert by_key['comments.collection', 'POST']['permission'] is None
    assert by_key['tokens.collection', 'POST'] == row(
        'tokens',
        'tokens.collection',
        '/tokens',
        'POST',
        'collection_post',
        response_schema='TokenOut',
        permission='new-token',
        media_types=ALL_MEDIA,
        declared=tokens_at,
    )
    assert by_key['tokens.item', 'DELETE']['permission'] == 'revoke-token'
    assert by_key['me.item', 'GET']['permission'] == 'me'
    # the posts' version is their validator: GET and HEAD use it too
    for verb in ('GET', 'HEAD', 'PUT', 'DELETE'):
        assert by_key['posts.item', verb]['http'] == {'validators': ['etag']}
    assert by_key['comments.item', 'GET']['http'] == {}
    assert by_key['comments.collection', 'POST'] == row(
        'comments',
        'comments.collection',
        '/posts/{post_id:[0-9]+}/comments',
        'POST',
        'collection_post',
        schema='CommentWriteRequest',
        response_schema='CommentOut',
        status=201,
        media_types=ALL_MEDIA,
        declared=comments_at,
    )
    assert by_key['comments.item', 'OPTIONS'] == row(
        'comments',
        'comments.item',
        '/posts/{post_id:[0-9]+}/comments/{id:[0-9]+}',
        'OPTIONS',
        None,
        status=204,
        declared=comments_at,
    )


def test_demo_table(demo_ini: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = run(capsys, demo_ini).splitlines()
    assert lines[0].startswith('Resource   Route                 Pattern')
    assert lines[0].split()[-3:] == ['types', 'HTTP', 'Declared']
    assert set(lines[1]) == {'-', ' '}
    assert len(lines) == 2 + 31
    assert lines[2].split()[0] == 'tags'
    assert lines[2].split()[-1] == 'demo/restkit_demo/api.yaml:7'
    put = next(line for line in lines if ' PUT ' in line)
    assert put.split()[-2] == 'validators=etag'
    assert put.split()[8] == 'edit'
    # Aligned: every row starts its columns where the header does.
    starts = [lines[0].index(h) for h in ('Route', 'Pattern', 'Declared')]
    for line in lines[2:]:
        assert all(line[s - 1] == ' ' != line[s] for s in starts)
    posts = next(line for line in lines if line.startswith('posts '))
    assert posts.split() == [
        'posts',
        'posts.collection',
        '/posts',
        'GET',
        'collection_get',
        '-',
        'PostOut',
        '200',
        '-',
        'json,yaml,xml,html,text',
        'pagination=offset;',
        'count',
        posts.split()[-1],
    ]
    post = next(line for line in lines if ' POST ' in line)
    assert post.split()[-2:-1] == ['throttle=10/minute']
    assert lines[-1].split()[:10] == [
        'me',
        'me.item',
        '/me',
        'OPTIONS',
        '-',
        '-',
        '-',
        '204',
        '-',
        '-',
    ]
    assert lines[-1].split()[-1].startswith('demo/restkit_demo/__init__.py:')


# -- errors -----------------------------------------------------------------


def fail(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(['prestkit', *args], quiet=False)
    out, err = capsys.readouterr()
    assert out == ''
    return status, err


def test_no_argument_prints_the_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, err = fail(capsys)
    assert status == 2
    assert err.startswith('usage: prestkit [-h]')
    assert err.endswith('prestkit: error: requires a config file argument\n')


def test_format_must_be_text_or_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, err = fail(capsys, INI, '--format', 'xml')
    assert status == 2
    assert err.startswith('usage: prestkit')
    assert "invalid choice: 'xml'" in err


def test_bad_config_variable(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = fail(capsys, INI, 'novalue')
    assert status == 2
    assert err.endswith(
        'prestkit: error: Variable assignment \'novalue\' invalid (no "=")\n'
    )


def test_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / 'missing.ini')
    status, err = fail(capsys, missing)
    assert status == 1
    assert err.startswith(f'prestkit: error: cannot load {missing!r}: ')
    assert 'No such file' in err
    assert 'Traceback' not in err


def test_unknown_uri_scheme(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = fail(capsys, 'nope://app')
    assert status == 1
    assert err.startswith("prestkit: error: cannot load 'nope://app': ")
    assert 'Could not find a matching loader' in err


def test_missing_section(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = fail(capsys, f'{INI}#absent')
    assert status == 1
    assert "No section 'absent'" in err


def test_application_that_fails_to_load(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, err = fail(capsys, f'{INI}#conflicting')
    assert status == 1
    assert err.startswith(
        f"prestkit: error: cannot load '{INI}#conflicting': "
        'Conflicting configuration actions'
    )


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['prestkit', '--help']) == 0
    out = capsys.readouterr().out
    assert out.startswith('usage: prestkit [-h] [-f {text,json}] [-g GLOB]')
    assert 'Print the operations of the restkit resources' in out
    # the subcommand is named in the main help
    assert 'prestkit openapi CONFIG_URI' in ' '.join(out.split())


def test_program_name_defaults_to_prestkit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 2
    assert capsys.readouterr().err.startswith('usage: prestkit ')


def test_entry_point_target_imports() -> None:
    """``[project.scripts]`` names ``...scripts.prestkit:main``."""
    from pyramid_restkit.scripts import prestkit

    assert prestkit.main is main
    assert callable(main)


# -- prestkit openapi ------------------------------------------------------

OPENAPI_INI = str(ROOT / 'tests' / 'fixtures' / 'openapi_app.ini')


def served_document(uri: str = OPENAPI_INI, **options: str) -> Any:
    """The document the fixture application serves at /openapi.json."""
    import webtest
    from pyramid.paster import get_app

    from pyramid_restkit import get_openapi

    app = get_app(uri, options=options)
    served = webtest.TestApp(app).get('/openapi.json').json
    assert served == get_openapi(app.registry)
    return served


def test_openapi_json(capsys: pytest.CaptureFixture[str]) -> None:
    from openapi_spec_validator import validate

    out = run(capsys, 'openapi', OPENAPI_INI)
    assert out.endswith('}\n')
    document = json.loads(out)
    validate(document)
    assert document == served_document()
    assert document['info'] == {'title': 'Widget shop', 'version': '3.0.0'}
    assert document['servers'] == [{'url': 'http://127.0.0.1:6543'}]
    assert document['components']['securitySchemes'] == {
        'bearer': {'type': 'http', 'scheme': 'bearer'}
    }
    # the converters named by dotted names
    widget = document['components']['schemas']['WidgetSchema']
    assert widget['properties']['size'] == {
        'type': 'integer',
        'multipleOf': 2,
    }
    # the same text as /openapi.json
    assert run(capsys, 'openapi', '--format', 'json', OPENAPI_INI) == out


def test_openapi_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    out = run(capsys, 'openapi', OPENAPI_INI, '-f', 'yaml')
    assert out.startswith('openapi: 3.1.0\n')
    assert yaml.safe_load(out) == served_document()


def test_openapi_config_vars(capsys: pytest.CaptureFixture[str]) -> None:
    uri = f'{OPENAPI_INI}#vars'
    out = run(capsys, 'openapi', uri, 'http_port=8080')
    document = json.loads(out)
    assert document['servers'] == [{'url': 'http://127.0.0.1:8080'}]
    assert document == served_document(uri, http_port='8080')


def test_openapi_of_an_application_without_resources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = json.loads(run(capsys, 'openapi', f'{INI}#main'))
    assert set(document['paths']) == {'/widgets', '/widgets/{id}', '/reports'}


def test_openapi_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['prestkit', 'openapi', OPENAPI_INI], quiet=True) == 0
    assert main(['prestkit', 'openapi'], quiet=True) == 2
    assert capsys.readouterr() == ('', '')


def test_openapi_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    usage = 'usage: prestkit openapi [-h] [-f {json,yaml}]'
    for args, message in [
        ((), 'prestkit openapi: error: requires a config file argument\n'),
        (
            (OPENAPI_INI, '--format', 'text'),
            "argument -f/--format: invalid choice: 'text'",
        ),
        (
            (OPENAPI_INI, 'novalue'),
            "prestkit openapi: error: Variable assignment 'novalue' "
            'invalid (no "=")\n',
        ),
        (('--glob', 'x', OPENAPI_INI), 'unrecognized arguments: --glob'),
    ]:
        status, err = fail(capsys, 'openapi', *args)
        assert status == 2, args
        assert err.startswith(usage), args
        assert message in err, args


def test_openapi_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['prestkit', 'openapi', '--help']) == 0
    out = capsys.readouterr().out
    assert out.startswith('usage: prestkit openapi [-h] [-f {json,yaml}]')
    assert 'Print the OpenAPI 3.1 document of a Pyramid application' in out


def test_openapi_load_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / 'missing.ini')
    for uri, message in [
        (missing, 'No such file'),
        ('nope://app', 'Could not find a matching loader'),
        (f'{OPENAPI_INI}#absent', "No section 'absent'"),
        (f'{OPENAPI_INI}#conflicting', 'Conflicting configuration actions'),
        # The section needs %(http_port)s, which the command line lacks.
        (f'{OPENAPI_INI}#vars', 'http_port'),
    ]:
        status, err = fail(capsys, 'openapi', uri)
        assert status == 1, uri
        assert err.startswith(
            f'prestkit openapi: error: cannot load {uri!r}: '
        ), err
        assert message in err, uri
        assert 'Traceback' not in err


def test_openapi_of_an_application_without_the_kit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    uri = f'{OPENAPI_INI}#empty'
    status, err = fail(capsys, 'openapi', uri)
    assert status == 1
    assert err == (
        f'prestkit openapi: error: {uri!r} does not include pyramid_restkit\n'
    )


def test_openapi_program_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(['/usr/bin/restkit-tool', 'openapi']) == 2
    err = capsys.readouterr().err
    assert err.startswith('usage: restkit-tool openapi ')
    assert 'restkit-tool openapi: error: requires a config file' in err


def test_near_misses_are_printed_after_the_table(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / 'misspelt_app.py').write_text(
        'import warnings\n'
        'from pyramid.config import Configurator\n'
        'class Things:\n'
        '    def __init__(self, request): self.request = request\n'
        '    def collection_get(self): return []\n'
        '    def colection_post(self): return {}\n'
        'def main(global_config, **settings):\n'
        '    config = Configurator(settings=settings)\n'
        "    config.include('pyramid_restkit')\n"
        '    with warnings.catch_warnings():\n'
        "        warnings.simplefilter('ignore')\n"
        "        config.add_resource(Things, collection_path='/things')\n"
        '    return config.make_wsgi_app()\n',
        encoding='utf-8',
    )
    ini = tmp_path / 'app.ini'
    ini.write_text('[app:main]\nuse = call:misspelt_app:main\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(['prestkit', str(ini)], quiet=False) == 0
    out, err = capsys.readouterr()
    assert 'things.collection' in out
    assert err == (
        "warning: resource 'things': the method 'colection_post' answers "
        "no verb; did you mean 'collection_post'?\n"
    )


def test_a_method_that_may_return_none_shows_both_statuses() -> None:
    from pyramid_restkit.scripts.prestkit import format_table

    maybe = row('r', 'r.item', '/r/{id}', 'DELETE', 'delete', no_content=True)
    table = format_table([maybe]).splitlines()
    assert table[2].split()[7] == '200|204'


# -- API versions ------------------------------------------------------------

VERSIONED = f'{INI}#versioned'


def test_versions_per_operation_show(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = json.loads(run(capsys, VERSIONED, '-f', 'json'))
    shown = {r['verb']: r['http'] for r in rows}
    assert shown == {
        'GET': {'versions': ['1', '2']},
        'HEAD': {'versions': ['1', '2']},
        'DELETE': {'versions': ['2']},
        'OPTIONS': {},
    }
    table = run(capsys, VERSIONED)
    assert 'DELETE    delete   ' in table
    assert 'versions=2 ' in table
    assert 'versions=1,2 ' in table


@pytest.mark.parametrize(
    ('version', 'verbs'),
    [
        ('1', ['GET', 'HEAD', 'OPTIONS']),
        ('2', ['GET', 'HEAD', 'DELETE', 'OPTIONS']),
        ('3', []),
    ],
)
def test_version_filter(
    version: str, verbs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = json.loads(
        run(capsys, VERSIONED, '-f', 'json', '--version', version)
    )
    assert [r['verb'] for r in rows] == verbs


@pytest.mark.parametrize(
    ('uri', 'message'),
    [
        (VERSIONED, "has no API version '4' (restkit.versions: 1 2 3)"),
        (INI, "has no API version '4' (restkit.versions: none)"),
        (f'{INI}#empty', "has no API version '4' (restkit.versions: none)"),
    ],
)
def test_version_filter_of_an_unknown_version(
    uri: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(['prestkit', uri, '--version', '4']) == 1
    assert message in capsys.readouterr().err


def test_openapi_of_a_version(capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(run(capsys, 'openapi', VERSIONED, '--version', '2'))
    assert document['info']['x-api-version'] == '2'
    assert set(document['paths']['/gizmos/{id}']) == {'get', 'delete'}
    default = json.loads(run(capsys, 'openapi', VERSIONED))
    assert default['info']['x-api-version'] == '1'
    assert set(default['paths']['/gizmos/{id}']) == {'get'}
    assert main(['prestkit', 'openapi', VERSIONED, '--version', '9']) == 1
    err = capsys.readouterr().err
    assert "has no API version '9'; versions: 1, 2, 3" in err


def test_a_version_without_operations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = run(capsys, VERSIONED, '--version', '3')
    assert out == "No restkit operation in API version '3'.\n"


# -- collections ------------------------------------------------------------


class _Listed:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return []

    def get(self) -> Any:
        return {}


class _Styled(Pagination):
    """A custom style, named by its class (it has no style name)."""

    parameters = ('token',)

    def parse(self, request: Any, settings: Any) -> Any:
        raise NotImplementedError

    def window(self, source: Any, params: Any, total: Any) -> Any:
        raise NotImplementedError

    def links(self, *args: Any) -> Any:
        raise NotImplementedError


@pytest.mark.parametrize(
    ('keywords', 'json_http', 'text'),
    [
        (
            {
                'pagination': CursorPagination(ordering=('-created_at', 'id')),
                'ordering': ('created_at', 'title'),
            },
            {
                'pagination': 'cursor(ordering=-created_at,id)',
                'ordering': ['created_at', 'title'],
            },
            'pagination=cursor(ordering=-created_at,id); '
            'ordering=created_at,title',
        ),
        (
            {'pagination': 'page', 'count': True},
            {'pagination': 'page', 'count': True},
            'pagination=page; count',
        ),
        (
            {
                'pagination': LimitOffsetPagination(
                    default_size=5, max_size=50, count=True
                )
            },
            {'pagination': 'offset(default_size=5,max_size=50,count)'},
            'pagination=offset(default_size=5,max_size=50,count)',
        ),
        (
            {'pagination': _Styled()},
            {'pagination': '_Styled'},
            'pagination=_Styled',
        ),
    ],
)
def test_collection_options_show_as_text_and_json(
    keywords: dict[str, Any], json_http: dict[str, Any], text: str
) -> None:
    from pyramid.config import Configurator

    from pyramid_restkit.scripts.prestkit import format_table, operation_rows

    config = Configurator(
        settings={'restkit.secret': 'a secret of sixteen or more characters'}
    )
    config.include('pyramid_restkit')
    config.add_resource(
        _Listed, collection_path='/things', path='/things/{id}', **keywords
    )
    registry = config.make_wsgi_app().registry
    rows = operation_rows(registry, Path.cwd())
    shown = {(r['route'], r['verb']): r['http'] for r in rows}
    assert shown[('_listed.collection', 'GET')] == json_http
    assert shown[('_listed.collection', 'HEAD')] == json_http
    # the collection options reach collection_get only
    assert shown[('_listed.item', 'GET')] == {}
    assert json.loads(json.dumps(rows)) == rows
    table = format_table(rows).splitlines()
    assert table[2].split('   ')[-2].strip() == text


def test_other_option_values_are_json_data() -> None:
    from decimal import Decimal

    from pyramid_restkit.scripts.table import http_value

    assert http_value(('a', ('b', 'c'))) == ['a', ['b', 'c']]
    assert http_value(Decimal('1.5')) == '1.5'
    assert http_value(None) is None
    assert http_value(0.5) == 0.5
