"""Declarative configuration: resources and media types read from YAML.

``config.load_resources('myapp:api.yaml')`` reads one YAML document,
checks all of it (keys, types, dotted names, path patterns, operation
names) and only then calls ``config.add_media_type`` and
``config.add_resource`` for its entries, exactly as Python code would.
There is no second registration path: conflicts, the introspector,
``proutes`` and ``pviews`` see what they see for Python declarations, and
each call carries ``_info`` pointing at the YAML line, so conflict reports
cite the file and line of the entry.

The file is read by :mod:`pyramid_restkit.config.marked_yaml`, so that
every error is a :class:`~pyramid_restkit.errors.ResourceConfigurationError`
whose message starts with ``file:line:column:``.  The format is described
in ``docs/yaml.md``.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pyramid.path import AssetResolver, DottedNameResolver
from yaml.error import Mark

from ..errors import ResourceConfigurationError
from ..patterns import pattern_problem
from ..schemas import as_schema
from .classes import functions_resource, with_operation_options
from .marked_yaml import MarkedList, MarkedMap, load, start_mark
from .options import METHOD_NAMES, OPTIONS
from .values import PERMISSION_VERBS

# -- checking ----------------------------------------------------------------


@dataclass
class _Source:
    """The file being read: names positions and resolves dotted names."""

    filename: str
    lines: list[str]
    resolver: DottedNameResolver

    def error(self, mark: Mark, message: str) -> ResourceConfigurationError:
        return ResourceConfigurationError(
            f'{self.filename}:{mark.line + 1}:{mark.column + 1}: {message}'
        )

    def info(self, mark: Mark) -> tuple[str, int, str, str]:
        """The ``_info`` of a directive call: Pyramid's ``ActionInfo``."""
        return (
            self.filename,
            mark.line + 1,
            'load_resources',
            self.lines[mark.line].strip(),
        )


_Checker = Callable[[_Source, Any, Mark, str], Any]

_KINDS = {
    MarkedMap: 'a mapping',
    MarkedList: 'a list',
    str: 'a string',
    bool: 'a boolean',
    int: 'an integer',
    float: 'a number',
    type(None): 'null',
}


def _expected(
    src: _Source, mark: Mark, key: str, what: str, value: Any
) -> ResourceConfigurationError:
    return src.error(
        mark, f'{key}: expected {what}, not {_KINDS[type(value)]} {value!r}'
    )


def _string(src: _Source, value: Any, mark: Mark, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise _expected(src, mark, key, 'a non-empty string', value)
    return value


def _boolean(src: _Source, value: Any, mark: Mark, key: str) -> bool:
    if not isinstance(value, bool):
        raise _expected(src, mark, key, 'true or false', value)
    return value


def _strings(src: _Source, value: Any, mark: Mark, key: str) -> list[str]:
    if not isinstance(value, MarkedList) or not all(
        isinstance(item, str) for item in value
    ):
        raise _expected(src, mark, key, 'a list of strings', value)
    return list(value)


def _string_or_list(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    """A string or a list of strings (``cors_origins: '*'``)."""
    if isinstance(value, str) and value:
        return value
    return _strings(src, value, mark, key)


def _pagination(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    """``pagination: page``, or a mapping such as ``{style: cursor,
    ordering: [-created_at, id], default_size: 10, max_size: 50, count:
    true}`` (see :func:`pyramid_restkit.pagination.from_mapping`)."""
    from ..pagination import from_mapping

    if isinstance(value, str):
        return value
    mapping = _mapping(src, value, mark, key, 'a style name or a mapping')
    try:
        return from_mapping(_plain(mapping), key)
    except ResourceConfigurationError as exc:
        raise src.error(mark, str(exc)) from None


def _versions(src: _Source, value: Any, mark: Mark, key: str) -> list[str]:
    """Versions, written as strings or integers (``versions: [1, 2]``)."""
    if not isinstance(value, MarkedList) or not all(
        type(item) in (str, int) for item in value
    ):
        raise _expected(src, mark, key, 'a list of versions', value)
    return [str(item) for item in value]


def _cache_control(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    """A header value, or a mapping of directives to true, ints or strings."""
    if isinstance(value, str) and value:
        return value
    mapping = _mapping(
        src, value, mark, key, 'a Cache-Control string or a mapping'
    )
    for name, item in mapping.items():
        if type(item) not in (bool, int, str):
            raise _expected(
                src,
                mapping.value_marks[name],
                f'{key}.{name}',
                'true, false, an integer or a string',
                item,
            )
    return dict(mapping)


def _dotted(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    name = _string(src, value, mark, key)
    try:
        return src.resolver.resolve(name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise src.error(
            mark,
            f'{key}: cannot resolve the dotted name {name!r}: '
            f'{type(exc).__name__}: {exc}',
        ) from exc


def _instance(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    found = _dotted(src, value, mark, key)
    if inspect.isclass(found):
        try:
            found = found()
        except TypeError as exc:  # its constructor needs arguments
            raise src.error(
                mark,
                f'{key}: cannot instantiate the class {value!r} with no '
                f'arguments ({exc}); expected a class whose constructor '
                f'takes none, or an instance',
            ) from exc
    if key == 'renderer' and not callable(getattr(found, 'dumps', None)):
        raise src.error(
            mark, f'renderer: {value!r} has no dumps(value, request) method'
        )
    if key == 'parser' and not callable(found):
        raise src.error(mark, f'parser: {value!r} is not callable')
    return found


def _schema(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    found = _dotted(src, value, mark, key)
    try:
        return as_schema(found, f'{key} {value!r}')
    except ResourceConfigurationError as exc:
        raise src.error(mark, str(exc)) from exc


#: What a placeholder name must be: Pyramid wants an ASCII letter or '_'
#: first (route_re), Python's re an identifier.
def _at(src: _Source, mark: Mark, text: str, index: int) -> Mark:
    """The mark of ``text[index]``, ``text`` being the value at ``mark``.

    Exact when the value is written on one line as it is (plain or quoted
    without escapes); the value's own mark otherwise.
    """
    line = src.lines[mark.line]
    for quote in ('', "'", '"'):
        if line.startswith(quote + text, mark.column):
            column = mark.column + len(quote) + index
            return Mark(src.filename, 0, mark.line, column, '', 0)
    return mark


def _pattern(src: _Source, value: Any, mark: Mark, key: str) -> str:
    pattern = _string(src, value, mark, key)
    problem = pattern_problem(pattern)
    if problem is not None:
        index, what, expected = problem
        raise src.error(
            _at(src, mark, pattern, index),
            f'{key}: {what} in the route pattern {pattern!r}; expected '
            f'{expected}',
        )
    return pattern


def _permission(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    if isinstance(value, str) and value:
        return value
    mapping = _mapping(
        src, value, mark, key, 'a permission or a mapping of verbs'
    )
    for verb, permission in mapping.items():
        _check_name(src, mapping, verb.upper(), verb, PERMISSION_VERBS, key)
        _string(src, permission, mapping.value_marks[verb], f'{key}.{verb}')
    return dict(mapping)


def _class(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    found = _dotted(src, value, mark, key)
    if not inspect.isclass(found):
        raise src.error(mark, f'{key}: {value!r} is not a class')
    return found


def _throttle(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    if isinstance(value, str) and value:
        return value
    mapping = _mapping(src, value, mark, key, 'a rate or a mapping of verbs')
    for verb, rate in mapping.items():
        _check_name(src, mapping, verb.upper(), verb, PERMISSION_VERBS, key)
        _string(src, rate, mapping.value_marks[verb], f'{key}.{verb}')
    return dict(mapping)


def _media_options(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    mapping = _mapping(src, value, mark, key)
    for name, options in mapping.items():
        _mapping(src, options, mapping.value_marks[name], f'{key}.{name}')
    return _plain(mapping)


def _status(src: _Source, value: Any, mark: Mark, key: str) -> int:
    if type(value) is not int or not 200 <= value < 400:
        raise _expected(src, mark, key, 'an integer from 200 to 399', value)
    return value


def _responses(
    src: _Source, value: Any, mark: Mark, key: str
) -> dict[int, str]:
    # NOTE: keys are strings (the loader refuses others): quote them,
    # ``'404': No such post.``
    mapping = _mapping(src, value, mark, key)
    checked = {}
    for status, description in mapping.items():
        if not re.fullmatch('[2-5][0-9][0-9]', status):
            raise src.error(
                mapping.key_marks[status],
                f'{key}: expected an HTTP status (200-599) as key, not '
                f'{status!r}',
            )
        where = mapping.value_marks[status], f'{key}.{status}'
        checked[int(status)] = _string(src, description, *where)
    return checked


def _version(src: _Source, value: Any, mark: Mark, key: str) -> int:
    if type(value) is not int or value != 1:
        raise _expected(src, mark, key, '1', value)
    return value


def _plain(value: Any) -> Any:
    """Plain dicts and lists, for values handed over to renderers."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _mapping(
    src: _Source, value: Any, mark: Mark, key: str, what: str = 'a mapping'
) -> MarkedMap:
    if not isinstance(value, MarkedMap):
        raise _expected(src, mark, key, what, value)
    return value


def _check_name(
    src: _Source,
    mapping: MarkedMap,
    name: str,
    key: str,
    allowed: Any,
    what: str,
) -> None:
    """Refuse ``name`` (written as ``key``) unless ``allowed`` has it."""
    if name not in allowed:
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f'; did you mean {close[0]!r}?' if close else ''
        raise src.error(
            mapping.key_marks[key],
            f'{what}: unknown key {key!r}{hint} (expected one of '
            f'{", ".join(sorted(allowed))})',
        )


def _fields(
    src: _Source,
    value: Any,
    mark: Mark,
    what: str,
    spec: Mapping[str, _Checker],
    required: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Check a mapping against ``spec``; return the converted values."""
    mapping = _mapping(src, value, mark, what)
    for key in mapping:
        if key in OPERATION_SPEC and key not in spec:
            raise src.error(
                mapping.key_marks[key],
                f'{what}: {key!r} is an option of one operation; expected '
                f'it under operations, as in {{get: {{{key}: ...}}}}',
            )
        _check_name(src, mapping, key, key, spec, what)
    for key in required:
        if key not in mapping:
            raise src.error(mapping.mark, f'{what}: missing key {key!r}')
    return {
        key: spec[key](src, item, mapping.value_marks[key], key)
        for key, item in mapping.items()
    }


def _operations(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    mapping = _mapping(src, value, mark, key)
    checked = []
    for attr, options in mapping.items():
        _check_name(src, mapping, attr, attr, METHOD_NAMES, key)
        where = mapping.value_marks[attr], f'{key}.{attr}'
        options = _fields(src, options, *where, OPERATION_SPEC)
        checked.append((attr, mapping.key_marks[attr], options))
    return checked


#: The YAML reader of each kind of option value (the options table,
#: :data:`~pyramid_restkit.config.options.OPTIONS`, names the kinds);
#: ``add_resource`` then checks the values read as it checks Python's.
_OPTION_READERS: dict[str, _Checker] = {
    'schema': _schema,
    'string': _string,
    'strings': _strings,
    'names': _strings,
    'permission': _permission,
    'media_options': _media_options,
    'responses': _responses,
    'boolean': _boolean,
    'status': _status,
    'cache_control': _cache_control,
    'origins': _string_or_list,
    'versions': _versions,
    'pagination': _pagination,
    'ordering': _string_or_list,
    'anonymous': _class,
    'throttle': _throttle,
}
#: Checkers of the options every operation of a resource shares.
OPTION_SPEC: dict[str, _Checker] = {
    option.name: _OPTION_READERS[option.kind]
    for option in OPTIONS
    if option.scope == 'resource'
}
OPERATION_SPEC = {
    option.name: _OPTION_READERS[option.kind] for option in OPTIONS
}
DEFAULTS_SPEC = {**OPTION_SPEC, 'factory': _dotted}
RESOURCE_SPEC: dict[str, _Checker] = {
    **DEFAULTS_SPEC,
    **dict.fromkeys(('class', 'module'), _dotted),
    **dict.fromkeys(('collection_path', 'path'), _pattern),
    'name': _string,
    'operations': _operations,
}
MEDIA_TYPE_SPEC: dict[str, _Checker] = {
    **dict.fromkeys(('name', 'media_type', 'problem_type'), _string),
    **dict.fromkeys(('renderer', 'parser'), _instance),
    **dict.fromkeys(
        ('suffixes', 'input_types', 'charsets', 'aliases'), _strings
    ),
    **dict.fromkeys(('typed', 'parse_opt_in', 'default_enabled'), _boolean),
}


def _entries(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    if not isinstance(value, MarkedList):
        raise _expected(src, mark, key, 'a list', value)
    return list(zip(value, value.marks, strict=True))


def _defaults(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    return _fields(src, value, mark, key, DEFAULTS_SPEC)


DOCUMENT_SPEC: dict[str, _Checker] = {
    'version': _version,
    'defaults': _defaults,
    'media_types': _entries,
    'resources': _entries,
}


def _resource(
    src: _Source, value: Any, mark: Mark, defaults: dict[str, Any]
) -> tuple[type, dict[str, Any]]:
    """Check one ``resources`` entry: the class and ``add_resource`` args."""
    fields = _fields(src, value, mark, 'resource', RESOURCE_SPEC)
    entry: MarkedMap = value
    if ('class' in fields) == ('module' in fields):
        raise src.error(
            entry.mark, "resource: expected either 'class' or 'module'"
        )
    if 'collection_path' not in fields and 'path' not in fields:
        raise src.error(
            entry.mark,
            "resource: expected 'collection_path', 'path' or both",
        )
    kind = 'class' if 'class' in fields else 'module'
    found = fields.pop(kind)
    if not (inspect.isclass if kind == 'class' else inspect.ismodule)(found):
        raise src.error(
            entry.value_marks[kind], f'{kind}: {entry[kind]!r} is not a {kind}'
        )
    cls = found if kind == 'class' else functions_resource(found)
    operations = {}
    for attr, attr_mark, options in fields.pop('operations', ()):
        if not callable(getattr(cls, attr, None)):
            raise src.error(
                attr_mark,
                f'operations: {cls.__qualname__} has no method {attr!r}',
            )
        operations[attr] = options
    if operations:
        cls = with_operation_options(cls, operations)
    return cls, {**defaults, **fields}


# -- the directive -----------------------------------------------------------


def _read(spec: str, package: Any) -> tuple[str, str, Any]:
    descriptor = AssetResolver(package).resolve(spec)
    filename: str = descriptor.abspath()
    try:
        with open(filename, encoding='utf-8') as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceConfigurationError(
            f'{filename}: cannot read {spec!r}: {exc}'
        ) from exc
    # NOTE: dotted names are relative to the package holding the file; a
    # plain file system path has none, so the configurator's stands in.
    return filename, text, getattr(descriptor, 'pkg_name', package)


def load_resources(config: Any, spec: str) -> None:
    """Register the media types and resources declared in a YAML file.

    ``spec`` is an asset specification (``'myapp:api.yaml'``) or a path
    (relative to the configurator's package, or absolute).  Dotted names
    in the file are relative to the package holding it
    (``.views.Posts``).  The whole document is checked before anything is
    registered; then each entry goes through ``config.add_media_type`` or
    ``config.add_resource``, whose conflicts and errors cite the YAML file
    and line.  Every error is a
    :class:`~pyramid_restkit.errors.ResourceConfigurationError` whose
    message starts with ``file:line:column:``.  This is not an action
    itself: register it with ``action_wrap=False``.  Example::

        config.load_resources('myapp:api.yaml')

    .. versionadded:: 0.1
    """
    filename, text, package = _read(spec, config.package)
    src = _Source(filename, text.splitlines(), DottedNameResolver(package))
    document = load(text, filename)
    start = start_mark(filename)
    fields = _fields(src, document, start, 'document', DOCUMENT_SPEC)
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any], Mark]] = []
    for item, mark in fields.get('media_types', ()):
        required = ('name', 'media_type')
        what = 'media type'
        options = _fields(src, item, mark, what, MEDIA_TYPE_SPEC, required)
        calls.append(('add_media_type', (), options, mark))
    defaults = fields.get('defaults', {})
    for item, mark in fields.get('resources', ()):
        cls, options = _resource(src, item, mark, defaults)
        calls.append(('add_resource', (cls,), options, mark))
    for directive, args, options, mark in calls:
        try:
            getattr(config, directive)(*args, _info=src.info(mark), **options)
        except ResourceConfigurationError as exc:
            raise src.error(mark, str(exc)) from exc
