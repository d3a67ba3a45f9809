"""A friendly message for URL values the data does not know, listing the valid choices."""

from __future__ import annotations

from dash import html

from essa_dash.query.state import Problem
from essa_dash.text import fmt_int, tr

MAX_SHOWN = 20


def problems_notice(problems: list[Problem], labels: dict[str, str] | None = None) -> html.Div | None:
    """None when all is well; otherwise an alert that says what was ignored and what would work."""
    if not problems:
        return None
    lede = html.P(tr("Part of this link could not be used, so the page shows its default for it:"))
    return html.Div(
        [lede, html.Ul(problem_items(problems, labels))],
        className="notice",
        role="alert",
    )


def problem_items(problems: list[Problem], labels: dict[str, str] | None = None) -> list[html.Li]:
    """The notice's list items, one a problem in the order given (essa_dash.page_notices puts a link's own into a stored page)."""
    labels = labels or {}
    items = []
    for problem in problems:
        choices = [f"{value} ({labels[value]})" if value in labels else value for value in problem.allowed[:MAX_SHOWN]]
        listed = ", ".join(choices)
        if len(problem.allowed) > MAX_SHOWN:
            listed = tr("{choices} and {n} more", choices=listed, n=fmt_int(len(problem.allowed) - MAX_SHOWN))
        items.append(
            html.Li(
                [
                    html.B(tr("{problem}.", problem=problem.message[:1].upper() + problem.message[1:])),
                    " " + tr("Valid choices: {choices}.", choices=listed) if choices else "",
                ]
            )
        )
    return items
