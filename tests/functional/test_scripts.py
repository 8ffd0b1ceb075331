"""Pyramid's own proutes and pviews see the kit's routes and views."""

from __future__ import annotations

import pathlib

from pyramid.scripts import proutes, pviews

INI = str(pathlib.Path(__file__).parent.parent / 'fixtures' / 'scriptapp.ini')


def run(module, argv, capsys):
    status = module.main(argv=argv, quiet=False)
    out = capsys.readouterr().out
    assert status == 0, out
    return out


def test_proutes_lists_real_verbs(capsys):
    out = run(proutes, ['proutes', INI], capsys)
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line.startswith('notes.')
    }
    # The optional suffix placeholder (/notes.yaml) shows, as it is matched.
    assert rows['notes.collection'][1] == (
        r'/notes{restkit_suffix:(?:\.[^./]+)?}'
    )
    assert rows['notes.collection'][-1] == 'GET,HEAD,OPTIONS,POST'
    assert rows['notes.item'][1] == '/notes/{id}'
    assert rows['notes.item'][-1] == 'GET,HEAD,OPTIONS'
    assert 'tests.fixtures.scanned.Notes' in rows['notes.item'][2]


def test_pviews_explains_a_resource_url(capsys):
    out = run(pviews, ['pviews', INI, '/notes/7'], capsys)
    assert 'route name: notes.item' in out
    assert 'tests.fixtures.scanned.Notes' in out
    assert 'request_method = GET,HEAD,OPTIONS' in out
