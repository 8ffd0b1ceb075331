"""Check the built distributions from the outside, as a user meets them.

Run by ``make distcheck`` (part of ``make test``, hence of CI) after the
sdist and the wheel are built into ``dist/``.  In a fresh virtual
environment, outside the source tree, it installs the wheel and then:
imports every module of the package, runs ``prestkit --help``, and serves
the README's example app through WebTest.  It also checks that the sdist
carries what a downstream packager needs to run the tests.  Any failure
exits non-zero, so a packaging regression turns CI red.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = 'pyramid_restkit'

#: What the sdist must hold besides the package (a downstream packager
#: runs the tests from it).
SDIST_MUST_HAVE = (
    'tests/conftest.py',
    'tests/fixtures/__init__.py',
    'docs/guide.md',
    'CHANGES.rst',
    'LICENSE.txt',
    'README.md',
    f'{PACKAGE}/py.typed',
)

CHECK = textwrap.dedent(
    """
    import importlib, os, re, sys
    import {package}
    here = os.path.dirname({package}.__file__)
    assert 'site-packages' in here, here
    # Every .py file installed, namespace folders included (which
    # pkgutil.walk_packages would skip).
    names = []
    for folder, _, files in os.walk(here):
        for file in sorted(files):
            if file.endswith('.py'):
                path = os.path.relpath(os.path.join(folder, file), here)
                parts = ['{package}', *path[:-3].split(os.sep)]
                if parts[-1] == '__init__':
                    parts.pop()
                names.append('.'.join(parts))
    for name in names:
        importlib.import_module(name)
    print('imported', len(names), 'modules from', here)
    readme = open(sys.argv[1], encoding='utf-8').read()
    code = re.search(r'```python\\n(.*?)```', readme, re.S).group(1)
    # NOTE: a module of its own, as users paste it (config.scan() scans
    # the calling module); its folder is the temporary one, not the tree.
    with open('readme_example.py', 'w', encoding='utf-8') as f:
        f.write(code)
    sys.path.insert(0, os.getcwd())
    import readme_example
    import webtest
    app = webtest.TestApp(readme_example.app)
    app.post_json('/posts', {{'title': 'Hello'}}, status=201)
    res = app.get('/posts', status=200)
    assert res.json == [{{'title': 'Hello', 'id': '1'}}], res.json
    print('README example: GET /posts ->', res.status)
    """
).format(package=PACKAGE)


def run(*args: str, cwd: str | None = None) -> str:
    print('+', ' '.join(args), flush=True)
    done = subprocess.run(
        args, cwd=cwd, check=True, stdout=subprocess.PIPE, text=True
    )
    return done.stdout


def main(dist: str) -> int:
    wheels = glob.glob(os.path.join(dist, '*.whl'))
    sdists = glob.glob(os.path.join(dist, '*.tar.gz'))
    if len(wheels) != 1 or len(sdists) != 1:
        sys.exit(f'expected one wheel and one sdist in {dist}')
    wheel, sdist = os.path.abspath(wheels[0]), os.path.abspath(sdists[0])

    # Every module of the source tree is in the wheel.
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    for folder, _, files in os.walk(os.path.join(ROOT, PACKAGE)):
        for name in files:
            if name.endswith('.py') or name == 'py.typed':
                path = os.path.relpath(os.path.join(folder, name), ROOT)
                path = path.replace(os.sep, '/')
                if path not in in_wheel:
                    sys.exit(f'the wheel lacks {path}')
    with tarfile.open(sdist) as tar:
        top = tar.getnames()[0].split('/')[0]
        in_sdist = {name.partition('/')[2] for name in tar.getnames()}
    missing = [name for name in SDIST_MUST_HAVE if name not in in_sdist]
    if missing:
        sys.exit(f'the sdist {top} lacks {", ".join(missing)}')

    with tempfile.TemporaryDirectory() as tmp:
        venv = os.path.join(tmp, 'venv')
        run(sys.executable, '-m', 'venv', venv)
        python = os.path.join(venv, 'bin', 'python')
        run(python, '-m', 'pip', 'install', '-q', wheel, 'WebTest')
        # NOTE: run from the temporary directory, with no source tree on
        # sys.path (python -I ignores PYTHONPATH and the user site).
        script = os.path.join(tmp, 'check.py')
        with open(script, 'w', encoding='utf-8') as f:
            f.write(CHECK)
        print(
            run(python, '-I', script, os.path.join(ROOT, 'README.md'), cwd=tmp)
        )
        usage = run(os.path.join(venv, 'bin', 'prestkit'), '--help', cwd=tmp)
        if not re.search(r'usage: prestkit', usage):
            sys.exit(f'prestkit --help printed no usage:\n{usage}')
        print('prestkit --help: ok')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else 'dist'))
