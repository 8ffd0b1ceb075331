"""The PATCH document formats, without a request."""

from __future__ import annotations

import copy

import pytest

from pyramid_restkit.errors import ParseError
from pyramid_restkit.media import ParseOptions
from pyramid_restkit.patch import (
    JSONPatch,
    MergePatch,
    PatchConflict,
    json_equal,
    merge_patch,
    parse_json_patch,
    parse_merge_patch,
)
from pyramid_restkit.patch.documents import (
    canonical,
    check_json_patch,
    measure,
    pointer_tokens,
)

# RFC 7396 appendix A, every example.
RFC_7396_EXAMPLES = [
    ({'a': 'b'}, {'a': 'c'}, {'a': 'c'}),
    ({'a': 'b'}, {'b': 'c'}, {'a': 'b', 'b': 'c'}),
    ({'a': 'b'}, {'a': None}, {}),
    ({'a': 'b', 'b': 'c'}, {'a': None}, {'b': 'c'}),
    ({'a': ['b']}, {'a': 'c'}, {'a': 'c'}),
    ({'a': 'c'}, {'a': ['b']}, {'a': ['b']}),
    ({'a': {'b': 'c'}}, {'a': {'b': 'd', 'c': None}}, {'a': {'b': 'd'}}),
    ({'a': [{'b': 'c'}]}, {'a': [1]}, {'a': [1]}),
    (['a', 'b'], ['c', 'd'], ['c', 'd']),
    ({'a': 'b'}, ['c'], ['c']),
    ({'a': 'foo'}, None, None),
    ({'a': 'foo'}, 'bar', 'bar'),
    ({'e': None}, {'a': 1}, {'e': None, 'a': 1}),
    ([1, 2], {'a': 'b', 'c': None}, {'a': 'b'}),
    ({}, {'a': {'bb': {'ccc': None}}}, {'a': {'bb': {}}}),
]


@pytest.mark.parametrize(('target', 'patch', 'result'), RFC_7396_EXAMPLES)
def test_merge_patch_rfc_examples(target, patch, result):
    kept = copy.deepcopy(target)
    assert merge_patch(target, patch) == result
    assert target == kept
    assert MergePatch(patch).apply(target, 64, 0) == result


def test_merge_patch_shares_nothing_with_its_inputs():
    target = {'a': {'b': [1]}, 'c': [2]}
    patch = {'d': {'e': [3]}, 'a': {'f': [4]}}
    result = merge_patch(target, patch)
    result['a']['b'].append(9)
    result['d']['e'].append(9)
    result['a']['f'].append(9)
    assert target == {'a': {'b': [1]}, 'c': [2]}
    assert patch == {'d': {'e': [3]}, 'a': {'f': [4]}}


def test_merge_patch_is_not_recursive():
    patch = current = {}
    for _ in range(5000):
        current['a'] = current = {}
    result = merge_patch({}, patch)
    assert measure(result) == (5001, 5001)


def options(max_depth=64):
    return ParseOptions(max_depth)


def test_parsers_return_documents():
    merge = parse_merge_patch(b'{"a": null}', options())
    assert isinstance(merge, MergePatch)
    assert merge.value == {'a': None}
    ops = parse_json_patch(b'[{"op": "remove", "path": "/a"}]', options())
    assert isinstance(ops, JSONPatch)
    assert ops.apply({'a': 1, 'b': 2}, 64, 0) == {'b': 2}


@pytest.mark.parametrize(
    'raw', [b'{"a": 1, "a": 2}', b'NaN', b'[[[[1]]]]', b'', b'[1e999]']
)
def test_parsers_are_strict(raw):
    with pytest.raises(ParseError):
        parse_merge_patch(raw, options(max_depth=3))
    with pytest.raises(ParseError):
        parse_json_patch(raw, options(max_depth=3))


@pytest.mark.parametrize(
    ('pointer', 'tokens'),
    [
        ('', []),
        ('/', ['']),
        ('/a/b', ['a', 'b']),
        ('/a~1b/m~0n', ['a/b', 'm~n']),
        ('/~01', ['~1']),
        ('/-', ['-']),
    ],
)
def test_pointer_tokens(pointer, tokens):
    assert pointer_tokens(pointer) == tokens


@pytest.mark.parametrize('pointer', ['a', '#/a', '/~', '/~2', '/a~b'])
def test_invalid_pointers(pointer):
    with pytest.raises(ValueError):
        pointer_tokens(pointer)


def test_check_json_patch_keeps_valid_operations():
    ops = [
        {'op': 'add', 'path': '/a', 'value': None},
        {'op': 'copy', 'from': '/a', 'path': '/a~1'},
        {'op': 'move', 'from': '/a', 'path': '/ab'},
        {'op': 'move', 'from': '/a', 'path': '/a'},
        {'op': 'test', 'path': '', 'value': {}},
    ]
    assert check_json_patch(ops) is ops


def test_apply_leaves_the_target_alone():
    target = {'a': [1]}
    doc = JSONPatch([{'op': 'add', 'path': '/a/-', 'value': 2}])
    assert doc.apply(target, 64, 0) == {'a': [1, 2]}
    assert target == {'a': [1]}


def test_apply_replaces_the_root():
    doc = JSONPatch(
        [
            {'op': 'replace', 'path': '', 'value': [1]},
            {'op': 'add', 'path': '/0', 'value': None},
        ]
    )
    assert doc.apply({'a': 1}, 64, 0) == [None, 1]


def test_a_failing_test_is_a_conflict():
    doc = JSONPatch([{'op': 'test', 'path': '/a', 'value': [True]}])
    with pytest.raises(PatchConflict) as info:
        doc.apply({'a': [1]}, 64, 0)
    assert info.value.code == 409
    assert info.value.detail == 'Operation 0 (test /a): the test failed.'


@pytest.mark.parametrize(
    ('left', 'right', 'equal'),
    [
        (1, 1.0, True),
        (-0.0, 0, True),
        (1, True, False),
        (0, False, False),
        (None, False, False),
        ('1', 1, False),
        ({'a': 1, 'b': [1, 2]}, {'b': [1, 2.0], 'a': 1}, True),
        ([1, 2], [2, 1], False),
        ({'a': None}, {}, False),
        (0.1 + 0.2, 0.30000000000000004, True),
        (2**60 + 1, float(2**60), False),
    ],
)
def test_json_equal(left, right, equal):
    assert json_equal(left, right) is equal


def test_canonical_may_ignore_null_members():
    assert canonical({'a': None, 'b': [None]}, nulls=False) == '{"b":[null]}'
    assert canonical({'a': None}) == '{"a":null}'


def test_measure():
    assert measure(5) == (1, 0)
    assert measure({}) == (1, 1)
    assert measure({'a': [1, {'b': []}], 'c': 2}) == (6, 4)
