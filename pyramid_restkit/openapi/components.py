"""The schemas of one document, and the conversions that fill them.

:class:`Components` is what the parts of the generator share
(:mod:`.document`, :mod:`.paths`, :mod:`.operations`,
:mod:`.responses`): the ``components/schemas`` of the document, the
colander to JSON Schema converter that adds to them
(:mod:`.jsonschema`), the text and XML variants of each
(:mod:`.variants`), and the resolution of their ``$ref``.
"""

from __future__ import annotations

from typing import Any

from .jsonschema import REF, JSONSchemaConverter
from .variants import Variants


class Components:
    """The named schemas of one document; see :func:`.build_document`."""

    def __init__(
        self, schemas: dict[str, Any], converter: JSONSchemaConverter
    ) -> None:
        #: ``components/schemas``: name -> schema, in the order added.
        self.schemas = schemas
        self.converter = converter
        self.variants = Variants(schemas)

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
