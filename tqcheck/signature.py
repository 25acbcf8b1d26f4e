"""The reproducibility signature: what produced a result, as `key:value` fields.

Each part of a check contributes its own fields (the checker its mode and languages, each
backend its model and how it computes, the metrics their sacrebleu signatures, the rules
the versions of their libraries, the profile its content hash), so that two results with
equal signatures were computed the same way. The text form follows sacrebleu's
(`key:value|key:value`); a field whose value is itself a signature (a sacrebleu metric's)
is written in brackets, `chrf:[#:1|c:mixed|...]`, and `Signature.parse` reads the text back.
"""

from __future__ import annotations

from collections.abc import Iterator

PREFIX = "tqcheck:"
_RESERVED = set("|[]")


class Signature:
    """Ordered `key -> value` fields; a value is text or a nested Signature."""

    def __init__(self, fields: dict[str, str | Signature] | None = None) -> None:
        self._fields: dict[str, str | Signature] = {}
        for key, value in (fields or {}).items():
            self.add(key, value)

    def add(self, key: str, value: str | Signature) -> None:
        """Contribute a field; a key may be given only once."""
        if not key or ":" in key or _RESERVED & set(key):
            raise ValueError(f"signature key {key!r} may not be empty or contain : | [ ]")
        if key in self._fields:
            raise ValueError(f"signature key {key!r} given twice")
        if isinstance(value, str) and _RESERVED & set(value):
            raise ValueError(f"signature value {value!r} (key {key!r}) may not contain | [ ]")
        self._fields[key] = value

    def __getitem__(self, key: str) -> str | Signature:
        return self._fields[key]

    def get(self, key: str, default: str | None = None) -> str | Signature | None:
        return self._fields.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._fields

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def items(self) -> list[tuple[str, str | Signature]]:
        return list(self._fields.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Signature) and self._fields == other._fields

    def __hash__(self) -> int:
        return hash(self.format())

    def format(self, prefix: str = PREFIX) -> str:
        parts = [f"{k}:[{v.format('')}]" if isinstance(v, Signature) else f"{k}:{v}"
                 for k, v in self._fields.items()]
        return prefix + "|".join(parts)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Signature({self.format()!r})"

    @classmethod
    def parse(cls, text: str, prefix: str = PREFIX) -> Signature:
        """The Signature that `format` wrote as `text`."""
        if not text.startswith(prefix):
            raise ValueError(f"not a tqcheck signature (no {prefix!r} prefix): {text[:80]!r}")
        return cls._parse_fields(text[len(prefix):])

    @classmethod
    def _parse_fields(cls, body: str) -> Signature:
        sig = cls()
        if not body:
            return sig
        for part in _split_top(body):
            key, sep, value = part.partition(":")
            if not sep:
                raise ValueError(f"signature field {part!r} has no key:value form")
            if value.startswith("[") and value.endswith("]"):
                sig.add(key, cls._parse_fields(value[1:-1]))
            else:
                sig.add(key, value)
        return sig


def _split_top(body: str) -> list[str]:
    """`body` split at the `|` that are outside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced ] in signature {body[:80]!r}")
        elif ch == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    if depth:
        raise ValueError(f"unbalanced [ in signature {body[:80]!r}")
    parts.append(body[start:])
    return parts
