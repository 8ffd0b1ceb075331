"""The built-in media types, registered by ``includeme``.

They go through ``config.add_media_type`` like anyone else's, so an
application replaces one by registering the same name, or drops it with
``config.remove_media_type``.  Registration order is the default server
preference: ``json yaml xml html text form``; ``csv`` and ``msgpack`` are
registered but enabled only when ``restkit.media_types`` lists them.
"""

from __future__ import annotations

import functools
from typing import Any

from .formats.csv import CSV_TYPE, CSVRenderer, parse_csv
from .formats.form import FORM_TYPES, parse_form
from .formats.html import HTMLRenderer
from .formats.json import JSONRenderer, parse_json
from .formats.msgpack import (
    MSGPACK_TYPE,
    MSGPACK_TYPES,
    MsgpackRenderer,
    parse_msgpack,
)
from .formats.text import TextRenderer, parse_text
from .formats.xml import XMLRenderer, parse_xml
from .formats.yaml import YAMLRenderer, parse_yaml

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
