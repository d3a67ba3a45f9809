"""Component ids, in one place so callbacks and tests agree on them."""

OVERVIEW_HEATMAP = "overview-heatmap"
OVERVIEW_TILES = "overview-tiles"
