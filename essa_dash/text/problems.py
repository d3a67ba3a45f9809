"""The words of a rejected URL value: each problem's code, worded in the visitor's language when it is read.

A :class:`~essa_dash.query.state.Problem` carries what went wrong as a stable code
(``unknown_value``) and the facts that fill its sentence (the parameter, the value, a
limit); the query layer that finds it writes no words. The sentence is made here, at
the moment a page, an error answer or a deck shows it, so the same problem reads in
Vietnamese on a Vietnamese page and in English in an English API answer, and an API
client can rely on the code whatever the wording becomes.
"""

from __future__ import annotations

from collections.abc import Mapping

from essa_dash.text import fmt_int, fmt_year, mark, tr

#: Problem code -> the message it is worded with (fields in braces).
MESSAGES: dict[str, str] = {
    "too_many_params": mark("this link has more than {n} parameters, so none was read"),
    "unknown_parameter": mark("unknown parameter '{name}'"),
    "too_long": mark("'{name}' is longer than {n} characters"),
    "year_order": mark("year_from {start} is after year_to {end}"),
    "more_problems": mark("and {n} more problems"),
    "too_many_values": mark("more than {n} values for '{name}'"),
    "unknown_value": mark("unknown {name} '{value}'"),
    "unknown_sex": mark("unknown sex '{value}'"),
    "unknown_table": mark("unknown table '{value}'"),
    "unknown_language": mark("unknown language '{value}'"),
    "not_boolean": mark("'{name}' must be true or false"),
    "bad_release": mark("'release' must be a data release id: 12 characters 0-9 and a-f"),
    "unknown_edition": mark("unknown edition '{value}'"),
    "bad_year": mark("'{name}' must be a year from {start} to {end}"),
    "unknown_column": mark("unknown column '{value}'"),
    "bad_page": mark("'page' must be a whole number from 1"),
    "page_past_last": mark("'page' must be from 1 to {pages} for this view"),
    "unknown_risk": mark("unknown risk '{risk}'"),
    "not_a_member": mark("'{iso3}' is not an ASEAN Member State"),
    "unknown_country": mark("unknown country '{iso3}' (profiles are for the ASEAN Member States)"),
    "edition_absent": mark("{edition} has no figures for {country}"),
    "edition_withdrawn": mark(
        "{edition} has {n} figures for {country}, withdrawn by the publisher. {why} "
        "They are left out of the pages; the explorer and the API return them, flagged, with include_withdrawn=true"
    ),
    "no_progress_series": mark("risk '{risk}' has no comparable SDG 1.3.1 series to follow over time"),
    "no_dated_figures": mark("edition '{edition}' has no dated figures to compare"),
    "unknown_chart": mark("unknown chart '{chart}'"),
    "no_charts": mark("no charts at '{path}'"),
    "unknown_format": mark("unknown format '{value}'"),
    "unknown_image_format": mark("unknown image format '{value}'"),
    "bad_image_size": mark("bad image size: {detail}"),
    "not_text": mark("not a character of text"),
    "too_many_charts": mark("these links show {n} charts; one deck holds at most {most}"),
}
#: Fields that hold a year: written as the locale writes years (never grouped: 2015, not 2,015).
YEAR_FIELDS = frozenset({"start", "end"})
#: A withdrawal whose editions.csv row gives no reason.
UNKNOWN_WHY = mark("When and why is not known.")


def word(code: str, fields: Mapping[str, object]) -> str:
    """The sentence of a problem: its code's message with the fields in the locale's form (whole numbers grouped)."""
    values = {
        name: (fmt_year(value) if name in YEAR_FIELDS else fmt_int(value)) if isinstance(value, int) else str(value)
        for name, value in fields.items()
    }
    if code == "edition_withdrawn" and not values.get("why"):
        values["why"] = tr(UNKNOWN_WHY)
    return tr(MESSAGES[code], **values)
