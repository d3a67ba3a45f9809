"""A friendly message for URL values the data does not know, listing the valid choices."""

from __future__ import annotations

from dash import html

from essa_dash.query.state import Problem

MAX_SHOWN = 20


def problems_notice(problems: list[Problem], labels: dict[str, str] | None = None) -> html.Div | None:
    """None when all is well; otherwise an alert that says what was ignored and what would work."""
    if not problems:
        return None
    labels = labels or {}
    items = []
    for problem in problems:
        choices = [f"{value} ({labels[value]})" if value in labels else value for value in problem.allowed[:MAX_SHOWN]]
        more = f" and {len(problem.allowed) - MAX_SHOWN} more" if len(problem.allowed) > MAX_SHOWN else ""
        items.append(
            html.Li(
                [
                    html.B(problem.message[:1].upper() + problem.message[1:]),
                    f". Valid choices: {', '.join(choices)}{more}." if choices else ".",
                ]
            )
        )
    return html.Div(
        [html.P("Part of this link could not be used, so the page shows its default for it:"), html.Ul(items)],
        className="notice",
        role="alert",
    )
