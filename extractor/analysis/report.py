"""A single self-contained HTML report of a result file.

No network: the CSS is inlined from the package's templates/report.css and no
script, font or image is linked. Every piece of text goes through `html.escape`,
since articles may hold '<' and '&'. Article text is shown with each evidence
span highlighted and linked to its event card; right-to-left languages get
dir="rtl", everything else dir="auto".
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from extractor.analysis import default_roots, read_source_text
from extractor.schemas import ArticleResult, Usage, fields_class
from extractor.schemas.events import EventFields

RTL_LANGUAGES = frozenset({"fa", "ar", "ur", "he", "ps", "ckb", "sd", "ug", "yi", "dv"})
# Shown in the card's header or evidence list, so not repeated among the fields.
_CARD_SKIP = ("type", "summary_en", "evidence")


# Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): a string from a
# model or an article could use them to reorder what a reader sees ("Trojan Source"). They
# are shown as their code point instead; marks (LRM, RLM, ALM) only nudge one character and stay.
_BIDI_CONTROLS = {code: f"[U+{code:04X}]" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def neutralize_bidi(text: str) -> str:
    return text.translate(_BIDI_CONTROLS)


def esc(value: object) -> str:
    return html.escape(neutralize_bidi("" if value is None else str(value)), quote=True)


def text_direction(language: str | None) -> str:
    return "rtl" if language and language.split("-")[0].lower() in RTL_LANGUAGES else "auto"


def lang_attrs(language: str | None) -> str:
    lang = f' lang="{esc(language)}"' if language else ""
    return f' dir="{text_direction(language)}"{lang}'


def stylesheet() -> str:
    return resources.files("extractor.analysis").joinpath("templates/report.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    card_id: str
    quote_id: str


def highlight(text: str, spans: Sequence[Span]) -> str:
    """Escaped text with every span wrapped in <mark>, overlapping spans included.

    The text is cut at every span boundary; each piece covered by spans becomes one
    <mark> naming all their events, linked to the first one's card.
    """
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        anchors = "".join(f'<span class="anchor" id="{s.quote_id}"></span>' for s in spans if s.start == left)
        piece = esc(text[left:right])
        covering = [s for s in spans if s.start <= left and s.end >= right]
        if not covering:
            out.append(anchors + piece)
            continue
        events = " ".join(dict.fromkeys(s.card_id for s in covering))
        multi = ' class="multi"' if len(set(s.card_id for s in covering)) > 1 else ""
        out.append(
            f'{anchors}<a class="hl" href="#{covering[0].card_id}">'
            f'<mark data-event="{events}"{multi}>{piece}</mark></a>'
        )
    return "".join(out)


def render_report(
    results: Sequence[ArticleResult],
    canonical: Sequence[Mapping[str, Any]],
    title: str,
    *,
    articles_root: Sequence[str] | None = None,
) -> str:
    """The whole HTML document. Article texts are read only from under `articles_root`
    (default: the folders of the results' own sources)."""
    roots = list(articles_root) if articles_root is not None else default_roots(results)
    card_ids = {(r.article_id, i): f"ev-{n}-{i}" for n, r in enumerate(results) for i in range(len(r.events))}
    body = [
        _summary(results),
        _canonical_table(canonical, card_ids),
        *(_article_section(n, r, roots) for n, r in enumerate(results)),
    ]
    toc = " ".join(
        f'<a href="#art-{n}">{esc(r.article_id)}{" ✗" if r.status == "failed" else ""}</a>'
        for n, r in enumerate(results)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{stylesheet()}</style>\n</head>\n<body>\n"
        f'<header class="page"><h1>{esc(title)}</h1>'
        f"<p>{len(results)} articles · {sum(len(r.events) for r in results)} events · "
        f"{len(canonical)} canonical events</p></header>\n"
        f'<main>\n<nav class="toc block">{toc}</nav>\n' + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


# --- summary and canonical events ---------------------------------------------------------


def _stat(value: object, label: str) -> str:
    return f'<div class="stat"><b>{esc(value)}</b><span>{esc(label)}</span></div>'


def _summary(results: Sequence[ArticleResult]) -> str:
    status = Counter(r.status for r in results)
    by_type = Counter(e.type for r in results for e in r.events)
    usage = Usage()
    for result in results:
        usage = usage.add(result.usage)
    models = Counter(f"{r.model.backend}/{r.model.name}" for r in results if r.model)
    prompts = Counter(r.prompt_version for r in results if r.prompt_version)
    rejected = sum(len(r.rejected) for r in results)
    stats = [
        _stat(status["ok"], "articles ok"),
        _stat(status["failed"], "articles failed"),
        _stat(sum(by_type.values()), "events"),
        _stat(rejected, "rejected events"),
        _stat(sum(r.cached for r in results), "from cache"),
    ]
    usage_stats = [_stat(f"{getattr(usage, name):,}", name.replace("_", " ")) for name in Usage.model_fields]
    rows = "".join(f"<tr><td>{esc(t)}</td><td>{n}</td></tr>" for t, n in sorted(by_type.items()))
    return (
        '<section class="block" id="summary"><h2>Run summary</h2>'
        f'<div class="stats">{"".join(stats)}</div>'
        f'<h3>Usage</h3><div class="stats">{"".join(usage_stats)}</div>'
        f'<h3>Events by type</h3><table class="compact"><tr><th>type</th><th>events</th></tr>{rows}</table>'
        f'<p class="meta">models: {esc(_counts(models))} · prompt versions: {esc(_counts(prompts))}</p>'
        "</section>"
    )


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k} ({v})" for k, v in sorted(counter.items())) or "none"


def _key_facts(event: Mapping[str, Any]) -> str:
    """The few fields that identify an event of its type (its `key_facts`), as one short line.

    A money figure's amount comes with its currency; a nested object shows its
    first field (a visitor's name); a type without `key_facts` shows every field
    of its own that is set.
    """
    fields = fields_class(event.get("type", ""))
    names = fields.key_facts or tuple(n for n in fields.model_fields if n not in EventFields.model_fields)
    facts = []
    for name in names:
        value = event.get(name)
        if value is None or value == []:
            continue
        if name == "amount" and fields.money_figure:
            facts.append(f"amount: {_number(value)} {event.get('currency', '')}")
        elif isinstance(value, Mapping):
            facts.append(f"{name}: {next(iter(value.values()), None)}")
        elif isinstance(value, list):
            facts.append(f"{name}: {', '.join(_plain(v) for v in value)}")
        else:
            facts.append(f"{name}: {value}")
    return "; ".join(facts)


def _number(value: Any) -> str:
    return f"{value:,.0f}" if isinstance(value, int | float) and float(value).is_integer() else str(value)


def _canonical_table(canonical: Sequence[Mapping[str, Any]], card_ids: Mapping[tuple[str, int], str]) -> str:
    rows = []
    for event in canonical:
        sources = "<br>".join(
            f'<a href="#{card_ids[(s["article_id"], s["event_index"])]}">'
            f"{esc(s['article_id'])} #{s['event_index']}</a> "
            f'<span class="meta">{esc(s.get("language") or "")}</span>'
            for s in event["sources"]
            if (s["article_id"], s["event_index"]) in card_ids
        )
        conflicts = "; ".join(
            f"{name}: " + " / ".join(_plain(v["value"]) for v in values)
            for name, values in event.get("conflicts", {}).items()
        )
        dates = " – ".join(d for d in (event.get("date_start"), event.get("date_end")) if d) or "—"
        rows.append(
            f'<tr id="{esc(event["id"])}"><td>{esc(event["type"])}</td><td>{esc(dates)}</td>'
            f"<td>{esc(';'.join(event.get('parties') or []))}</td><td>{esc(_key_facts(event))}</td>"
            f'<td>{sources}</td><td class="note">{esc(conflicts)}</td>'
            f'<td class="meta">{esc(event.get("merge_rule"))}</td></tr>'
        )
    return (
        '<section class="block" id="canonical"><h2>Canonical events</h2>'
        "<table><tr><th>type</th><th>dates</th><th>parties</th><th>facts</th><th>sources</th>"
        f"<th>conflicts</th><th>merge rule</th></tr>{''.join(rows)}</table></section>"
    )


def _plain(value: Any) -> str:
    """A field value as short readable text (people and places by name)."""
    if isinstance(value, Mapping):
        name = value.get("name_en")
        rest = [str(value[k]) for k in ("title_en", "country_iso3") if value.get(k)]
        return f"{name} ({', '.join(rest)})" if name and rest else str(name or ", ".join(rest))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 10_000:
        return _number(value)  # amounts: 30,000,000,000 reads better than 30000000000
    return "" if value is None else str(value)


# --- articles ---------------------------------------------------------------------------------


def _article_section(n: int, result: ArticleResult, roots: Sequence[str]) -> str:
    language = result.source.language
    header = (
        f"<h2>{esc(result.article_id)}{' — failed' if result.status == 'failed' else ''}</h2>"
        f'<p class="meta">language {esc(language or "unknown")} · '
        f"published {esc(result.source.published or '—')}"
        f" · <code>{esc(result.source.path)}</code> · {len(result.events)} events</p>"
    )
    parts = [header]
    if result.error is not None:
        parts.append(f'<p class="bad">Error ({esc(result.error.kind)}): {esc(result.error.message)}</p>')
    if result.events:
        text_html, located = _article_text(n, result, roots)
        parts.append(text_html)
        cards = "".join(
            _event_card(n, i, e.model_dump(mode="json"), language, located) for i, e in enumerate(result.events)
        )
        parts.append(f'<h3>Events</h3><div class="cards">{cards}</div>')
    if result.rejected:
        items = "".join(
            f"<li><b>{esc(r.reason)}</b>: {esc(r.event.get('type', '?'))} — "
            f"{esc(r.event.get('summary_en') or json.dumps(r.event, ensure_ascii=False))}</li>"
            for r in result.rejected
        )
        parts.append(f'<h3>Rejected events</h3><ul class="rejected">{items}</ul>')
    css = "article failed" if result.status == "failed" else "article"
    lang = f' data-lang="{esc(language)}"' if language else ""
    opening = f'<section class="{css}" id="art-{n}"{lang} data-article="{esc(result.article_id)}">'
    return opening + "".join(parts) + "</section>"


def _article_text(n: int, result: ArticleResult, roots: Sequence[str]) -> tuple[str, set[str]]:
    """The article with highlights and the ids of the highlighted quotes.

    Without a usable file (moved, edited, read from stdin) only a note is shown;
    the cards still list every quote.
    """
    source = read_source_text(result.source, roots)
    attrs = lang_attrs(result.source.language)
    if source.text is None:
        return f'<p class="note">{esc(source.problem)}: showing evidence quotes only.</p>', set()
    spans = [
        Span(ev.start, ev.end, f"ev-{n}-{i}", f"q-{n}-{i}-{k}")
        for i, event in enumerate(result.events)
        for k, ev in enumerate(event.evidence)
        if ev.start is not None and ev.end is not None and _locatable(source.text, ev)
    ]
    text_html = f'<h3>Article text</h3><div class="article-text"{attrs}>{highlight(source.text, spans)}</div>'
    return text_html, {span.quote_id for span in spans}


def _locatable(text: str, evidence: Any) -> bool:
    if evidence.start is None or evidence.end is None or not 0 <= evidence.start < evidence.end <= len(text):
        return False
    # An exact match must sit at its offsets; normalized and fuzzy ones may differ in form.
    return evidence.match != "exact" or text[evidence.start : evidence.end] == evidence.quote


def _event_card(n: int, i: int, event: dict[str, Any], language: str | None, located: set[str]) -> str:
    fields = "".join(
        f"<dt>{esc(name)}</dt><dd>{esc(_plain(value))}</dd>"
        for name, value in event.items()
        if name not in _CARD_SKIP and value not in (None, [], {}, "") and not (name == "grounded" and value)
    )
    quotes = "".join(_quote_item(f"q-{n}-{i}-{k}", ev, language, located) for k, ev in enumerate(event["evidence"]))
    return (
        f'<article class="event-card type-{esc(event["type"])}" id="ev-{n}-{i}">'
        f'<div class="type">{esc(event["type"].replace("_", " "))} · event {i}</div>'
        f'<h4 lang="en" dir="ltr">{esc(event.get("summary_en"))}</h4><dl>{fields}</dl>'
        f'<ol class="quotes">{quotes}</ol></article>'
    )


def _quote_item(quote_id: str, evidence: Mapping[str, Any], language: str | None, located: set[str]) -> str:
    quote = f'<span class="quote"{lang_attrs(language)}>{esc(evidence["quote"])}</span>'
    if evidence.get("start") is None:
        return f'<li>{quote} <span class="flag">not located in the text</span></li>'
    span = f"{evidence['start']}–{evidence['end']}"
    where = f'<a href="#{quote_id}">{span}</a>' if quote_id in located else span
    flag = "" if evidence.get("match") == "exact" else f' <span class="flag">{esc(evidence.get("match"))}</span>'
    return f'<li>{quote} <span class="meta">[{where}]</span>{flag}</li>'
