"""Support for tests and benchmarks (model builders, the toy language, fake backends).

Nothing at run time imports this package.
"""
