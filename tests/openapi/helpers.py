"""What the tests of the OpenAPI generator share: checks, schemas, resources.

Each test registers resources on a real Configurator (``tests/conftest.py``),
builds the document with :func:`get_openapi`, has openapi-spec-validator
accept it (:func:`document`), and sends the requests the document
describes through webtest: statuses, media types and bodies must be the
ones documented (:func:`conforms`), so the document is checked against the
runtime and not only for its shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import colander
import jsonschema
import webtest
import yaml
from openapi_spec_validator import validate
from pyramid.security import Allowed, Denied

from pyramid_restkit import RequestSchema, get_openapi, operation

MakeApp = Callable[[], webtest.TestApp]
YAML_TYPES = ('application/yaml', 'application/x-yaml', 'text/yaml')
FORM_TYPES = ('application/x-www-form-urlencoded', 'multipart/form-data')
ALL_PROBLEMS = {
    'application/problem+json',
    'application/problem+yaml',
    'application/problem+xml',
    'text/html',
    'text/plain',
}


def document(app: webtest.TestApp) -> dict[str, Any]:
    """The app's document, accepted by openapi-spec-validator."""
    doc = get_openapi(app.app.registry)
    validate(doc)
    # JSON data only: what /openapi.json serves is this very document.
    assert json.loads(json.dumps(doc)) == doc
    return doc


def check(doc: dict[str, Any], schema: Any, instance: Any) -> None:
    """Validate ``instance`` against a schema of ``doc`` (refs resolved)."""
    root = {'components': doc['components'], **schema}
    jsonschema.Draft202012Validator(root).validate(instance)


def valid(doc: dict[str, Any], schema: Any, instance: Any) -> bool:
    root = {'components': doc['components'], **schema}
    return jsonschema.Draft202012Validator(root).is_valid(instance)


def resolve(doc: dict[str, Any], schema: Any) -> Any:
    while '$ref' in schema:
        schema = doc['components']['schemas'][
            schema['$ref'].rpartition('/')[2]
        ]
    return schema


def op(doc: dict[str, Any], path: str, verb: str) -> dict[str, Any]:
    """An operation, its parameters' ``$ref`` resolved.

    (A copy: ``doc['paths'][path][verb]`` is the operation as written.)
    """
    result: dict[str, Any] = dict(doc['paths'][path][verb])
    if 'parameters' in result:
        result['parameters'] = [
            resolve_parameter(doc, p) for p in result['parameters']
        ]
    return result


def resolve_parameter(doc: dict[str, Any], parameter: Any) -> Any:
    """A Parameter Object, or the component its ``$ref`` names."""
    ref = parameter.get('$ref')
    if ref is None:
        return parameter
    prefix = '#/components/parameters/'
    assert ref.startswith(prefix), ref
    return doc['components']['parameters'][ref[len(prefix) :]]


def param(operation: dict[str, Any], name: str) -> dict[str, Any]:
    found = [p for p in operation.get('parameters', ()) if p['name'] == name]
    assert len(found) == 1, operation.get('parameters')
    return found[0]


def conforms(
    doc: dict[str, Any], path: str, verb: str, res: webtest.TestResponse
) -> None:
    """``res`` is one of the responses ``doc`` gives for the operation."""
    responses = op(doc, path, verb)['responses']
    status = str(res.status_int)
    assert status in responses, (status, sorted(responses))
    for name, header in responses[status].get('headers', {}).items():
        value = res.headers.get(name)
        assert value is not None or not header.get('required'), name
        if value is not None:
            check(doc, header['schema'], value)
    content = responses[status].get('content')
    if content is None:
        assert res.body == b''
        assert 'Content-Type' not in res.headers
        return
    assert res.content_type in content, (res.content_type, sorted(content))
    schema = content[res.content_type]['schema']
    if res.content_type == 'application/x-ndjson':
        for line in res.body.splitlines():
            check(doc, schema, json.loads(line))
    elif res.content_type.endswith('json'):
        check(doc, schema, res.json)
    elif res.content_type.endswith('yaml'):
        check(doc, schema, yaml.safe_load(res.text))
    elif res.content_type.endswith('xml'):
        root = ElementTree.fromstring(res.body)
        name = resolve(doc, schema).get('xml', {}).get('name')
        assert name is None or root.tag.rpartition('}')[2] == name
    elif schema.get('type') == 'string':
        assert isinstance(res.text, str)


def body_of(res: webtest.TestResponse) -> Any:
    """The data of a JSON or YAML response."""
    if res.content_type.endswith('yaml'):
        return yaml.safe_load(res.text)
    return res.json


def statuses(operation: dict[str, Any]) -> list[str]:
    return list(operation['responses'])


# -- resources and schemas used by several test modules -----------------------


class Base:
    def __init__(self, request: Any, context: Any = None) -> None:
        self.request = request


class Item(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    size = colander.SchemaNode(colander.Integer(), missing=1)


class ItemOut(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())
    name = colander.SchemaNode(colander.String())


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())


class Echo(Base):
    """Answers with what it matched."""

    def get(self) -> Any:
        match = dict(self.request.matchdict)
        match.pop('restkit_suffix', None)
        if 'rest' in match:
            match['rest'] = list(match['rest'])
        return match


class Bodies(Base):
    def collection_post(self) -> Any:
        return self.request.validated


class SearchPath(colander.MappingSchema):
    id = colander.SchemaNode(colander.Integer())


class SearchQuery(colander.MappingSchema):
    tag = colander.SchemaNode(
        colander.Sequence(),
        colander.SchemaNode(colander.String()),
        description='Repeat it for several.',
    )
    limit = colander.SchemaNode(
        colander.Integer(), validator=colander.Range(1, 10), missing=5
    )
    # never validated: it selects the media type
    format = colander.SchemaNode(colander.String(), missing='json')


class SearchHeaders(colander.MappingSchema):
    x_token = colander.SchemaNode(colander.String(), name='X-Token')


class Search(RequestSchema):
    path = SearchPath()
    querystring = SearchQuery()
    headers = SearchHeaders()


class Searches(Base):
    @operation(schema=Search())
    def get(self) -> Any:
        return self.request.validated


class Guard:
    """A security policy allowing only the permission 'read'."""

    def identity(self, request: Any) -> None:
        return None

    def authenticated_userid(self, request: Any) -> None:
        return None

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        if permission == 'read':
            return Allowed('read')
        return Denied('no')

    def remember(self, request: Any, userid: Any, **kw: Any) -> list[Any]:
        return []

    def forget(self, request: Any, **kw: Any) -> list[Any]:
        return []
