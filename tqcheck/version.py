"""The version of tqcheck (one place; the package, the signature and outputs read it)."""

__version__ = "0.1.0"
