"""The rules coder: events from trigger words plus the mentions found next to them.

For each sentence (extractor.rules.sentences), the language's lexicon
(extractor.rules.lexicon) finds triggers on the folded text. A trigger becomes
an event only with the facts the text states around it, found by the mention
layer (extractor.mentions) in that sentence:

- strategic_dialogue: a dialogue trigger; round from an ordinal next to it;
- agreement: an agreement trigger, its kind from the trigger, its status from
  signing/proposal/future cues; at least one country;
- investment: a money mention with an investment trigger in the same sentence
  (the nearest trigger gives the figure kind), no corporate/sports context
  (profits, salaries, transfer fees) and a country in the sentence or the one
  before: state-level money only;
- visit: a visit trigger with a host country (the one after a destination
  marker, else the nearest) and either a second country or that marker;
  the visitor is the person named after an office title, in the article's
  script (no transliteration is invented).

Status comes from the event's date against the publication date, else from
tense/aspect cues. The answer is an `ArticleEvents`, as a model gives: the
pipeline then grounds, repairs and dedups it like any model's answer.
Mentions are searched only in sentences that carry a trigger, which keeps the
coder fast (most sentences of most articles have none).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pycountry

from extractor.mentions import CountryMention, DateMention, MoneyMention, find_countries, find_dates, find_money
from extractor.mentions.language import detect_language
from extractor.reader import Article
from extractor.rules.lexicon import LANGUAGES, Hit, Lexicon, load_lexicon
from extractor.rules.sentences import Sentence, split_sentences
from extractor.rules.visitor import visitor_name
from extractor.schemas import ArticleEvents
from extractor.text.fold import fold

# How far (folded characters) an ordinal may stand from a dialogue trigger, and a money
# mention from the investment trigger it belongs to.
ORDINAL_REACH = 40
MONEY_REACH = 120
# How close (folded characters) a country must follow a destination marker ("to", "به", "إلى").
MARKER_GAP = 2
# How far (folded characters) the one country of a visit may stand from its trigger: "visit to X",
# "arrived in X", "به X سفر کرد", "抵达X".
VISIT_OBJECT_GAP = 14
# How close (folded characters) a country stands before the office title it qualifies.
TITLE_GAP = 1


@dataclass
class _Sentence:
    index: int
    sentence: Sentence
    folded: str
    origin: tuple[int, ...]

    def to_original(self, folded_offset: int) -> int:
        return self.sentence.start + self.origin[min(folded_offset, len(self.origin) - 1)]

    def to_folded(self, original_offset: int) -> int:
        return bisect_right(self.origin, original_offset - self.sentence.start) - 1


@dataclass
class _Draft:
    """An event under construction: its fields, and the sentences that are its evidence."""

    type: str
    fields: dict[str, Any]
    sentences: list[int]
    key: Any  # events with equal keys (see `_merge`) are one event

    @property
    def parties(self) -> set[str]:
        return set(self.fields.get("parties", []))


class _ArticleContext:
    """Per-article state: sentences, and the mentions of each, found on first use."""

    def __init__(self, article: Article, language: str | None) -> None:
        self.article = article
        self.language = language
        self.sentences = [
            _Sentence(i, s, (f := fold(s.text)).text, f.origin)
            for i, s in enumerate(split_sentences(article.text, article.body_start))
        ]
        self._countries: dict[int, list[CountryMention]] = {}
        self._money: dict[int, list[MoneyMention]] = {}
        self._dates: dict[int, list[DateMention]] = {}
        self._all_dates: list[DateMention] | None = None

    def countries(self, index: int) -> list[CountryMention]:
        if index not in self._countries:
            s = self.sentences[index].sentence
            found = find_countries(self.article.text, s.start, s.end)
            if found and any(ch.isdigit() for ch in self.sentences[index].folded):
                # "دولار أمريكي", "美元": a currency's country is not a party.
                money = self.money(index)
                found = [c for c in found if not any(m.start <= c.start < m.end for m in money)]
            self._countries[index] = found
        return self._countries[index]

    def money(self, index: int) -> list[MoneyMention]:
        if index not in self._money:
            s = self.sentences[index].sentence
            self._money[index] = find_money(self.article.text, s.start, s.end, lang=self.language)
        return self._money[index]

    def dates(self, index: int) -> list[DateMention]:
        """Dates of a sentence. A date without a year ("from 3 to 5 January") takes it from
        elsewhere in the article ("في عام 2026"): then, and only then, the whole body is read."""
        if index not in self._dates:
            s = self.sentences[index].sentence
            article = self.article
            found = find_dates(article.text, s.start, s.end, lang=self.language, published=article.published)
            if any(d.date_start is None for d in found):
                if self._all_dates is None:
                    self._all_dates = find_dates(
                        article.text, article.body_start, lang=self.language, published=article.published
                    )
                found = [d for d in self._all_dates if s.start <= d.start and d.end <= s.end]
            self._dates[index] = found
        return self._dates[index]

    def codes(self, index: int) -> list[str]:
        return list(dict.fromkeys(c.iso3 for c in self.countries(index)))


def article_language(article: Article) -> str | None:
    return detect_language(article.body)


def _lexicons(language: str | None) -> list[Lexicon]:
    # An undecided language gets every lexicon: slower, but nothing is missed for want of a guess.
    return [load_lexicon(language)] if language in LANGUAGES else [load_lexicon(lang) for lang in LANGUAGES]


def has_trigger(article: Article) -> bool:
    """Whether any sentence carries a trigger the coder would act on (the prefilter's test):
    a trigger word in a sentence whose context rules it out (profits, salaries, a match) is none."""
    language = article_language(article)
    folded = fold(article.body).text
    lexicons = [lex for lex in _lexicons(language) if any(terms.any_in(folded) for terms in lex.triggers.values())]
    if not lexicons:
        return False  # the common case at scale: no trigger word anywhere, no sentence split
    sentences = [fold(s.text).text for s in split_sentences(article.text, article.body_start)]
    return any(
        terms.find(sentence) and not _excluded(lexicon, event_type, sentence)
        for lexicon in lexicons
        for sentence in sentences
        for event_type, terms in lexicon.triggers.items()
    )


def code_article(article: Article) -> ArticleEvents:
    language = article_language(article)
    ctx = _ArticleContext(article, language)
    drafts: list[_Draft] = []
    for lexicon in _lexicons(language):
        for sent in ctx.sentences:
            for event_type, terms in lexicon.triggers.items():
                hits = terms.find(sent.folded)
                if hits and not _excluded(lexicon, event_type, sent.folded):
                    drafts.extend(_BUILDERS[event_type](ctx, sent, hits, lexicon))
    events = []
    for draft in _merge(drafts):
        quotes = [ctx.sentences[i].sentence.text for i in sorted(set(draft.sentences))]
        events.append({"type": draft.type, **draft.fields, "evidence": quotes})
    return ArticleEvents.model_validate({"events": events})


def _excluded(lexicon: Lexicon, event_type: str, folded: str) -> bool:
    return any(name in lexicon.exclude and lexicon.exclude[name].any_in(folded) for name in (event_type, "all"))


# --- facts shared by every type ------------------------------------------------------


def _cue(lexicon: Lexicon, name: str, folded: str) -> bool:
    return name in lexicon.cues and lexicon.cues[name].any_in(folded)


def _date_near(ctx: _ArticleContext, sent: _Sentence, at: int) -> DateMention | None:
    """The resolved date mention nearest to folded offset `at` in the sentence."""
    dated = [d for d in ctx.dates(sent.index) if d.date_start]
    return min(dated, key=lambda d: abs(sent.to_folded(d.start) - at), default=None)


def _status(lexicon: Lexicon, folded: str, when: DateMention | None, published: date | None) -> str:
    """planned / ongoing / occurred: the date against the publication date, else the wording."""
    if when is not None and published is not None and when.date_start:
        start = date.fromisoformat(when.date_start)
        end = date.fromisoformat(when.date_end) if when.date_end else start
        if start > published:
            return "planned"
        # Under way on the publication day; one that ends that day is reported as done.
        return "ongoing" if end > published else "occurred"
    if _cue(lexicon, "ongoing", folded):
        return "ongoing"
    if _cue(lexicon, "planned", folded):
        return "planned"
    return "occurred"


def _dates(when: DateMention | None) -> dict[str, Any]:
    if when is None:
        return {"date_start": None, "date_end": None}
    return {"date_start": when.date_start, "date_end": when.date_end}


def _parties(ctx: _ArticleContext, sent: _Sentence) -> list[str]:
    """Countries of the sentence; of its neighbours when it names none."""
    codes = ctx.codes(sent.index)
    if codes:
        return codes
    near = [i for i in (sent.index - 1, sent.index + 1) if 0 <= i < len(ctx.sentences)]
    return list(dict.fromkeys(code for i in near for code in ctx.codes(i)))


def _nearby_codes(ctx: _ArticleContext, index: int) -> list[str]:
    """Countries of the sentences around `index` (two before, one after), nearest first: a
    figure often follows the sentence that names who gives it to whom."""
    order = [index - 1, index + 1, index - 2]
    return list(dict.fromkeys(c for i in order if 0 <= i < len(ctx.sentences) for c in ctx.codes(i)))


@cache
def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def _names(codes: Iterable[str]) -> str:
    names = [country_name(c) for c in codes]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


# --- one builder per event type ------------------------------------------------------


def _dialogues(ctx: _ArticleContext, sent: _Sentence, hits: list[Hit], lexicon: Lexicon) -> list[_Draft]:
    parties = _parties(ctx, sent)
    if not parties:
        return []
    drafts = []
    for hit in hits:
        round_ = _ordinal_near(lexicon, sent.folded, hit)
        when = _date_near(ctx, sent, hit.start)
        status = _status(lexicon, sent.folded, when, ctx.article.published)
        between = f" between {_names(parties)}" if len(parties) > 1 else f" involving {_names(parties)}"
        round_text = f" (round {round_})" if round_ else ""
        fields = {
            "status": status,
            "summary_en": f"Strategic dialogue{between}{round_text}.",
            **_dates(when),
            "parties": parties,
            "round": round_,
        }
        drafts.append(_Draft("strategic_dialogue", fields, [sent.index], round_))
    return drafts


def _ordinal_near(lexicon: Lexicon, folded: str, hit: Hit) -> int | None:
    """The round: the ordinal (word or digits) nearest to the trigger, within ORDINAL_REACH."""
    lo, hi = max(hit.start - ORDINAL_REACH, 0), min(hit.end + ORDINAL_REACH, len(folded))
    found: list[tuple[int, int]] = []  # (distance, number)
    for word in lexicon.ordinal_words.find(folded, lo, hi):
        found.append((_gap(word.start, word.end, hit), int(word.category)))
    for pattern in lexicon.ordinal_patterns:
        for match in pattern.finditer(folded, lo, hi):
            found.append((_gap(match.start(), match.end(), hit), int(match.group(1))))
    plausible = [(gap, n) for gap, n in found if 1 <= n <= 99]
    return min(plausible)[1] if plausible else None


def _gap(start: int, end: int, hit: Hit) -> int:
    return max(hit.start - end, start - hit.end, 0)


_AGREEMENT_SUMMARY = {
    "mou": "a memorandum of understanding",
    "joint_statement": "a joint statement",
    "action_plan": "an action plan",
    "trade_plan": "a trade plan",
    "agreement": "an agreement",
    "other": "an agreement",
}


def _agreements(ctx: _ArticleContext, sent: _Sentence, hits: list[Hit], lexicon: Lexicon) -> list[_Draft]:
    # Parties named in the sentence itself: "the agreement" alone, next to a country named in
    # another sentence, is too often a club's or a company's. A bare "contract" is a
    # state-level document only between two named countries.
    parties = ctx.codes(sent.index)
    drafts = []
    for kind in dict.fromkeys(hit.category for hit in hits):
        if not parties or (kind == "other" and len(parties) < 2):
            continue
        hit = next(h for h in hits if h.category == kind)
        when = _date_near(ctx, sent, hit.start)
        planned = _cue(lexicon, "planned", sent.folded)
        if _cue(lexicon, "proposed", sent.folded):
            agreement_status = "proposed"
        elif _cue(lexicon, "signed", sent.folded):
            agreement_status = "planned" if planned else "signed"
        else:
            agreement_status = "planned" if planned else "agreed"
        status = _status(lexicon, sent.folded, when, ctx.article.published)
        if agreement_status in ("planned", "proposed") and status == "occurred":
            status = "planned"
        verb = {"signed": "signed", "agreed": "agreed on", "planned": "plan", "proposed": "proposed"}
        fields = {
            "status": status,
            "summary_en": f"{_names(parties)} {verb[agreement_status]} {_AGREEMENT_SUMMARY[kind]}.",
            **_dates(when),
            "parties": parties,
            "kind": kind,
            "agreement_status": agreement_status,
        }
        drafts.append(_Draft("agreement", fields, [sent.index], kind))
    return drafts


_FIGURE_SUMMARY = {
    "investment": "Investment",
    "loan": "Loan or deposit",
    "aid": "Aid",
    "trade_volume": "Trade volume",
    "trade_target": "Trade target",
    "project_cost": "Project cost",
    "other": "Financial package",
}


def _investments(ctx: _ArticleContext, sent: _Sentence, hits: list[Hit], lexicon: Lexicon) -> list[_Draft]:
    money = [m for m in ctx.money(sent.index) if m.currency and m.amount > 0]
    if not money:
        return []
    parties = ctx.codes(sent.index) or _nearby_codes(ctx, sent.index)
    if not parties:
        return []  # no state in sight: company or personal money
    drafts = []
    for mention in money:
        fstart, fend = sent.to_folded(mention.start), sent.to_folded(mention.end - 1) + 1
        reach = [(max(h.start - fend, fstart - h.end, 0), h) for h in hits]
        reach = [(gap, h) for gap, h in reach if gap <= MONEY_REACH]
        if not reach:
            continue
        # A specific trigger (loan, aid, investment) within reach beats a generic one ("worth").
        specific = [(gap, h) for gap, h in reach if h.category != "other"] or reach
        kind = min(specific, key=lambda pair: pair[0])[1].category
        if kind == "trade_volume" and _cue(lexicon, "target", sent.folded):
            kind = "trade_target"
        planned = kind == "trade_target" or _cue(lexicon, "planned", sent.folded)
        fields = {
            "status": "planned" if planned else "occurred",
            "summary_en": f"{_FIGURE_SUMMARY[kind]} of {mention.text} ({_names(parties)}).",
            "date_start": None,
            "date_end": None,
            "parties": parties,
            "amount": mention.amount,
            "currency": mention.currency,
            "amount_text": mention.text,
            "qualifier": mention.qualifier,
            "figure_kind": kind,
        }
        drafts.append(_Draft("investment", fields, [sent.index], (mention.currency, float(mention.amount))))
    return drafts


def _visits(ctx: _ArticleContext, sent: _Sentence, hits: list[Hit], lexicon: Lexicon) -> list[_Draft]:
    countries = ctx.countries(sent.index)
    if not countries:
        return []
    hit = hits[0]
    marked = _after_marker(lexicon, sent, countries, hit)
    # A country written right before an office title names that office's holder ("沙地阿拉伯国王",
    # "Pakistani Prime Minister"): the one nearest the trigger is the visitor's, and the host is
    # the nearest other country.
    titled = sorted(
        (abs(sent.to_folded(c.start) - hit.start), c.iso3)
        for c in countries
        if c.iso3 in _before_title(lexicon, sent, countries)
    )
    visitor_first = titled[0][1] if titled and not marked else None
    hosts = [c for c in countries if c.iso3 != visitor_first] or countries
    nearest = min(hosts, key=lambda c: abs(sent.to_folded(c.start) - hit.start)).iso3
    host = marked or nearest
    others = [c.iso3 for c in countries if c.iso3 != host]
    if not others and (marked is None or not _next_to(sent, countries, host, hit)):
        # One country, not the trigger's own object ("visit to X", "به X سفر"): a domestic
        # trip ("visited the fair in Paris"), or a visit we cannot place.
        return []
    visitor_country = visitor_first if visitor_first in others else (others[0] if others else None)
    name = visitor_name(lexicon, sent.sentence.text, sent.folded, sent.origin, hit.start)
    when = _date_near(ctx, sent, hit.start)
    status = _status(lexicon, sent.folded, when, ctx.article.published)
    parties = [c for c in (visitor_country, host) if c]
    who = name or (f"An official of {country_name(visitor_country)}" if visitor_country else "An official")
    fields = {
        "status": status,
        "summary_en": f"{who} visits {country_name(host)}.",
        **_dates(when),
        "parties": parties,
        "location": {"country_iso3": host},
        "visitor": {"name_en": name or who, "country_iso3": visitor_country},
        "host_country_iso3": host,
    }
    return [_Draft("visit", fields, [sent.index], host)]


def _before_title(lexicon: Lexicon, sent: _Sentence, countries: list[CountryMention]) -> set[str]:
    titles = lexicon.cues.get("titles")
    starts = [t.start for t in titles.find(sent.folded)] if titles else []
    return {
        c.iso3 for c in countries if any(0 <= start - (sent.to_folded(c.end - 1) + 1) <= TITLE_GAP for start in starts)
    }


def _next_to(sent: _Sentence, countries: list[CountryMention], code: str, hit: Hit) -> bool:
    """Whether a mention of `code` stands right next to the trigger (VISIT_OBJECT_GAP)."""
    for country in countries:
        if country.iso3 == code:
            start, end = sent.to_folded(country.start), sent.to_folded(country.end - 1) + 1
            if -VISIT_OBJECT_GAP <= start - hit.end <= VISIT_OBJECT_GAP or 0 <= hit.start - end <= VISIT_OBJECT_GAP:
                return True
    return False


def _after_marker(lexicon: Lexicon, sent: _Sentence, countries: list[CountryMention], hit: Hit) -> str | None:
    """The country nearest the trigger right after a destination marker ("to China", "به چین",
    "إلى الصين", "访问沙特"), or after a glued one ("للدوحة")."""
    markers = lexicon.cues.get("destination")
    ends = [m.end for m in markers.find(sent.folded)] if markers else []
    glued = lexicon.glued_destinations
    marked = []
    for country in countries:
        start = sent.to_folded(country.start)
        word_start = start
        while word_start > 0 and sent.folded[word_start - 1].isalpha():
            word_start -= 1
        mention = sent.folded[start : sent.to_folded(country.end - 1) + 1]
        glued_here = sent.folded[word_start:start] in glued or any(mention.startswith(p) and len(p) > 1 for p in glued)
        if any(0 <= start - end <= MARKER_GAP for end in ends) or glued_here:
            marked.append((abs(start - hit.start), country.iso3))
    return min(marked)[1] if marked else None


_BUILDERS: dict[str, Callable[[_ArticleContext, _Sentence, list[Hit], Lexicon], list[_Draft]]] = {
    "strategic_dialogue": _dialogues,
    "agreement": _agreements,
    "investment": _investments,
    "visit": _visits,
}


# --- in-article merging ---------------------------------------------------------------


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """One event per thing reported: the same dialogue round, agreement kind, amount or host
    country mentioned in several sentences is one event with every sentence as evidence.

    A dialogue without a round joins a numbered one of overlapping parties; the pipeline's
    own dedup then applies the project-wide rules on top.
    """
    merged: list[_Draft] = []
    for draft in drafts:
        target = next((m for m in merged if _same(m, draft)), None)
        if target is None:
            merged.append(draft)
            continue
        target.sentences.extend(draft.sentences)
        if target.key is None and draft.key is not None and draft.type == "strategic_dialogue":
            target.key = draft.key
            target.fields["round"] = draft.fields["round"]
            target.fields["summary_en"] = draft.fields["summary_en"]
        if target.fields.get("date_start") is None and draft.fields.get("date_start") is not None:
            target.fields["date_start"] = draft.fields["date_start"]
            target.fields["date_end"] = draft.fields["date_end"]
        parties = [*target.fields.get("parties", []), *draft.fields.get("parties", [])]
        target.fields["parties"] = list(dict.fromkeys(parties))
    return merged


def _same(a: _Draft, b: _Draft) -> bool:
    if a.type != b.type:
        return False
    overlap = bool(a.parties & b.parties) or not a.parties or not b.parties
    if a.type == "strategic_dialogue":
        # Rounds with different dates are different meetings, even of two mechanisms both "first".
        dated = a.fields.get("date_start") and b.fields.get("date_start")
        if dated and a.fields["date_start"] != b.fields["date_start"]:
            return False
        return (a.key == b.key or a.key is None or b.key is None) and overlap
    if a.type == "investment":
        return bool(a.key == b.key)
    return bool(a.key == b.key) and overlap


__all__ = ["code_article", "country_name", "has_trigger"]
