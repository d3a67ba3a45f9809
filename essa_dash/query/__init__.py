"""Questions asked of the tidy table: filtering (core), the URL vocabulary (state), per-page queries.

The common entry points are re-exported here so callers write ``query.filter_coverage``.
"""

from essa_dash.query.core import (
    core_risks,
    default_edition,
    default_sex,
    filter_coverage,
    latest_per_cell,
    member_states,
    member_table,
    select,
)
from essa_dash.query.overview import Figure, Headline, headlines, heatmap_grid

__all__ = [
    "Figure",
    "Headline",
    "core_risks",
    "default_edition",
    "default_sex",
    "filter_coverage",
    "headlines",
    "heatmap_grid",
    "latest_per_cell",
    "member_states",
    "member_table",
    "select",
]
