"""Every page in every shipped language, in Chromium: no English left, numbers in the locale's form, layout holds.

"No English left" is found two ways. Any text on the page that *is* a catalog
message (or a message with its placeholders filled) while the language has a
translation for it means a string escaped ``tr()``. And any run of text that reads
as English (several English function words) outside an element marked
``lang="en"`` (source titles, citations, licences, the ILO's quoted wording: never translated;
the explorer table's columns of the source's own notes are marked ``source-words`` and ``lang="en"``) and outside
the chart footnotes' citations of the sources (plotly's SVG text has no ``lang``).
means a sentence that never reached the catalog. Chart text is part of the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.numbers import get_decimal_symbol
from playwright.sync_api import Browser, Page

from essa_dash.store import read_store
from essa_dash.text import LANGUAGES
from essa_dash.text.catalog import catalog
from essa_dash.text.i18n import TEMPLATE, read
from tests.e2e.conftest import screenshot

#: Complete languages: every message translated, so any English on a page is a defect.
COMPLETE = ("id", "vi", "km", "ms", "fil", "my", "th", "lo")
PAGES = ("/", "/country/VNM", "/risk/old_age", "/progress", "/data", "/deck", "/languages")
#: Words that mark a sentence as English (none is a word of Indonesian or Vietnamese).
ENGLISH = re.compile(r"\b(the|and|of|with|without|from|which|is|are|not|for|each|by)\b")

#: Text of the page outside elements marked lang="en", one string per text node (chart text included).
TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, [lang="en"], pre, code, .permalink, .source-words')) continue;
    const style = getComputedStyle(parent);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  return out;
}"""


def _patterns(code: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """English messages this language translates: exact texts, and placeholder messages as patterns."""
    translated = catalog(code).singular
    exact, patterns = set(), []
    for message in read(TEMPLATE):
        if not isinstance(message.id, str) or not message.id or translated.get(message.id, message.id) == message.id:
            continue
        if "{" in message.id:
            body = re.sub(r"\\\{\w+\\\}", ".+", re.escape(message.id))
            if len(re.sub(r"\{\w+\}", "", message.id).strip()) >= 12:  # enough fixed words to be sure
                patterns.append(re.compile(f"^{body}$"))
        elif len(message.id) >= 4 and re.search("[a-z]", message.id):
            exact.add(message.id.strip())
    return exact, patterns


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#content main", timeout=30_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.querySelector('[data-dash-is-loading=\"true\"]') === null", timeout=30_000)


@pytest.fixture(scope="module")
def citations(built_root: Path) -> list[str]:
    """Every source's title and citation: a chart footnote quotes them, wrapped over several lines, in English."""
    sources = read_store(built_root).sources
    return [str(v) for v in [*sources["title"], *sources["citation"]] if isinstance(v, str)]


def _quoted(text: str, citations: list[str]) -> bool:
    """A footnote line made of pieces of the sources' citations (a wrapped line may end one and start the next)."""
    cited = text.split(" † ")[0]  # what follows the dagger is the flag key, in the page's language
    pieces = [p for p in re.split(r"(?<=\.)\s+", cited) if p.strip()]
    return len(cited) >= 20 and all(any(piece in citation for citation in citations) for piece in pieces)


def _english_left(texts: list[str], code: str, citations: list[str]) -> list[str]:
    exact, patterns = _patterns(code)
    left = []
    for text in texts:
        if _quoted(text, citations):
            continue
        text = re.sub(r"“[^”]*”", "“”", text)  # a quotation (the UN's own label of a series) is never translated
        if text in exact or any(p.match(text) for p in patterns):
            left.append(f"untranslated message: {text!r}")
        elif len(ENGLISH.findall(text.lower())) >= 2 and len(text.split()) >= 4:
            left.append(f"English sentence: {text!r}")
    return left


@pytest.mark.parametrize("code", COMPLETE)
def test_every_page_has_no_english_left(page: Page, base_url: str, code: str, citations: list[str]) -> None:
    problems = []
    for path in PAGES:
        _open(page, f"{base_url}{path}?lang={code}")
        assert page.evaluate("document.documentElement.lang") == code, path
        problems += [f"{path}: {p}" for p in _english_left(page.evaluate(TEXTS), code, citations)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("code", COMPLETE)
def test_numbers_are_written_the_locales_way(page: Page, base_url: str, code: str) -> None:
    _open(page, f"{base_url}/country/IDN?lang={code}")
    text = " ".join(page.evaluate(TEXTS))
    decimal = get_decimal_symbol(LANGUAGES[code].babel)  # CLDR's: a comma in Indonesian, a point in Khmer
    other = "." if decimal == "," else ","
    assert re.search(rf"\b\d{{1,3}}{re.escape(decimal)}\d%", text), f"the locale's decimal sign before the per cent sign (52{decimal}3%)"
    assert not re.search(rf"\b\d{{1,3}}{re.escape(other)}\d%", text), f"no '{other}' as the decimal sign in a percentage"
    _open(page, f"{base_url}/data?lang={code}&country=IDN&sort=coverage_pct&desc=true")
    shares = page.locator("#explorer-table .col-coverage_pct").all_inner_texts()
    assert any(re.fullmatch(rf"\d{{1,3}}{re.escape(decimal)}\d+", s) for s in shares), "the table's figures with the locale's decimal sign"
    assert not any(other in s for s in shares), f"no '{other}' in the table's figures"


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_each_language_opens_with_its_switcher_and_fits_a_phone(browser: Browser, base_url: str, code: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for path in ("/", "/country/KHM"):
            _open(page, f"{base_url}{path}?lang={code}")
            assert page.evaluate("document.documentElement.lang") == code
            switcher = page.locator("#language-switcher a")
            assert switcher.all_inner_texts() == [lang.name for lang in LANGUAGES.values()]
            assert page.locator("#language-switcher a.current").get_attribute("lang") == code
            # the longest words of a language still fit: nothing pushes the page sideways
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} in {code} is {overflow}px wider than the phone"
            h1 = page.locator("h1").first
            assert h1.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), f"{path} title overflows in {code}"
        screenshot(page, f"lang-{code}-390")
    finally:
        context.close()


def test_the_language_is_kept_when_a_control_changes(page: Page, base_url: str) -> None:
    from tests.e2e.conftest import choose

    _open(page, f"{base_url}/country/VNM?lang=vi")
    page.locator("#control-sex label", has_text="Nữ").click()
    page.wait_for_url(re.compile(r"sex=female"), timeout=30_000)
    assert "lang=vi" in page.url
    choose(page, "iso3", "Campuchia")
    page.wait_for_url(re.compile(r"/country/KHM"), timeout=30_000)
    assert "lang=vi" in page.url and page.evaluate("document.documentElement.lang") == "vi"
    assert page.locator("a.nav-link").first.get_attribute("href").endswith("lang=vi")


def test_first_visit_follows_the_browser_language(browser: Browser, base_url: str) -> None:
    context = browser.new_context(locale="id-ID", extra_http_headers={"Accept-Language": "id-ID,id;q=0.9"})
    page = context.new_page()
    try:
        _open(page, base_url + "/")
        assert page.evaluate("document.documentElement.lang") == "id"
        assert page.locator("h1").first.inner_text() == "Siapa yang tertinggal tanpa perlindungan sosial?"
        page.locator("#language-switcher a[lang=vi]").click()
        page.wait_for_url(re.compile(r"lang=vi"))
        _open(page, page.url)
        assert page.locator("h1").first.inner_text() == "Ai còn nằm ngoài an sinh xã hội?"
    finally:
        context.close()
