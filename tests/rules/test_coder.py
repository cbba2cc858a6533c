"""Each event type in each language, from short sentences written for these tests, plus the
negatives a trigger word alone would get wrong (football contracts, corporate profits)."""

from __future__ import annotations

import pytest

from tests.rules.conftest import code, of_type

# --- strategic dialogue: parties and the round, from ordinal words or digits -------------


@pytest.mark.parametrize(
    ("body", "round_"),
    [
        ("The fifth round of the Pakistan-China strategic dialogue was held in Beijing.", 5),
        ("India and Japan held their 3rd strategic dialogue in Tokyo on Monday.", 3),
        ("La France et l'Inde ont tenu à Paris leur deuxième dialogue stratégique.", 2),
        ("دور سوم گفت‌وگوی راهبردی ایران و چین در تهران برگزار شد.", 3),
        ("دومین دور گفتگوهای راهبردی ایران و روسیه در مسکو برگزار شد.", 2),
        ("عقدت الجولة الرابعة من الحوار الاستراتيجي بين مصر والسعودية في القاهرة.", 4),
        ("پاکستان اور ترکی کے درمیان چوتھا اسٹریٹجک ڈائیلاگ انقرہ میں ہوا۔", 4),
        ("中国和巴基斯坦在北京举行第六轮战略对话。", 6),
        ("中國和美國在華盛頓舉行第二輪戰略對話。", 2),
    ],
)
def test_dialogue_with_its_round(body: str, round_: int) -> None:
    [dialogue] = of_type(code(body), "strategic_dialogue")
    assert dialogue["round"] == round_
    assert len(dialogue["parties"]) == 2


def test_mentions_of_one_dialogue_are_one_event_with_every_sentence() -> None:
    body = (
        "Pakistan and China held the seventh round of their strategic dialogue in Beijing.\n"
        "The weather was cold.\n"
        "At the close of the strategic dialogue, Pakistan and China issued a joint statement."
    )
    [dialogue] = of_type(code(body), "strategic_dialogue")
    assert dialogue["round"] == 7
    assert len(dialogue["evidence"]) == 2


# --- agreements: kind from the trigger, status from signing/future cues --------------------


@pytest.mark.parametrize(
    ("body", "kind", "agreement_status"),
    [
        ("Iran and Iraq signed a memorandum of understanding on electricity.", "mou", "signed"),
        ("Egypt and Qatar will sign an agreement on ports next month.", "agreement", "planned"),
        ("Brazil and Argentina issued a joint statement after the summit.", "joint_statement", "agreed"),
        ("Le Maroc et la France ont signé un protocole d'accord sur l'eau.", "mou", "signed"),
        ("ایران و عراق یک یادداشت تفاهم در زمینه برق امضا کردند.", "mou", "signed"),
        ("وقعت مصر والأردن مذكرة تفاهم للتعاون في مجال الطاقة.", "mou", "signed"),
        ("پاکستان اور سعودی عرب نے توانائی کے شعبے میں معاہدے پر دستخط کیے۔", "agreement", "signed"),
        ("中国与沙特签署了谅解备忘录。", "mou", "signed"),
        ("中國與泰國發表聯合聲明。", "joint_statement", "agreed"),
        ("China and Laos adopted an action plan for 2024-2028.", "action_plan", "agreed"),
    ],
)
def test_agreement_kind_and_status(body: str, kind: str, agreement_status: str) -> None:
    [agreement] = of_type(code(body), "agreement")
    assert (agreement["kind"], agreement["agreement_status"]) == (kind, agreement_status)
    assert agreement["parties"]


# --- investment: money attached to an investment trigger, state-level only -----------------


@pytest.mark.parametrize(
    ("body", "amount", "currency", "figure_kind"),
    [
        ("Saudi Arabia will invest $10 billion in a refinery in Pakistan.", 10e9, "USD", "investment"),
        ("China granted Nepal a loan of 200 million dollars.", 200e6, "USD", "loan"),
        ("La France accordera au Sénégal une aide de 50 millions d'euros.", 50e6, "EUR", "aid"),
        ("روسیه ۵ میلیارد دلار در طرح‌های گازی ایران سرمایه‌گذاری می‌کند.", 5e9, "USD", "investment"),
        ("قدمت الكويت وديعة بقيمة 2 مليار دولار للبنك المركزي المصري.", 2e9, "USD", "loan"),
        ("چین نے پاکستان کو 2 ارب ڈالر کا قرض دیا۔", 2e9, "USD", "loan"),
        ("中国向柬埔寨提供5亿元人民币无偿援助。", 5e8, "CNY", "aid"),
        ("Bilateral trade between India and the UAE reached $85 billion last year.", 85e9, "USD", "trade_volume"),
    ],
)
def test_investment_figure(body: str, amount: float, currency: str, figure_kind: str) -> None:
    [figure] = of_type(code(body), "investment")
    assert (figure["amount"], figure["currency"], figure["figure_kind"]) == (amount, currency, figure_kind)


def test_a_trade_target_is_planned() -> None:
    [figure] = of_type(code("Iran and Turkey aim to raise bilateral trade to $30 billion."), "investment")
    assert (figure["figure_kind"], figure["status"]) == ("trade_target", "planned")


@pytest.mark.parametrize(
    "body",
    [
        "The club signed the striker on a contract worth $20 million a season.",
        "باشگاه پرسپولیس با این بازیکن قراردادی به ارزش ۳۰ میلیارد تومان بست.",
        "بلغ صافي أرباح البنوك السعودية 20 مليار ريال في الربع الأول.",
        "台积电第一季净利润达3000亿元新台币，投资人看好。",
        "La banque a publié un bénéfice net de 3 milliards d'euros au premier trimestre.",
        "کرکٹ بورڈ نے ٹیم کی اسپانسرشپ کا معاہدہ 2 ارب روپے میں کیا۔",
        "The company invested $3 million in a new factory.",
    ],
)
def test_no_event_from_corporate_or_sports_money(body: str) -> None:
    assert code(body) == []


# --- visits: host, visitor, status -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "host", "visitor_country"),
    [
        ("Pakistan's Prime Minister Shehbaz Sharif arrived in Riyadh on an official visit.", "SAU", "PAK"),
        ("Le président français Emmanuel Macron effectue une visite d'État au Maroc.", "MAR", "FRA"),
        ("رئیس جمهور ایران برای یک سفر رسمی به عراق رفت.", "IRQ", "IRN"),
        ("وصل الرئيس المصري إلى الدوحة في زيارة رسمية.", "QAT", "EGY"),
        ("ترکی کے صدر پاکستان کے سرکاری دورے پر اسلام آباد پہنچے۔", "PAK", "TUR"),
        ("法国总统抵达北京，开始对中国进行国事访问。", "CHN", "FRA"),
    ],
)
def test_visit_host_and_visitor_country(body: str, host: str, visitor_country: str) -> None:
    [visit] = of_type(code(body), "visit")
    assert visit["host_country_iso3"] == host
    assert visit["visitor"]["country_iso3"] == visitor_country


def test_the_visitor_is_the_person_named_after_the_title() -> None:
    [visit] = of_type(code("Pakistan's Prime Minister Shehbaz Sharif arrived in Riyadh on a visit."), "visit")
    assert visit["visitor"]["name_en"] == "Shehbaz Sharif"
    [visit] = of_type(code("中国国家主席习近平抵达利雅得，对沙特进行国事访问。"), "visit")
    assert visit["visitor"]["name_en"] == "习近平"  # no English name is invented


def test_a_quoted_name_stays_in_the_articles_script() -> None:
    [visit] = of_type(code("«علی لاریجانی» برای دیداری رسمی به پاکستان سفر کرد."), "visit")
    assert visit["visitor"]["name_en"] == "علی لاریجانی"


@pytest.mark.parametrize(
    "body",
    [
        "President Macron visited the agricultural fair in Paris on Saturday.",
        "پاکستانی ٹیم انگلینڈ کے دورے پر ٹیسٹ سیریز کھیلے گی۔",
        "The England team arrived in Pakistan for a cricket series.",
    ],
)
def test_no_visit_without_a_foreign_host_or_in_sport(body: str) -> None:
    assert of_type(code(body), "visit") == []


# --- status: dates against the publication date, else tense and aspect -----------------------


@pytest.mark.parametrize(
    ("body", "published", "status"),
    [
        ("The Chinese premier will visit Pakistan on 20 March 2026.", "2026-03-01", "planned"),
        ("The Chinese premier visited Pakistan on 2 March 2026.", "2026-03-05", "occurred"),
        ("The Chinese premier is visiting Pakistan from 1 to 9 March 2026.", "2026-03-05", "ongoing"),
        ("The Chinese premier will visit Pakistan soon.", None, "planned"),
        ("نخست وزیر چین به زودی به پاکستان سفر خواهد کرد.", None, "planned"),
        ("سيزور رئيس الوزراء الصيني باكستان الشهر المقبل.", None, "planned"),
        ("چینی وزیراعظم اگلے ماہ پاکستان کا دورہ کریں گے۔", None, "planned"),
        ("中国总理将访问巴基斯坦。", None, "planned"),
        ("Le Premier ministre chinois se rendra au Pakistan.", None, "planned"),
        ("The Chinese premier visited Pakistan last year.", None, "occurred"),
    ],
)
def test_visit_status(body: str, published: str | None, status: str) -> None:
    [visit] = of_type(code(body, published), "visit")
    assert visit["status"] == status


def test_evidence_is_the_sentence_itself() -> None:
    body = "Nothing here.\nPakistan and China signed a memorandum of understanding on railways.\nMore."
    [agreement] = code(body)
    assert agreement["evidence"] == ["Pakistan and China signed a memorandum of understanding on railways."]
