"""Declarative record shapes: one table gives a stream its schema and its mapping.

Each ``Field`` names the output column (snake_case), its type, and the Paycom keys
it may come from, in order of preference. Keeping schema and mapping in one row
means a column cannot exist in one and not the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tap_paycom.coerce import PARSERS, BadValue

_JSON_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": ["string", "null"]},
    "integer": {"type": ["integer", "null"]},
    "number": {"type": ["number", "null"]},
    "boolean": {"type": ["boolean", "null"]},
    "date": {"type": ["string", "null"], "format": "date"},
    "datetime": {"type": ["string", "null"], "format": "date-time"},
    "string_list": {"type": ["array", "null"], "items": {"type": "string"}},
    "integer_list": {"type": ["array", "null"], "items": {"type": "integer"}},
}


@dataclass(frozen=True)
class Field:
    """One output column."""

    name: str
    kind: str = "string"
    sources: tuple[str, ...] = ()
    personal: bool = False
    description: str | None = None

    def json_schema(self, *, required: bool = False) -> dict[str, Any]:
        """The column's JSON schema; key columns are not nullable."""
        schema = dict(_JSON_TYPES[self.kind])
        if required:
            schema["type"] = [kind for kind in schema["type"] if kind != "null"]
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass
class Problem:
    """A present value that could not be read; reported, never silently dropped."""

    field: str
    source: str
    reason: str


class Shape:
    """A set of fields: builds the schema and converts raw Paycom rows."""

    def __init__(self, fields: Iterable[Field], *, key: tuple[str, ...]) -> None:
        """``key`` names the primary-key columns (they become non-nullable)."""
        self.fields = tuple(fields)
        self.key = key
        self.by_name = {field.name: field for field in self.fields}
        self.known_sources = frozenset(src for field in self.fields for src in field.sources)
        if len(self.by_name) != len(self.fields):
            raise ValueError("duplicate field name in a shape")

    @property
    def personal(self) -> tuple[str, ...]:
        """Columns that hold personal data (unselected by default)."""
        return tuple(field.name for field in self.fields if field.personal)

    def schema(self) -> dict[str, Any]:
        """The stream's JSON schema."""
        return {
            "type": "object",
            "properties": {
                field.name: field.json_schema(required=field.name in self.key)
                for field in self.fields
            },
            "required": list(self.key),
        }

    def convert(self, *raws: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """Map raw rows to a record; unreadable values become None and are reported.

        A field takes the first of its ``sources`` that holds a non-empty, readable
        value in any row (earlier rows first for the same key). So the order of
        ``sources`` decides between the master record's key and the directory's.
        """
        record: dict[str, Any] = {}
        problems: list[Problem] = []
        for field in self.fields:
            if field.sources:
                record[field.name] = _read(field, raws, problems)
        return record, problems

    def unknown_keys(self, raw: Mapping[str, Any]) -> set[str]:
        """Keys of a raw row that no field reads (tenant-specific extras)."""
        return set(raw) - self.known_sources


def _read(field: Field, raws: tuple[Mapping[str, Any], ...], problems: list[Problem]) -> Any:
    """The first readable, non-empty value among the field's sources, else None.

    An unreadable value is reported only when no other source stood in for it, so a
    report of "emitted as null" is true.
    """
    parse = PARSERS[field.kind]
    unreadable: list[Problem] = []
    for source in field.sources:
        for raw in raws:
            value = raw.get(source)
            if value is None or value == "" or value == []:
                continue
            try:
                return parse(value)
            except BadValue as exc:
                unreadable.append(Problem(field.name, source, str(exc)))
    problems.extend(unreadable[:1])
    return None
