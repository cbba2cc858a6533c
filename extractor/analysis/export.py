"""Flat tables of events: one row per event, written as CSV or Parquet."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from extractor.errors import UserError
from extractor.schemas import ArticleResult
from extractor.schemas import events as _events
from extractor.schemas.codes import CountryCode, CurrencyCode
from extractor.schemas.events import EventFields

# (column, kind): the kind picks the Parquet type; CSV writes everything as text.
# Columns every event has: the result line, the common event fields, the first quote.
BASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("article_id", "str"),
    ("language", "str"),
    ("published", "date"),
    ("event_index", "int"),
    ("type", "str"),
    ("status", "str"),
    ("summary_en", "str"),
    ("date_start", "date"),
    ("date_end", "date"),
    ("parties", "str"),
    ("location_name", "str"),
    ("location_country", "str"),
    ("grounded", "bool"),
    ("evidence_count", "int"),
    ("quote", "str"),
    ("quote_start", "int"),
    ("quote_end", "int"),
    ("quote_match", "str"),
)
# Type-specific columns are derived from the event types (see `type_columns`).
# These keep the place they had when the four original types' columns were
# written out by hand, so existing tables keep their layout; any other column
# follows them, in EVENT_FIELDS order.
_TYPE_COLUMN_ORDER = (
    "round",
    "participants",
    "topics",
    "kind",
    "agreement_status",
    "title_en",
    "sectors",
    "amount",
    "amount_text",
    "currency",
    "qualifier",
    "figure_kind",
    "investor",
    "recipient",
    "project",
    "visitor_name",
    "visitor_title",
    "visitor_country",
    "host_country_iso3",
    "purpose",
)
# Codes never contain ';'; free-text phrases might, so they get a wider separator.
_CODE_SEP = ";"
_PHRASE_SEP = " | "
_CODE_TYPES = (CountryCode, CurrencyCode)
_SCALAR_KINDS: tuple[tuple[type, str], ...] = ((bool, "bool"), (int, "int"), (float, "float"), (date, "date"))
# Suffixes dropped from a nested field's name in its column: visitor.name_en -> visitor_name.
_SUFFIXES = ("_en", "_iso3")

Getter = Callable[[dict[str, Any]], Any]


def _unwrap(annotation: Any) -> Any:
    """The type under Optional[...] (X | None)."""
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _scalar_kind(annotation: Any) -> str:
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    for python_type, kind in _SCALAR_KINDS:
        if annotation is python_type:
            return kind
    return "str"  # str, Literal[...], codes, anything else written as text


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def _field_columns(name: str, annotation: Any) -> list[tuple[str, str, Getter]]:
    """The columns one event field becomes, each with how to read it from the event's dump.

    - a scalar: one column of its own name;
    - a nested object: one column per field of it, `<field>_<subfield>` without
      `_en`/`_iso3` (visitor.name_en -> visitor_name);
    - a list of objects: one column listing the first field of each (participants' names);
    - a list of scalars: one column, codes joined by ';', anything else by ' | '.
    """
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [
            (f"{name}_{_short(sub)}", _scalar_kind(_unwrap(info.annotation)), _nested(name, sub))
            for sub, info in annotation.model_fields.items()
        ]
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (str,)
        item = _unwrap(item)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return [(name, "str", _first_of_each(name, next(iter(item.model_fields))))]
        sep = _CODE_SEP if item in _CODE_TYPES else _PHRASE_SEP
        return [(name, "str", _joined(name, sep))]
    return [(name, _scalar_kind(annotation), lambda fields: fields.get(name))]


def _nested(name: str, sub: str) -> Getter:
    return lambda fields: (fields.get(name) or {}).get(sub)


def _first_of_each(name: str, sub: str) -> Getter:
    return lambda fields: _join([item[sub] for item in fields.get(name) or []], _PHRASE_SEP)


def _joined(name: str, sep: str) -> Getter:
    return lambda fields: _join([str(v) for v in fields.get(name) or []], sep)


def _own_fields(fields_class: type[EventFields]) -> dict[str, Any]:
    return {n: i.annotation for n, i in fields_class.model_fields.items() if n not in EventFields.model_fields}


@cache
def _getters(fields_class: type[EventFields]) -> dict[str, tuple[str, Getter]]:
    """Column name -> (kind, getter) for the type-specific fields of one event type."""
    return {
        column: (kind, getter)
        for name, annotation in _own_fields(fields_class).items()
        for column, kind, getter in _field_columns(name, annotation)
    }


def type_columns(event_fields: Iterable[type[EventFields]] | None = None) -> tuple[tuple[str, str], ...]:
    """The type-specific columns of the given event types (default: every type, now)."""
    found: dict[str, str] = {}
    for fields_class in _events.EVENT_FIELDS if event_fields is None else event_fields:
        for column, (kind, _getter) in _getters(fields_class).items():
            found.setdefault(column, kind)
    known = [(c, found[c]) for c in _TYPE_COLUMN_ORDER if c in found]
    return (*known, *((c, k) for c, k in found.items() if c not in _TYPE_COLUMN_ORDER))


def columns() -> tuple[tuple[str, str], ...]:
    """Every column, read from the event types at call time."""
    return BASE_COLUMNS + type_columns()


COLUMNS: tuple[tuple[str, str], ...] = columns()
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
FORMATS = (".csv", ".parquet")


def event_rows(results: Iterable[ArticleResult]) -> Iterator[dict[str, Any]]:
    """One flat row per event of every ok result; absent fields are None."""
    names = [name for name, _ in columns()]
    for result in results:
        for index, event in enumerate(result.events):
            fields = event.model_dump()
            location = fields.get("location") or {}
            first = event.evidence[0]
            row: dict[str, Any] = {name: fields.get(name) for name in names}
            row.update(
                article_id=result.article_id,
                language=result.source.language,
                published=result.source.published,
                event_index=index,
                parties=_CODE_SEP.join(fields["parties"]),
                location_name=location.get("name_en"),
                location_country=location.get("country_iso3"),
                evidence_count=len(event.evidence),
                quote=first.quote,
                quote_start=first.start,
                quote_end=first.end,
                quote_match=first.match,
            )
            # Type-specific columns, from the event's own class (stored variants inherit its fields).
            row.update({column: getter(fields) for column, (_kind, getter) in _getters(_fields_of(event)).items()})
            yield row


def _fields_of(event: BaseModel) -> type[EventFields]:
    """The `*Fields` class an event model derives from."""
    return next(c for c in type(event).__mro__ if c in _events.EVENT_FIELDS or c is EventFields)


def _join(values: list[str] | None, sep: str = _PHRASE_SEP) -> str | None:
    return sep.join(values) if values else None


def output_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"-o {path}: unknown format {suffix or '(none)'}; name the file .csv or .parquet")
    return suffix


def write_table(rows: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write the rows in the format the suffix names; returns how many were written."""
    suffix = output_format(path)
    rows = list(rows)
    if suffix == ".csv":
        _write_csv(rows, Path(path))
    else:
        _write_parquet(rows, Path(path))
    return len(rows)


def _write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    # utf-8 without BOM: quotes stay readable Persian/Arabic/Chinese for any csv reader.
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[name for name, _ in columns()])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_value(v) for k, v in row.items()})


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): prefixed with a
# single quote so it is shown as text. Numbers are written as numbers, never prefixed.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 30000000000, not 30000000000.0
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UserError("Parquet output needs pyarrow: pip install pyarrow, or write .csv") from None
    types = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "date": pa.date32(),
        "bool": pa.bool_(),
    }
    schema = pa.schema([(name, types[kind]) for name, kind in columns()])
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path)
