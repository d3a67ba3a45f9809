"""Line breaking for chart titles: as few lines as the width allows, of even length, words kept whole."""

from __future__ import annotations

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
