"""A scripted model that answers from gold events, with the mistakes real models make.

It measures the verification layer: every article it knows (the seeds, the
development corpus) is answered from its gold file, then spoiled, each mistake
at a stated rate (`NoiseRates`) with a seeded random generator, so the same
article always gets the same answer. Three re-ask behaviours cover what models
do when told what was wrong:

- ``fixes``: the events and fields the re-ask names are set to their gold
  values; a named event with no gold (an invented one) is withdrawn;
- ``repeats``: the same answer again;
- ``drops``: the answer without the named events.

``perfect`` answers the gold as it is (and repeats it when re-asked).

The model is stateless like a real endpoint: it recognises the article in the
first user message, rebuilds its first answer from the seed, and replays every
re-ask found in the conversation. A re-ask names an event by its index in the
previous answer and, optionally, a field: ``events[2].parties`` (this
project's re-asks) or ``events.2.investment.parties.0`` (pydantic locations,
as instructor's re-asks print them).

Serve it with `NoisyModel.server()` (a `FakeOpenAI` on 127.0.0.1), or call
`NoisyModel.respond(request_body)` in-process.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import pycountry
from babel import Locale

from extractor.reader import parse_article
from extractor.testing.fake_openai import FakeOpenAI, Reply

__all__ = ["BEHAVIOURS", "Behaviour", "Drafted", "GoldArticle", "NoiseRates", "NoisyModel", "load_articles"]

Behaviour = Literal["perfect", "fixes", "repeats", "drops"]
BEHAVIOURS: tuple[Behaviour, ...] = ("perfect", "fixes", "repeats", "drops")


@dataclass(frozen=True)
class NoiseRates:
    """How often each mistake is made: per quote, per event or per article, as named."""

    # per quote
    quote_other_digits: float = 0.3  # ASCII digits in Persian/Arabic-Indic script or back
    quote_paraphrase: float = 0.1  # one word left out
    quote_punctuation: float = 0.15  # a comma dropped, spaces doubled, a full stop added
    quote_english: float = 0.1  # the quote replaced by an English rendering
    quote_changed_digit: float = 0.05  # one digit changed
    # per event
    parties_alpha2: float = 0.15  # 'CN' for 'CHN' (also every *_iso3 field)
    parties_english: float = 0.1  # 'China' for 'CHN'
    date_off_by_one: float = 0.1
    date_written: float = 0.15  # 'July 31, 2023'
    amount_scale: float = 0.15  # million for billion, or the reverse
    amount_as_text: float = 0.1  # '7.5 billion' or '7,500,000,000' instead of a number
    currency_wrong: float = 0.1  # another ISO code
    currency_word: float = 0.1  # 'dollars', '$', 'یوان'
    currency_missing: float = 0.05
    qualifier_wrong: float = 0.15
    # per article (0 or 1)
    invented_event: float = 1.0  # an event with an invented quote
    duplicate_event: float = 1.0  # one event given twice, with another quote
    false_event_on_negative: float = 1.0  # a plausible event whose quote is in the text

    @classmethod
    def none(cls) -> NoiseRates:
        return cls(**{f.name: 0.0 for f in fields(cls)})


@dataclass(frozen=True)
class GoldArticle:
    article_id: str
    text: str  # the file as read, header line included
    body: str
    published: date | None
    gold: list[dict[str, Any]]


@dataclass
class Drafted:
    """One event of an answer and where it came from (None: invented by the model)."""

    event: dict[str, Any]
    origin: dict[str, Any] | None


def load_articles(pairs: Iterable[tuple[Path, Path]]) -> list[GoldArticle]:
    """Articles of each (articles folder, gold folder) pair that have a gold file."""
    out = []
    for articles, gold_dir in pairs:
        for path in sorted(Path(articles).glob("*.txt")):
            gold_path = Path(gold_dir) / f"{path.stem}.json"
            if not gold_path.is_file():
                continue
            article = parse_article(path.read_bytes(), path=str(path), article_id=path.stem)
            gold = json.loads(gold_path.read_text(encoding="utf-8"))["events"]
            out.append(GoldArticle(path.stem, article.text, article.body, article.published, gold))
    return out


# --- the clean answer a perfect model gives -------------------------------------------


def answer_from_gold(gold: Mapping[str, Any]) -> dict[str, Any]:
    """The answer-schema event a perfect model gives for one gold event."""
    event: dict[str, Any] = {
        "type": gold["type"],
        "status": gold["status"],
        "summary_en": (gold.get("note") or gold["type"]).split(". ")[0][:200],
        "date_start": gold.get("date_start"),
        "date_end": gold.get("date_end"),
        "parties": list(gold.get("countries") or []),
        "location": {"name_en": None, "country_iso3": gold.get("location_country")}
        if gold.get("location_country")
        else None,
        "evidence": list(gold["evidence"]),
    }
    kind = gold["type"]
    if kind == "strategic_dialogue":
        event["round"] = gold.get("round")
    elif kind == "agreement":
        event.update(kind=gold["kind"], agreement_status=gold["agreement_status"], title_en=gold.get("title_en"))
    elif kind == "investment":
        event.update(
            amount=gold["amount"],
            currency=gold["currency"],
            amount_text=_amount_text(gold),
            qualifier=gold.get("qualifier", "exact"),
            figure_kind=gold["figure_kind"],
            project=gold.get("project"),
        )
    elif kind == "visit":
        countries = list(gold.get("countries") or [])
        host = gold.get("location_country") or (countries[-1] if countries else "USA")
        event.update(visitor={"name_en": gold.get("visitor") or "unknown"}, host_country_iso3=host)
    return event


def _amount_text(gold: Mapping[str, Any]) -> str:
    """The article's words for the amount: the money mention in the evidence with the gold amount."""
    from extractor.mentions.money import find_money

    for quote in gold["evidence"]:
        for money in find_money(quote):
            if abs(money.amount - gold["amount"]) <= 0.005 * gold["amount"]:
                return money.text
    return gold["evidence"][0]


# --- spoiling ------------------------------------------------------------------------------

_OTHER_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_TO_ASCII = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_CURRENCY_WORDS = {"USD": "dollars", "EUR": "€", "CNY": "یوان", "PKR": "rupees", "SAR": "riyals", "GBP": "£"}
_QUALIFIERS = ("exact", "more_than", "less_than", "about", "up_to")
_INVENTED = (
    "The two sides also agreed to expand cooperation in space technology and satellite launches.",
    "Officials announced a new joint fund of 2 billion dollars for renewable energy.",
    "Both ministers signed a memorandum on cultural exchanges and tourism promotion.",
)


class _Spoiler:
    def __init__(self, rates: NoiseRates, rng: random.Random) -> None:
        self.rates = rates
        self.rng = rng

    def hit(self, rate: float) -> bool:
        # Always draw, so one rate set to zero does not shift every later draw.
        return self.rng.random() < rate

    def event(self, clean: dict[str, Any]) -> dict[str, Any]:
        event = copy.deepcopy(clean)
        r = self.rates
        event["evidence"] = [self.quote(q, event) for q in event["evidence"]]
        alpha2, english = self.hit(r.parties_alpha2), self.hit(r.parties_english)
        if alpha2 or english:
            event["parties"] = [_country_as(code, "alpha2" if alpha2 else "english") for code in event["parties"]]
            for holder, key in _iso3_fields(event):
                holder[key] = _country_as(holder[key], "alpha2" if alpha2 else "english")
        off, written = self.hit(r.date_off_by_one), self.hit(r.date_written)
        for key in ("date_start", "date_end"):
            if event.get(key):
                day = date.fromisoformat(event[key])
                if off:
                    day += timedelta(days=self.rng.choice((-1, 1)))
                event[key] = f"{day:%B} {day.day}, {day.year}" if written else day.isoformat()
        if event["type"] == "investment":
            self._money(event)
        return event

    def _money(self, event: dict[str, Any]) -> None:
        r = self.rates
        scale, as_text = self.hit(r.amount_scale), self.hit(r.amount_as_text)
        if scale:
            factor = 1e-3 if event["amount"] >= 1e9 else 1e3
            event["amount"] = event["amount"] * factor
        if as_text:
            amount = event["amount"]
            if amount >= 1e9 and self.rng.random() < 0.5:
                event["amount"] = f"{amount / 1e9:g} billion"
            elif amount >= 1e6 and self.rng.random() < 0.5:
                event["amount"] = f"{amount / 1e6:g} million"
            else:
                event["amount"] = f"{amount:,.0f}"
        wrong, word, missing = self.hit(r.currency_wrong), self.hit(r.currency_word), self.hit(r.currency_missing)
        if missing:
            event.pop("currency")
        elif wrong:
            event["currency"] = "EUR" if event["currency"] != "EUR" else "USD"
        elif word and event["currency"] in _CURRENCY_WORDS:
            event["currency"] = _CURRENCY_WORDS[event["currency"]]
        if self.hit(r.qualifier_wrong):
            event["qualifier"] = self.rng.choice([q for q in _QUALIFIERS if q != event["qualifier"]])

    def quote(self, quote: str, event: Mapping[str, Any]) -> str:
        r = self.rates
        other, paraphrase, punct = (
            self.hit(r.quote_other_digits),
            self.hit(r.quote_paraphrase),
            self.hit(r.quote_punctuation),
        )
        english, changed = self.hit(r.quote_english), self.hit(r.quote_changed_digit)
        if english:
            return str(event["summary_en"])
        if other:
            ascii_form = quote.translate(_TO_ASCII)
            if ascii_form != quote:
                quote = ascii_form
            else:
                quote = quote.translate(self.rng.choice((_OTHER_DIGITS, _ARABIC_INDIC)))
        if paraphrase:
            words = quote.split(" ")
            if len(words) >= 6:
                del words[self.rng.randrange(1, len(words) - 1)]
                quote = " ".join(words)
        if punct:
            quote = quote.replace("،", "").replace(",", "").replace(" ", "  ", 1).rstrip(".") + "."
        if changed:
            digits = [i for i, ch in enumerate(quote) if ch.isdigit()]
            if digits:
                i = self.rng.choice(digits)
                value = int(quote[i].translate(_TO_ASCII)) if not quote[i].isascii() else int(quote[i])
                quote = quote[:i] + str((value + 1) % 10) + quote[i + 1 :]
        return quote


def _iso3_fields(event: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    found: list[tuple[dict[str, Any], str]] = []
    for key, value in event.items():
        if key.endswith("_iso3") and isinstance(value, str):
            found.append((event, key))
        elif isinstance(value, dict):
            found.extend(_iso3_fields(value))
    return found


def _country_as(code: str, form: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    if form == "alpha2":
        return str(country.alpha_2)
    return str(Locale("en").territories.get(country.alpha_2, country.name))


# --- the model --------------------------------------------------------------------------

_NAMED = re.compile(r"events(?:\[(\d+)\]|\.(\d+))((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\.\d+)*)")
_TYPE_NAMES = frozenset({"strategic_dialogue", "agreement", "investment", "visit"})


class NoisyModel:
    def __init__(
        self,
        articles: Iterable[GoldArticle],
        behaviour: Behaviour,
        rates: NoiseRates | None = None,
        seed: int = 0,
    ) -> None:
        self.articles = {a.article_id: a for a in articles}
        self.behaviour = behaviour
        self.rates = NoiseRates.none() if behaviour == "perfect" else (rates or NoiseRates())
        self.seed = seed

    # What a benchmark compares the pipeline's output with.
    def first_answer(self, article_id: str) -> list[Drafted]:
        article = self.articles[article_id]
        rng = random.Random(f"{self.seed}:{article_id}")
        spoil = _Spoiler(self.rates, rng)
        drafted = [Drafted(spoil.event(answer_from_gold(g)), answer_from_gold(g)) for g in article.gold]
        if drafted and spoil.hit(self.rates.duplicate_event):
            original = rng.choice(drafted)
            twin = copy.deepcopy(original.event)
            quotes = original.origin["evidence"] if original.origin else twin["evidence"]
            twin["evidence"] = [quotes[-1]]  # the same event, told by another sentence when there is one
            twin["summary_en"] = "Also: " + twin["summary_en"]
            drafted.insert(drafted.index(original) + 1, Drafted(twin, original.origin))
        if drafted and spoil.hit(self.rates.invented_event):
            invented = copy.deepcopy(rng.choice(drafted).event)
            invented["evidence"] = [rng.choice(_INVENTED)]
            invented["summary_en"] = invented["evidence"][0]
            drafted.insert(rng.randrange(len(drafted) + 1), Drafted(invented, None))
        if not article.gold and spoil.hit(self.rates.false_event_on_negative):
            drafted.append(Drafted(_false_event(article, rng), None))
        return drafted

    def answer_for(self, article_id: str, reasks: list[str]) -> list[Drafted]:
        """The answer after the given re-ask messages, replayed in order."""
        drafted = self.first_answer(article_id)
        for message in reasks:
            drafted = self._after_reask(drafted, message)
        return drafted

    def _after_reask(self, drafted: list[Drafted], message: str) -> list[Drafted]:
        if self.behaviour in ("perfect", "repeats"):
            return drafted
        named = _named(message, len(drafted))
        if self.behaviour == "drops":
            return [d for i, d in enumerate(drafted) if i not in named]
        out = []
        for i, item in enumerate(drafted):
            if i not in named:
                out.append(item)
            elif item.origin is not None:  # fix the fields named (all of them when none is)
                fixed = copy.deepcopy(item.event)
                for key in named[i] or set(item.origin):
                    if key in item.origin:
                        fixed[key] = copy.deepcopy(item.origin[key])
                    else:
                        fixed.pop(key, None)
                out.append(Drafted(fixed, item.origin))
            # an invented event the re-ask questions is withdrawn
        return out

    # --- the HTTP side -------------------------------------------------------------------

    def article_of(self, messages: list[Mapping[str, Any]]) -> GoldArticle | None:
        users = [m for m in messages if m.get("role") == "user"]
        content = _text(users[0].get("content")) if users else ""
        for article in self.articles.values():
            if article.body.strip() in content:
                return article
        return None

    def respond(self, body: Mapping[str, Any]) -> Reply:
        messages = list(body.get("messages") or [])
        article = self.article_of(messages)
        if article is None:
            return Reply.answer({"events": []})
        first_user = next(i for i, m in enumerate(messages) if m.get("role") == "user")
        reasks = [_text(m.get("content")) for m in messages[first_user + 1 :] if m.get("role") in ("user", "tool")]
        drafted = self.answer_for(article.article_id, reasks)
        return Reply.answer({"events": [d.event for d in drafted]})

    def server(self, **kwargs: Any) -> FakeOpenAI:
        return FakeOpenAI(responder=self.respond, **kwargs)

    def with_behaviour(self, behaviour: Behaviour) -> NoisyModel:
        model = NoisyModel(self.articles.values(), behaviour, None if behaviour == "perfect" else self.rates, self.seed)
        return model


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping))
    return ""


def _named(message: str, count: int) -> dict[int, set[str]]:
    """Event index -> top-level fields named in a re-ask (empty: the whole event)."""
    named: dict[int, set[str]] = {}
    for match in _NAMED.finditer(message):
        index = int(match.group(1) or match.group(2))
        if index >= count:
            continue
        path = [p for p in re.split(r"[.\[\]]", match.group(3)) if p and not p.isdigit()]
        if path and path[0] in _TYPE_NAMES:  # pydantic puts the union tag in the location
            path = path[1:]
        fields_named = named.setdefault(index, set())
        if path:
            fields_named.add(path[0])
    return named


def _false_event(article: GoldArticle, rng: random.Random) -> dict[str, Any]:
    """A plausible event on an article that reports none: a real sentence of it, read as an agreement."""
    from extractor.mentions.countries import find_countries

    sentences = [s.strip() for s in re.split(r"[.\n!?؟。۔]", article.body) if len(s.strip()) >= 25]
    quote = (rng.choice(sentences) if sentences else article.body.strip())[:120]
    parties = sorted({c.iso3 for c in find_countries(article.body)})[:2]
    return {
        "type": "agreement",
        "status": "occurred",
        "summary_en": "The parties reached an agreement.",
        "date_start": None,
        "date_end": None,
        "parties": parties,
        "location": None,
        "kind": "agreement",
        "agreement_status": "signed",
        "title_en": None,
        "evidence": [quote],
    }


def replace_rates(rates: NoiseRates, **changes: float) -> NoiseRates:
    return replace(rates, **changes)
