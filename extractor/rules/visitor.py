"""The visitor of a visit: the person named next to the visit trigger, in the article's script.

No transliteration is invented: a name the article writes in Persian stays in
Persian. Found, in order of preference, nearest to the trigger:
1. a short quoted name («اسحاق دار», "Ishaq Dar");
2. the words after an office title from the lexicon ("President Emmanuel Macron",
   "国家主席习近平", "الرئيس الصيني شي جين بينغ"): capitalised words in Latin script,
   two or three characters in Chinese, the next words (nationality adjectives skipped)
   in Arabic;
3. the title itself ("وزیر امور خارجه"): an office is better than nothing.
"""

from __future__ import annotations

import re

from extractor.rules.lexicon import Lexicon

_TRIM = " \t,،;؛:.()«»\"“”'"
_QUOTED = re.compile(r"[«\"“]([^«»\"“”\n]{2,40})[»\"”]")
_LATIN_NAME = re.compile(r"\s*((?:[A-Z][\w'’-]+\.?\s?){1,3})")
_CJK_NAME = re.compile(r"([\u4e00-\u9fff]{2,3})")
_ARABIC_WORD = re.compile(r"\s*([\u0600-\u06ff]+)")
# Chinese characters that end a name: verbs and prepositions that follow it.
_CJK_STOP = set("于在将对访抵到与和及同会出已曾也就是的率表说称")
# Arabic words after a title that are not a name (prepositions, "of the state", ...).
_ARABIC_STOP = {"في", "إلى", "الى", "من", "على", "عن", "مع", "خلال", "دولة"}
# Name parts after which a word with the article still belongs to the name (عبد الفتاح, بن حمد آل ثاني).
_ARABIC_JOINERS = {"عبد", "أبو", "ابو", "بن", "آل", "ابن", "بنت"}


def visitor_name(lexicon: Lexicon, text: str, folded: str, origin: tuple[int, ...], at: int) -> str | None:
    """The visitor's name in sentence `text` (folded: `folded`, folded offset -> `origin`), near `at`."""
    quoted = [(abs(origin[min(at, len(origin) - 1)] - m.start()), m.group(1).strip()) for m in _QUOTED.finditer(text)]
    quoted = [(gap, name) for gap, name in quoted if len(name.split()) <= 4]
    if quoted:
        return min(quoted)[1].strip(_TRIM)
    titles = lexicon.cues.get("titles")
    if titles is None:
        return None
    hits = titles.find(folded)
    if not hits:
        return None
    title = min(hits, key=lambda h: abs(h.start - at))
    start, end = origin[title.start], origin[min(title.end, len(origin) - 1)]
    after = text[end:]
    name = _name_after(lexicon.language, after)
    return (name or text[start:end]).strip(_TRIM)


def _name_after(language: str, after: str) -> str | None:
    if language in ("en", "fr"):
        match = _LATIN_NAME.match(after)
        return match.group(1).strip() if match else None
    if language == "zh":
        match = _CJK_NAME.match(after)
        if not match:
            return None
        name = match.group(1)
        return name[:2] if name[2:] and name[2] in _CJK_STOP else name
    if language == "ar":
        words: list[str] = []
        for match in _ARABIC_WORD.finditer(after):
            word = match.group(1)
            if not words and word.startswith("ال"):
                continue  # a nationality or office adjective: "الرئيس الصيني ..."
            joined = bool(words) and words[-1] in _ARABIC_JOINERS
            if word in _ARABIC_STOP or (word.startswith("ال") and not joined) or len(words) == 4:
                break
            words.append(word)
            if match.end() < len(after) and after[match.end()] not in " ":
                break
        return " ".join(words) or None
    return None
