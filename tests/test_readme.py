"""The README's example runs as written."""

from __future__ import annotations

import importlib
import pathlib
import re
import sys

import webtest

README = pathlib.Path(__file__).parent.parent / 'README.md'


def test_readme_example(tmp_path, monkeypatch):
    text = README.read_text(encoding='utf-8')
    code = re.search(r'```python\n(.*?)```', text, re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 30
    (tmp_path / 'readme_example.py').write_text(code, encoding='utf-8')
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module('readme_example')
    try:
        app = webtest.TestApp(module.app)
        res = app.post_json('/posts', {'title': 'Hello'}, status=201)
        assert res.json == {'title': 'Hello', 'id': '1'}
        assert app.get('/posts').json == [res.json]
        assert app.get('/posts/1').json['title'] == 'Hello'
        missing = app.get('/posts/7', status=404)
        assert missing.json['detail'] == 'No such post.'
        app.post_json('/posts', {'title': 5}, status=400)
        app.delete('/posts/1', status=405)
        assert app.options('/posts/1').headers['Allow'] == (
            'GET, HEAD, OPTIONS'
        )
    finally:
        sys.modules.pop('readme_example', None)
