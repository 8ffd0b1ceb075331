"""Media type directives and the built-in media types.

``config.add_media_type`` registers (or replaces) a format and its
Pyramid renderer ``restkit.<name>``; ``config.remove_media_type`` drops
one.  The kit's own formats go through ``add_media_type`` like anyone
else's (:func:`add_builtin_media_types`), so an application replaces one
by registering the same name.  Registration order is the default server
preference: ``json yaml xml html text form``; ``csv``, ``ndjson`` and
``msgpack`` are registered but enabled only when ``restkit.media_types``
lists them (``ndjson``: opt-in, because every enabled type appears in
every 406 and in the OpenAPI document of every operation).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from pyramid.interfaces import PHASE1_CONFIG

from ..errors import ResourceConfigurationError
from ..formats.csv import CSV_TYPE, CSVRenderer, parse_csv
from ..formats.form import FORM_TYPES, parse_form
from ..formats.html import HTMLRenderer
from ..formats.json import JSONRenderer, parse_json
from ..formats.msgpack import (
    MSGPACK_TYPE,
    MSGPACK_TYPES,
    MsgpackRenderer,
    parse_msgpack,
)
from ..formats.ndjson import NDJSON_ALIASES, NDJSON_TYPE, NDJSONRenderer
from ..formats.text import TextRenderer, parse_text
from ..formats.xml import XMLRenderer, parse_xml
from ..formats.yaml import YAMLRenderer, parse_yaml
from ..interfaces import IMediaTypes
from ..media import MediaType, Parser, Renderer
from ..renderers import MediaRendererFactory, renderer_extension

_SUFFIX = re.compile(r'\.[A-Za-z0-9]+')


def add_media_type(
    config: Any,
    name: str,
    media_type: str,
    renderer: Renderer | None = None,
    parser: Parser | None = None,
    suffixes: Iterable[str] = (),
    input_types: Iterable[str] | None = None,
    typed: bool = True,
    charsets: Iterable[str] = (),
    problem_type: str | None = None,
    parse_opt_in: bool = False,
    default_enabled: bool = True,
    aliases: Iterable[str] = (),
    _builtin: bool = False,
) -> None:
    """Register (or replace) the media type ``name``.

    ``renderer`` has a ``dumps(value, request, **options) -> bytes`` method
    (and may have ``dumps_problem``); it also becomes the Pyramid renderer
    ``restkit.<name>``.  ``parser`` is ``parser(body, options)`` and raises
    only :class:`~pyramid_restkit.errors.ParseError`.  ``input_types`` are
    the request content types it parses (default: ``media_type``);
    ``suffixes`` select it in URLs (``('.csv',)``); ``typed``: the parser
    yields numbers and booleans that schemas must not coerce; ``charsets``
    the only charsets accepted on input; ``problem_type`` the media type of
    problem details in this format (``None``: JSON ones);
    ``parse_opt_in``: parse only for operations listing it in their own
    ``media_types``; ``default_enabled``: enabled when
    ``restkit.media_types`` is not set; ``aliases`` other media types
    that select it in ``Accept`` (the response keeps ``media_type``).
    A renderer with a ``streamer(request, **options)`` method streams the
    iterators that methods return (:mod:`pyramid_restkit.streaming`).
    Registering a name again in the
    application's own configuration replaces the kit's built-in.  Example::

        config.add_media_type('csv', 'text/csv', renderer=CSVRenderer(),
                              suffixes=('.csv',))

    .. versionadded:: 0.1
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ResourceConfigurationError(
            f'a media type name must be an identifier: {name!r}'
        )
    if not isinstance(media_type, str) or media_type.count('/') != 1:
        raise ResourceConfigurationError(
            f'{name}: not a media type: {media_type!r}'
        )
    if renderer is None and parser is None:
        raise ResourceConfigurationError(
            f'{name}: a media type needs a renderer, a parser, or both'
        )
    if renderer is not None and not callable(getattr(renderer, 'dumps', None)):
        raise ResourceConfigurationError(
            f'{name}: a renderer needs a dumps(value, request) method'
        )
    if parser is not None and not callable(parser):
        raise ResourceConfigurationError(f'{name}: the parser is not callable')
    suffixes = tuple(suffixes)
    aliases = tuple(aliases)
    if any(not isinstance(a, str) or a.count('/') != 1 for a in aliases):
        raise ResourceConfigurationError(
            f'{name}: an alias is a media type: {aliases!r}'
        )
    bad = [s for s in suffixes if not _SUFFIX.fullmatch(str(s))]
    if bad:
        raise ResourceConfigurationError(
            f'{name}: a suffix is a dot and letters or digits (.yaml): '
            f'{bad[0]!r}'
        )
    media = MediaType(
        name=name,
        media_type=media_type.lower(),
        renderer=renderer,
        parser=parser,
        input_types=tuple(t.lower() for t in (input_types or (media_type,))),
        suffixes=tuple(suffixes),
        typed=typed,
        charsets=frozenset(c.lower() for c in charsets),
        problem_type=problem_type,
        parse_opt_in=parse_opt_in,
        default_enabled=default_enabled,
        aliases=tuple(a.lower() for a in aliases),
        builtin=_builtin,
    )
    intr = config.introspectable(
        'restkit media types',
        name,
        f'{name} ({media_type})',
        'restkit media type',
    )
    intr['media'] = media
    registry = config.registry

    def register() -> None:
        registry.getUtility(IMediaTypes).add(media)

    # NOTE: phase 1, like add_renderer: resources look media types up when
    # their own actions run, later in the commit.
    config.action(
        ('restkit media types', name),
        register,
        introspectables=(intr,),
        order=PHASE1_CONFIG,
    )
    if renderer is not None:
        config.add_renderer(
            renderer_extension(name), MediaRendererFactory(media)
        )


def remove_media_type(config: Any, name: str) -> None:
    """Remove the media type ``name``, a built-in one included.

    The application's call wins over the kit's own registration (an
    include's action is overridden by the including configuration).  The
    renderer ``restkit.<name>`` stays available to plain views.  Example::

        config.remove_media_type('xml')

    .. versionadded:: 0.1
    """
    registry = config.registry

    def register() -> None:
        registry.getUtility(IMediaTypes).remove(name)

    config.action(('restkit media types', name), register, order=PHASE1_CONFIG)


UTF8 = ('utf-8', 'utf8')


def add_builtin_media_types(config: Any) -> None:
    """Register the kit's formats (``includeme`` calls this)."""
    # NOTE: marked built-in: restkit.media_types chooses among these,
    # while the application's own types are always enabled.
    add_media_type = functools.partial(config.add_media_type, _builtin=True)
    json = JSONRenderer()
    add_media_type(
        'json',
        'application/json',
        renderer=json,
        parser=parse_json,
        suffixes=('.json',),
        charsets=UTF8,
        problem_type='application/problem+json',
    )
    add_media_type(
        'yaml',
        'application/yaml',
        renderer=YAMLRenderer(json),
        parser=parse_yaml,
        input_types=('application/yaml', 'application/x-yaml', 'text/yaml'),
        suffixes=('.yaml', '.yml'),
        charsets=UTF8,
        problem_type='application/problem+yaml',
    )
    add_media_type(
        'xml',
        'application/xml',
        renderer=XMLRenderer(),
        parser=parse_xml,
        input_types=('application/xml', 'text/xml'),
        suffixes=('.xml',),
        typed=False,
        charsets=UTF8,
        problem_type='application/problem+xml',
    )
    add_media_type(
        'html',
        'text/html',
        renderer=HTMLRenderer(json),
        suffixes=('.html',),
        problem_type='text/html',
    )
    add_media_type(
        'text',
        'text/plain',
        renderer=TextRenderer(json),
        parser=parse_text,
        suffixes=('.txt',),
        typed=False,
        charsets=(*UTF8, 'us-ascii'),
        problem_type='text/plain',
        # NOTE: text/plain is CORS-safelisted: a cross-site form can send
        # it without a preflight, so only operations that ask parse it.
        parse_opt_in=True,
    )
    add_media_type(
        'form',
        FORM_TYPES[0],
        parser=parse_form,
        input_types=FORM_TYPES,
        typed=False,
        charsets=UTF8,
    )
    add_media_type(
        'csv',
        CSV_TYPE,
        renderer=CSVRenderer(json),
        parser=parse_csv,
        suffixes=('.csv',),
        typed=False,
        charsets=UTF8,
        default_enabled=False,
    )
    add_media_type(
        'ndjson',
        NDJSON_TYPE,
        renderer=NDJSONRenderer(json),
        aliases=NDJSON_ALIASES,
        suffixes=('.ndjson',),
        default_enabled=False,
    )
    try:
        msgpack = MsgpackRenderer(json)
    except ImportError:  # the optional extra is not installed
        return
    add_media_type(
        'msgpack',
        MSGPACK_TYPE,
        renderer=msgpack,
        parser=parse_msgpack,
        input_types=MSGPACK_TYPES,
        suffixes=('.msgpack',),
        default_enabled=False,
    )
