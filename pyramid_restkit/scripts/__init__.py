"""Console scripts of pyramid_restkit, in the shape of ``pyramid.scripts``.

Each module has a ``main(argv=sys.argv, quiet=False)`` that returns the
exit code, so ``[project.scripts]`` can point at it and tests can call it.
"""
