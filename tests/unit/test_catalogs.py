"""The catalogs: every message the code asks for is in the template, none is stale, translations keep their placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog as PoCatalog

from essa_dash.cli import main
from essa_dash.paths import PACKAGE_DIR
from essa_dash.text import LANGUAGES, i18n, tr, trn, use_language
from essa_dash.text import catalog as catalog_module
from essa_dash.text.catalog import catalog, catalog_path

HINT = "run `essa-dash i18n update` (and translate the new messages)"


def ids(po: PoCatalog) -> set[object]:
    return {m.id for m in po if m.id}


def test_the_template_holds_exactly_the_messages_the_code_uses() -> None:
    in_code, in_template = ids(i18n.extract()), ids(i18n.read(i18n.TEMPLATE))
    assert in_code - in_template == set(), f"messages missing from messages.pot: {HINT}"
    assert in_template - in_code == set(), f"messages in messages.pot that no code uses: {HINT}"


def test_no_message_hides_inside_an_f_string() -> None:
    # the extractor cannot see a tr() call written inside an f-string: such a message would never reach a translator
    hidden = re.compile(r"""\bf(["']).*\{[^}]*\btrn?\(""")
    found = [
        f"{path.relative_to(PACKAGE_DIR)}:{number}"
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hidden.search(line)
    ]
    assert found == [], "move the tr() call out of the f-string: " + ", ".join(found)


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_every_language_has_a_catalog_that_passes_the_checks(code: str) -> None:
    path = catalog_path(code)
    assert path.is_file(), f"no catalog for {code}: {HINT}"
    problems = i18n.check_catalog(path, i18n.read(path, LANGUAGES[code].babel), ids(i18n.read(i18n.TEMPLATE)))
    assert problems == [], "\n".join(map(str, problems))


def test_a_translation_that_drops_or_invents_a_placeholder_is_caught(tmp_path: Path) -> None:
    po = PoCatalog(locale="vi")
    po.add("{country} in {year}", "{country} năm {year}")
    po.add("Highest: {value}", "Cao nhất: {gia_tri}")
    po.add("{n} risk", "{n} rủi ro")
    po.add(("{n} risk has no data", "{n} risks have no data"), ("không có dữ liệu",))
    problems = i18n.check_catalog(tmp_path / "vi.po", po, {"{country} in {year}", "Highest: {value}", "{n} risk", "Gone"})
    messages = [p.message for p in problems]
    assert any("differ" in m and "gia_tri" in m for m in messages)
    assert any("missing message 'Gone'" in m for m in messages)
    assert any("no longer used" in m and "risks have no data" in m for m in messages)
    assert not any("{country} năm" in m for m in messages)
    # a plural form may say "no data" without {n}: only missing *other* fields are errors
    assert not any("differ" in m and "không có" in m for m in messages)


def test_placeholders_ignore_literal_braces_and_format_specs() -> None:
    assert i18n.placeholders("{value:.1f} of {{literal}} {n}") == {"value", "n"}


def test_unreviewed_and_fuzzy_translations_are_counted_honestly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vi" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "vi" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#, unreviewed\nmsgid "No data"\nmsgstr "Không có dữ liệu"\n\n'
        'msgid "Women"\nmsgstr "Phụ nữ"\n\n'
        '#, fuzzy\nmsgid "Men"\nmsgstr "Đàn ông"\n\n'
        'msgid "Sex"\nmsgstr ""\n\n'
        'msgid "{n} risk"\nmsgid_plural "{n} risks"\nmsgstr[0] "{n} rủi ro"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(catalog_module, "LOCALE_DIR", tmp_path)
    catalog.cache_clear()
    try:
        found = catalog("vi")
        assert (found.total, found.translated, found.reviewed) == (5, 3, 2)
        with use_language("vi"):
            assert tr("No data") == "Không có dữ liệu"  # shown, though not yet reviewed
            assert tr("Men") == "Men"  # fuzzy: a guess, never shown
            assert tr("Sex") == "Sex"  # untranslated: English, counted as such
            assert trn("{n} risk", "{n} risks", 3) == "3 rủi ro"
    finally:
        catalog.cache_clear()


def test_i18n_status_lists_every_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "status"]) == 0
    out = capsys.readouterr().out
    for code, lang in LANGUAGES.items():
        assert f"{code} {lang.english_name}" in out


def test_i18n_compile_finds_no_problem_in_the_shipped_catalogs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "compile"]) == 0, capsys.readouterr().err


def test_a_deck_spec_may_set_its_language(tmp_path: Path) -> None:
    from essa_dash.errors import DataError
    from essa_dash.export.deck import read_spec

    spec = tmp_path / "deck.json"
    spec.write_text('{"views": ["/"], "lang": "vi"}')
    assert read_spec(spec)["lang"] == "vi"
    spec.write_text('{"views": ["/"], "lang": "xx"}')
    with pytest.raises(DataError, match="unknown 'lang'"):
        read_spec(spec)


def test_burmese_is_unicode_not_zawgyi() -> None:
    # Zawgyi, the legacy Burmese encoding, stores the vowel sign E (U+1031) before its consonant and draws
    # stacked consonants with code points Unicode gives to Mon and Shan; text in it turns to mojibake in Unicode fonts
    texts = [m.string for m in i18n.read(catalog_path("my"), "my") if m.id and isinstance(m.string, str) and m.string]
    assert texts, "the Burmese catalog has translations"
    for text in texts:
        assert not re.search(r"(^|[^\u1000-\u109f])\u1031", text), f"vowel sign E before its consonant (Zawgyi order): {text!r}"
        assert not re.search(r"[\u1060-\u1097]", text), f"Zawgyi stacking code points: {text!r}"
