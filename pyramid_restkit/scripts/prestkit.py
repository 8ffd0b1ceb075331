"""``prestkit``: list the operations of an application's restkit resources.

``proutes`` shows the kit's routes as Pyramid sees them: one view per route
whose ``request_method`` lists the verbs.  ``prestkit`` shows what the kit
does with each verb once the configuration is committed: the method that
answers, its schemas, success status, effective permission and media
types, and where the resource was declared.  Example::

    prestkit development.ini
    prestkit development.ini --format json --glob 'posts*'
    prestkit openapi development.ini --format yaml

Like Pyramid's scripts, :func:`main` returns the exit code: 0 on success
(an application without resources included), 2 for a usage error and 1
when the application cannot be loaded.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import configparser
import fnmatch
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pyramid.exceptions import ConfigurationError
from pyramid.paster import bootstrap, setup_logging
from pyramid.scripts.common import parse_vars

from pyramid_restkit.annotations import returns_none
from pyramid_restkit.cors import unwrap
from pyramid_restkit.interfaces import IOpenAPI, IRestkitRoutes
from pyramid_restkit.views import VERB_ORDER, Operation

from .table import COLUMNS, format_table, http_options

__all__ = [
    'COLUMNS',
    'PRestkitCommand',
    'format_table',
    'http_options',
    'main',
    'near_misses',
    'operation_rows',
]

#: The introspection category ``add_resource`` fills.
CATEGORY = 'restkit resources'

#: The status of the automatic OPTIONS answer (``views.options_view``).
AUTOMATIC_OPTIONS_STATUS = 204

#: What loading a broken application raises: a missing file (``OSError``),
#: an unknown scheme or a bad option (``ValueError``, which
#: ``plaster.PlasterError`` subclasses), a missing section
#: (``LookupError``), a missing module (``ImportError``) and a bad or
#: conflicting configuration.  Anything else is a bug in the application
#: and keeps its traceback, as with Pyramid's own scripts.
LOAD_ERRORS = (
    OSError,
    ValueError,
    LookupError,
    ImportError,
    ConfigurationError,
    configparser.Error,  # e.g. a %(var)s the command line did not give
)

Row = dict[str, Any]


def main(argv: Sequence[str] = sys.argv, quiet: bool = False) -> int:
    """Run ``prestkit`` with ``argv`` and return the exit code.

    ``argv[0]`` is the program name; ``quiet`` silences all output.
    """
    return PRestkitCommand(argv, quiet).run()


class UsageError(Exception):
    """A bad command line: exit with status 2 after the usage text."""


class _ParserExit(Exception):
    """``--help`` was printed: exit with ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of calling ``sys.exit``.

    :func:`main` returns the exit code (Pyramid's scripts' contract), so
    the command decides what to print and which code to return.
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        # NOTE: only --help gets here (error() never calls it), after
        # printing; it has no message.
        raise _ParserExit(status)


class PRestkitCommand:
    """The ``prestkit`` command: parse ``argv``, load the app, print.

    ``bootstrap`` and ``setup_logging`` are attributes so that a test or a
    wrapping script can replace them, as in ``pyramid.scripts``.
    """

    description = """\
    Print the operations of the restkit resources of a Pyramid
    application: one row per resource route and verb (HEAD and OPTIONS as
    the kit answers them), with the method, the request and response
    schemas, the success status, the effective permission, the response
    media types (the default first) and where the resource was declared.

    'config_uri' names the PasteDeploy file ('inifile#name'; 'main' if
    the name is left off).  Example: 'prestkit development.ini'

    'prestkit openapi CONFIG_URI [--format json|yaml]' prints the
    application's OpenAPI document instead ('prestkit openapi --help').
    """

    bootstrap = staticmethod(bootstrap)
    setup_logging = staticmethod(setup_logging)

    def __init__(self, argv: Sequence[str], quiet: bool = False) -> None:
        self.argv = list(argv)
        self.quiet = quiet
        prog = os.path.basename(argv[0]) if argv else 'prestkit'
        self.parser = _make_parser(prog, textwrap.dedent(self.description))

    def out(self, msg: str) -> None:
        """Print ``msg`` on standard output unless quiet."""
        if not self.quiet:
            print(msg)

    def err(self, msg: str) -> None:
        """Print ``msg`` on standard error unless quiet."""
        if not self.quiet:
            print(msg, file=sys.stderr)

    def usage_error(self, parser: argparse.ArgumentParser, msg: str) -> int:
        """Print the usage and ``msg`` on standard error; return 2."""
        self.err(parser.format_usage().rstrip())
        self.err(f'{parser.prog}: error: {msg}')
        return 2

    def load(
        self,
        parser: argparse.ArgumentParser,
        argv: Sequence[str],
        read: Callable[[Any, argparse.Namespace], Any],
    ) -> tuple[int | None, Any, Any]:
        """Parse ``argv``, load the application, ``read(registry, args)``.

        Returns ``(None, args, what read returned)``, or an exit status
        (2 for a usage error, 1 when loading fails) and two ``None``.
        """
        try:
            args = parser.parse_args(argv)
            if args.config_uri is None:
                raise UsageError('requires a config file argument')
            try:
                config_vars = parse_vars(args.config_vars)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        except UsageError as exc:
            return self.usage_error(parser, str(exc)), None, None
        except _ParserExit as exc:
            return exc.status, None, None
        config_vars.setdefault('__script__', parser.prog)
        try:
            self.setup_logging(args.config_uri, global_conf=config_vars)
            with self.bootstrap(args.config_uri, options=config_vars) as env:
                return None, args, read(env['registry'], args)
        except _LoadError as exc:
            self.err(f'{parser.prog}: error: {args.config_uri!r} {exc}')
        except LOAD_ERRORS as exc:
            self.err(
                f'{parser.prog}: error: cannot load {args.config_uri!r}: {exc}'
            )
        return 1, None, None

    def run(self) -> int:
        """Run the command and return its exit code."""
        if self.argv[1:2] == ['openapi']:
            return self.run_openapi()
        status, args, found = self.load(
            self.parser,
            self.argv[1:],
            lambda registry, args: (
                operation_rows(registry, Path.cwd(), args.version),
                near_misses(registry),
            ),
        )
        if status is not None:
            return status
        rows, near = found
        if args.glob:
            rows = [row for row in rows if _matches(row, args.glob)]
        if args.format == 'json':
            self.out(json.dumps(rows, indent=2))
        elif rows:
            self.out(format_table(rows))
        elif args.glob:
            self.out(f'No restkit operation matches {args.glob!r}.')
        elif args.version is not None:
            self.out(f'No restkit operation in API version {args.version!r}.')
        else:
            self.out('No restkit resources.')
        for name, attr, meant in near:
            self.err(
                f'warning: resource {name!r}: the method {attr!r} answers '
                f'no verb; did you mean {meant!r}?'
            )
        return 0

    openapi_description = """\
    Print the OpenAPI 3.1 document of a Pyramid application, as served at
    /openapi.json: built from its restkit resources, their schemas and
    media types.  Example: 'prestkit openapi development.ini --format yaml'
    """

    def run_openapi(self) -> int:
        """``prestkit openapi CONFIG_URI``: print the OpenAPI document."""
        parser = _Parser(
            prog=f'{self.parser.prog} openapi',
            description=textwrap.dedent(self.openapi_description),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument(
            '-f',
            '--format',
            choices=('json', 'yaml'),
            default='json',
            help='Print JSON (the default) or YAML.',
        )
        _add_config_arguments(parser, 'The document of this API version.')

        def read(registry: Any, args: argparse.Namespace) -> bytes:
            openapi = registry.queryUtility(IOpenAPI)
            if openapi is None:
                raise _LoadError('does not include pyramid_restkit')
            try:
                body: bytes = openapi.serialized(
                    registry, args.format, args.version
                )[0]
            except ValueError as exc:  # an unknown API version
                raise _LoadError(f'has {exc}') from None
            return body

        status, _, body = self.load(parser, self.argv[2:], read)
        if status is not None:
            return status
        self.out(body.decode().rstrip('\n'))
        return 0


class _LoadError(Exception):
    """The application loaded, but the command cannot work with it."""


def _add_config_arguments(
    parser: argparse.ArgumentParser, version_help: str
) -> None:
    parser.add_argument('--version', default=None, help=version_help)
    parser.add_argument(
        'config_uri',
        nargs='?',
        default=None,
        help='The URI to the configuration file.',
    )
    parser.add_argument(
        'config_vars',
        nargs='*',
        default=(),
        help=(
            'Variables required by the config file, e.g. '
            '`http_port=8080` for `%%(http_port)s`.'
        ),
    )


def _make_parser(prog: str, description: str) -> _Parser:
    parser = _Parser(
        prog=prog,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        '-f',
        '--format',
        choices=('text', 'json'),
        default='text',
        help='Print an aligned table (text, the default) or a JSON list.',
    )
    parser.add_argument(
        '-g',
        '--glob',
        default='',
        help=(
            'Only rows whose resource name, route name or path pattern '
            'match this glob pattern.'
        ),
    )
    _add_config_arguments(parser, 'Only what this API version serves.')
    return parser


def operation_rows(
    registry: Any, cwd: Path, version: str | None = None
) -> list[Row]:
    """One row per operation of every restkit resource of ``registry``.

    Resources come in declaration order, routes as declared (collection
    first), verbs in ``Allow`` order.  The options a user wrote (method,
    schemas) come from the ``restkit resources`` introspectable; what the
    kit made of them at commit (status, effective permission, media
    types) from the ``IRestkitRoutes`` utility.  A declaration inside
    ``cwd`` is shown relative to it.  ``version``: only the operations
    that API version serves.
    """
    table = registry.queryUtility(IRestkitRoutes)
    if version is not None:
        versioning = getattr(table, 'versioning', None)
        known = () if versioning is None else versioning.versions
        if version not in known:
            raise _LoadError(
                f'has no API version {version!r} (restkit.versions: '
                f'{" ".join(known) or "none"})'
            )
    entries = registry.introspector.get_category(CATEGORY, [])
    if not entries:
        return []
    rows = []
    for entry in entries:
        intr = entry['introspectable']
        info = intr.action_info
        declared = f'{_relative(info.file, cwd)}:{info.line}'
        # NOTE: the anonymous class's verbs the main class lacks are
        # rows of their own; the others show in the main's HTTP column.
        options = {
            **{a: o for a, (_, o) in intr.get('anonymous', {}).items()},
            **intr['operations'],
        }
        for route_name, route in intr['routes'].items():
            runtime = table[route_name]
            operations = runtime.operations
            for verb in VERB_ORDER:
                if verb not in operations or (
                    version is not None
                    and version not in runtime.verb_versions[verb]
                ):
                    continue
                row = _operation_row(unwrap(operations[verb]), options)
                rows.append(
                    {
                        'resource': intr['name'],
                        'route': route_name,
                        'pattern': route['pattern'],
                        'verb': verb,
                        **row,
                        'declared': declared,
                    }
                )
    return rows


def near_misses(registry: Any) -> list[tuple[str, str, str]]:
    """``(resource, method, verb method meant)`` for each method named
    like a verb method but not quite (``colection_get``)."""
    return [
        (entry['introspectable']['name'], attr, meant)
        for entry in registry.introspector.get_category(CATEGORY, [])
        for attr, meant in sorted(
            entry['introspectable'].get('near_misses', {}).items()
        )
    ]


def _operation_row(operation: Any, declared: dict[str, Any]) -> Row:
    """The columns of one runtime operation (``None``: not applicable)."""
    if not isinstance(operation, Operation):
        # The kit's automatic OPTIONS answer: no method, no body.
        return {
            'method': None,
            'schema': None,
            'response_schema': None,
            'status': AUTOMATIC_OPTIONS_STATUS,
            'no_content': True,
            'permission': None,
            'media_types': [],
            'forced_media_type': None,
            'http': {},
        }
    options = declared[operation.attr]
    if operation.forced is not None:
        media_types = [operation.forced.name]
        forced = operation.forced.name
    else:
        negotiator = operation.negotiator
        assert negotiator is not None  # set whenever nothing is forced
        media_types = [media.name for media in negotiator.offers]
        forced = None
    # NOTE: a method that returns None answers 204 (views.Operation),
    # which its return annotation tells (as in the OpenAPI document).
    none = returns_none(getattr(operation.cls, operation.attr), options.verb)
    return {
        'method': operation.attr,
        'schema': _qualname(options.schema),
        'response_schema': None
        if none == 'always'
        else _qualname(options.response_schema),
        'status': 204 if none == 'always' else operation.status,
        'no_content': none != 'never',
        'permission': operation.permission,
        'media_types': media_types,
        'forced_media_type': forced,
        'http': http_options(options, operation),
    }


def _qualname(schema: Any) -> str | None:
    return None if schema is None else type(schema).__qualname__


def _relative(file: str, cwd: Path) -> str:
    path = Path(os.path.abspath(file))
    return str(path.relative_to(cwd) if path.is_relative_to(cwd) else path)


def _matches(row: Row, pattern: str) -> bool:
    return any(
        fnmatch.fnmatchcase(row[key], pattern)
        for key in ('resource', 'route', 'pattern')
    )


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
