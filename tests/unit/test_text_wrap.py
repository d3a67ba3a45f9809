"""Line breaking for chart titles: as few lines as the width allows, of even length, words kept whole."""

from __future__ import annotations

import itertools

import pytest

from essa_dash.text import segment
from essa_dash.text.wrap import wrap


def test_even_lines_no_word_alone() -> None:
    first, second = wrap("Older persons receiving a pension: Member States ranked, latest year in ILOSTAT 2025", 80)
    assert abs(len(first) - len(second)) < 15


def test_every_line_fits_and_no_word_is_cut() -> None:
    text = "Share of people above the statutory retirement age who receive an old-age pension, contributory or not"
    for width in (12, 30, 55, 200):
        lines = wrap(text, width)
        assert all(len(line) <= width for line in lines)
        assert " ".join(lines) == text


def test_old_breaks_are_replaced_and_long_words_kept_whole() -> None:
    assert wrap("a<br>b", 10) == ["a b"]
    assert wrap("Supercalifragilistic word", 8) == ["Supercalifragilistic", "word"]
    assert wrap("", 10) == [""]


# ---------------------------------------------------------------- scripts written without spaces

NO_SPACES = {
    "th": "ความคุ้มครองทางสังคมของผู้สูงอายุในประเทศไทย",
    "km": "ការគាំពារសង្គមសម្រាប់មនុស្សចាស់នៅកម្ពុជា",
    "lo": "ການປົກປ້ອງທາງສັງຄົມສຳລັບຜູ້ສູງອາຍຸໃນລາວ",
}


@pytest.mark.parametrize("lang", sorted(NO_SPACES))
def test_a_title_without_spaces_breaks_between_words_never_inside_one(lang: str) -> None:
    from essa_dash.text import segment

    assert segment.available(), "ICU (libicu) is installed by ./dev and CI: without it these scripts never wrap"
    text = NO_SPACES[lang]
    words = segment.segments(text, lang, dictionary=True)
    assert "".join(words) == text and len(words) >= 4
    lines = wrap(text, 12, lang)
    assert len(lines) >= 2 and "".join(lines) == text
    ends = set(itertools.accumulate(len(w) for w in words))
    assert all(end in ends for end in itertools.accumulate(len(line) for line in lines)), "every line ends at a word boundary"


def test_spaced_languages_still_break_at_spaces_only() -> None:
    text = "Bahasa Indonesia: cakupan perlindungan sosial"
    lines = wrap(text, 20, "id")
    assert len(lines) == 3 and " ".join(lines) == text and all(len(line) <= 20 for line in lines)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("th", "ความครอบคลุมที่เกิดขึ้นจริงตาม SDG 1.3.1 เป็น % ของแต่ละกลุ่ม (การคลอดบุตร: หญิงที่คลอดบุตร); ทั้งสองปีจาก ILOSTAT"),
        ("lo", "ການປົກຄຸມຕົວຈິງຕາມ SDG 1.3.1, % ຂອງແຕ່ລະກຸ່ມ; ປີລ່າສຸດໃນ ILOSTAT SDG 1.3.1 (June 2025 release) (ປີຢູ່ໃນວົງເລັບ); ການເກີດລູກ"),
    ],
)
def test_brackets_and_punctuation_stay_with_their_words(lang: str, text: str) -> None:
    # ICU's word boundaries cut "(" and ")" off as pieces: a line started with ");" before
    for width in range(20, 90, 3):
        lines = wrap(text, width, lang)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), "nothing lost"
        assert not any(line[0] in ")];:,." for line in lines), lines
        assert not any(line[-1] in "([" for line in lines), lines


def test_a_slide_title_in_a_script_without_spaces_breaks_between_words() -> None:
    """The slide theme re-wraps titles for its width: a Thai title has no spaces, so it breaks at ICU's word
    boundaries (it ran off the slide as one unbroken line)."""
    from essa_dash.figures.slide import wrap_text
    from essa_dash.text import use_language
    from essa_dash.text.segment import available

    if not available():
        pytest.skip("needs the system's ICU library")
    title = "ความคุ้มครองทางสังคมสำหรับผู้สูงอายุในประเทศสมาชิกอาเซียน"
    with use_language("th"):
        lines = wrap_text(title, 200, 13)
    assert len(lines) > 1
    assert "".join(lines) == title
    english = "Source: ILO World Social Protection Report 2024-26"
    assert " ".join(wrap_text(english, 120, 13)) == english


def test_a_narrow_column_may_break_after_a_hyphen_only_when_asked() -> None:
    assert wrap("Sekurang-kurangnya satu", 10, "ms", hyphens=True) == ["Sekurang-", "kurangnya", "satu"]
    assert wrap("Sekurang-kurangnya satu", 10, "ms") == ["Sekurang-kurangnya", "satu"]
    assert wrap("a - b", 1, hyphens=True) == ["a", "-", "b"], "a lone dash is no word's hyphen"


def test_an_edition_name_stays_whole_in_a_script_without_spaces() -> None:
    # ICU's word boundaries cut "2018-10" into "2018", "-", "10": a Burmese trend note read "UN SDG DB 2018 | -10 ..."
    if not segment.available():
        pytest.skip("needs the system's ICU library")
    for width in range(4, 30):
        lines = wrap("UN SDG DB 2018-10 တွင် မရှိပါ", width, "my")
        assert not any(line.startswith("-") or line.endswith("-") for line in lines), lines
    assert wrap("(Timor-Leste) ရှိ", 6, "my", hyphens=True)[0] == "(Timor-", "a narrow column may still part it after the hyphen"


def test_stacked_marks_take_no_width_in_the_estimate() -> None:
    """Thai, Khmer, Lao and Burmese vowel and tone marks (Unicode Mn) sit over or under their letter: counted as letters,
    a Thai line was estimated about 40 % wider than Chromium draws it and wrapped far too early."""
    from essa_dash.text.fonts import text_px

    assert text_px("\u0e01\u0e34\u0e48", 10) == text_px("\u0e01", 10)  # ko kai + sara i + mai ek: one letter's width
    assert text_px("\u1000\u102d\u102f", 10) == text_px("\u1000", 10)  # Myanmar ka + vowel signs i and u
    assert text_px("\u1000", 10) > text_px("\u0e01", 10)  # Noto Sans Myanmar's letters are wider
