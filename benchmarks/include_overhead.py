"""What including pyramid_restkit costs a plain route, measured alone.

``bench.py`` gives this case 60 rounds among many others; a difference of
about 1% is then at the edge of the noise.  This script times only the
two apps of that case (``bench.build_plain``: one route and a
``renderer='json'`` view, with and without ``config.include``), 200
alternating rounds of 300 calls, and prints the ratio of medians.

Usage::

    python benchmarks/include_overhead.py            # about 5 seconds
    python benchmarks/include_overhead.py --rounds 50
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import bench

ENVIRON = {
    'REQUEST_METHOD': 'GET',
    'PATH_INFO': '/hello',
    'SCRIPT_NAME': '',
    'QUERY_STRING': '',
    'SERVER_NAME': 'localhost',
    'SERVER_PORT': '80',
    'SERVER_PROTOCOL': 'HTTP/1.1',
    'wsgi.url_scheme': 'http',
    'HTTP_ACCEPT': 'application/json',
}


def call(app: Any) -> bytes:
    environ = dict(ENVIRON, **{'wsgi.input': io.BytesIO(b'')})
    return b''.join(app(environ, lambda status, headers, exc=None: None))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=200)
    parser.add_argument('--calls', type=int, default=300)
    args = parser.parse_args(argv)
    apps = {False: bench.build_plain(False), True: bench.build_plain(True)}
    if call(apps[False]) != call(apps[True]):
        sys.exit('the two apps answer differently')
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.rounds):
        for included, app in apps.items():
            start = time.perf_counter()
            for _ in range(args.calls):
                call(app)
            times[included].append((time.perf_counter() - start) / args.calls)
    without, with_kit = (statistics.median(times[k]) for k in (False, True))
    print(
        f'plain route: without {without * 1e6:.2f} us, with the kit '
        f'{with_kit * 1e6:.2f} us, ratio {with_kit / without:.4f}'
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
