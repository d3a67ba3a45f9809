"""The text layer: languages, formatters, the request's language, flag words."""

from __future__ import annotations

import threading

from essa_dash.schema import FLAGS
from essa_dash.text import current_language, fmt_pct, fmt_points, fmt_year, plotly_separators, resolve_language, use_language
from essa_dash.text.flags import FLAG_WORDS, flag_labels


def test_percentages_follow_the_locale_and_missing_is_no_data() -> None:
    assert fmt_pct(52.345) == "52.3%"
    assert fmt_pct(73.0, digits=0) == "73%"
    assert fmt_pct(None) == fmt_pct(float("nan")) == "no data"
    with use_language("vi"):
        assert fmt_pct(52.345) == "52,3%"
        assert plotly_separators() == ",."
    with use_language("id"):
        assert fmt_pct(52.345) == "52,3%"
    assert fmt_pct(52.345) == "52.3%"  # formatted once per language: the cache keys the locale


def test_a_percentage_is_formatted_as_babel_writes_it_whatever_came_before() -> None:
    """The formats are cached per value: a zero keeps its sign, as Babel writes it (0.0 and -0.0 are one dict key)."""
    assert (fmt_pct(0.0), fmt_pct(-0.0), fmt_pct(0.0)) == ("0.0%", "-0.0%", "0.0%")
    assert [fmt_pct(v) for v in (1.25, 1.25, 99.95)] == ["1.2%", "1.2%", "100.0%"]


def test_points_are_signed_and_never_minus_zero() -> None:
    assert fmt_points(3.26) == "+3.3"
    assert fmt_points(-0.04) == "0.0"
    assert fmt_points(-12.0) == "-12.0"


def test_years_are_never_grouped() -> None:
    with use_language("vi"):
        assert fmt_year(2021) == "2021"
    assert fmt_year(None) == "year not stated"


def test_the_language_comes_from_the_url_then_the_browser() -> None:
    assert resolve_language("km", "vi") == "km"
    assert resolve_language(None, "vi-VN,vi;q=0.9,en;q=0.8") == "vi"
    assert resolve_language("xx", "fr,id;q=0.5") == "id"
    assert resolve_language(None, "fr,de") == "en"
    assert resolve_language(None, "vi;q=0,en") == "en"


def test_each_thread_writes_in_its_own_language() -> None:
    seen: dict[str, str] = {}

    def work(code: str) -> None:
        with use_language(code):
            barrier.wait()
            seen[code] = current_language()

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=work, args=(code,)) for code in ("vi", "th")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"vi": "vi", "th": "th"}
    assert current_language() == "en"


def test_every_flag_code_has_words() -> None:
    assert set(FLAG_WORDS) == set(FLAGS)
    assert flag_labels("legal_estimate;revised") == ["legal-coverage estimate", "revised"]
    assert flag_labels(None) == []
