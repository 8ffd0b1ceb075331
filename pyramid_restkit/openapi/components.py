"""The components of one document, and the conversions that fill them.

:class:`Components` is what the parts of the generator share
(:mod:`.document`, :mod:`.paths`, :mod:`.operations`,
:mod:`.responses`): the ``components/schemas`` of the document, the
colander to JSON Schema converter that adds to them
(:mod:`.jsonschema`), the text and XML variants of each
(:mod:`.variants`), the resolution of their ``$ref``, the shared
``components/parameters`` (``format``), and the media types the
document describes (``restkit.openapi.media_types``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from ..media import MediaType
from ..negotiation import FORMAT_PARAM
from .jsonschema import REF, JSONSchemaConverter
from .variants import Variants

#: Where a ``$ref`` to a component parameter points.
PARAMETER_REF = '#/components/parameters/'

_Item = TypeVar('_Item')


class Components:
    """The named schemas of one document; see :func:`.build_document`.

    ``published`` names the media types the document describes (``None``:
    every one); ``formats`` the names the ``format`` parameter takes when
    an operation offers every published type.
    """

    def __init__(
        self,
        schemas: dict[str, Any],
        converter: JSONSchemaConverter,
        published: Iterable[str] | None = None,
        formats: Sequence[str] = (),
    ) -> None:
        #: ``components/schemas``: name -> schema, in the order added.
        self.schemas = schemas
        #: ``components/parameters``: name -> Parameter Object.
        self.parameters: dict[str, Any] = {}
        self.converter = converter
        self.variants = Variants(schemas)
        self.published = None if published is None else frozenset(published)
        self.formats = tuple(formats)
        self._format_names: dict[tuple[str, ...], str] = {}

    def convert(
        self, node: Any, *, mode: str = 'input', partial: bool = False
    ) -> Any:
        """The JSON Schema of ``node``; named schemas go into these."""
        return self.converter.convert(
            node, mode=mode, partial=partial, components=self.schemas
        )

    def resolve(self, schema: Any) -> Any:
        """``schema``, or the component its ``$ref`` names (followed)."""
        while isinstance(schema, dict) and '$ref' in schema:
            schema = self.schemas[schema['$ref'][len(REF) :]]
        return schema

    def publish(self, items: Iterable[tuple[_Item, MediaType]]) -> list[_Item]:
        """The items whose media type the document describes.

        ``items`` pairs each item with its media type.  An operation
        that serves none of the published types keeps all of its own:
        the document never shows it without a way to call it.
        """
        every = list(items)
        if self.published is None:
            return [item for item, _ in every]
        chosen = [
            item for item, media in every if media.name in self.published
        ]
        return chosen or [item for item, _ in every]

    def format_parameter(self, names: Sequence[str]) -> dict[str, Any]:
        """A ``$ref`` to the ``format`` parameter taking ``names``.

        Declared once a set of names: the parameter ``format`` (its enum
        the schema ``Format``) for the operations that offer every
        published media type, else ``format-<name>-<name>...``
        (``Format-<name>-<name>...``).  Code generators make one type of
        a named schema, where they make one a parameter of an enum
        written in it.
        """
        key = tuple(names)
        name = self._format_names.get(key)
        if name is None:
            suffix = '' if key == self.formats else '-' + '-'.join(key)
            name = free_name(FORMAT_PARAM + suffix, self.parameters)
            enum = free_name('Format' + suffix, self.schemas)
            self.schemas[enum] = {
                'enum': list(key),
                'description': 'The name of a media type.',
            }
            self._format_names[key] = name
            self.parameters[name] = {
                'name': FORMAT_PARAM,
                'in': 'query',
                'required': False,
                'description': 'The media type of the response, by '
                'name (instead of Accept).',
                'schema': {'$ref': REF + enum},
            }
        return {'$ref': PARAMETER_REF + name}


def free_name(base: str, taken: dict[str, Any]) -> str:
    """``base`` as a component key (ASCII), numbered if ``taken`` has it."""
    base = re.sub(r'[^A-Za-z0-9._-]', '_', base)
    name, number = base, 1
    while name in taken:
        number += 1
        name = f'{base}-{number}'
    return name
