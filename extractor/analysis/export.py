"""Flat tables of events: one row per event, written as CSV or Parquet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from extractor.errors import UserError
from schemas import ArticleResult

# (column, kind): the kind picks the Parquet type; CSV writes everything as text.
COLUMNS: tuple[tuple[str, str], ...] = (
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
    ("round", "int"),
    ("participants", "str"),
    ("topics", "str"),
    ("kind", "str"),
    ("agreement_status", "str"),
    ("title_en", "str"),
    ("sectors", "str"),
    ("amount", "float"),
    ("amount_text", "str"),
    ("currency", "str"),
    ("qualifier", "str"),
    ("figure_kind", "str"),
    ("investor", "str"),
    ("recipient", "str"),
    ("project", "str"),
    ("visitor_name", "str"),
    ("visitor_title", "str"),
    ("visitor_country", "str"),
    ("host_country_iso3", "str"),
    ("purpose", "str"),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
FORMATS = (".csv", ".parquet")
# Codes never contain ';'; free-text phrases might, so they get a wider separator.
_CODE_SEP = ";"
_PHRASE_SEP = " | "


def event_rows(results: Iterable[ArticleResult]) -> Iterator[dict[str, Any]]:
    """One flat row per event of every ok result; absent fields are None."""
    for result in results:
        for index, event in enumerate(result.events):
            fields = event.model_dump()
            location = fields.get("location") or {}
            visitor = fields.get("visitor") or {}
            first = event.evidence[0]
            row: dict[str, Any] = {name: fields.get(name) for name in COLUMN_NAMES}
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
                participants=_join([p["name_en"] for p in fields.get("participants") or []]),
                topics=_join(fields.get("topics")),
                sectors=_join(fields.get("sectors")),
                visitor_name=visitor.get("name_en"),
                visitor_title=visitor.get("title_en"),
                visitor_country=visitor.get("country_iso3"),
            )
            yield row


def _join(values: list[str] | None) -> str | None:
    return _PHRASE_SEP.join(values) if values else None


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
        writer = csv.DictWriter(handle, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_value(v) for k, v in row.items()})


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 30000000000, not 30000000000.0
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
    schema = pa.schema([(name, types[kind]) for name, kind in COLUMNS])
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path)
