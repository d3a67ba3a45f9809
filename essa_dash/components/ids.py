"""Component ids, in one place so callbacks and tests agree on them."""

OVERVIEW_HEATMAP = "overview-heatmap"
OVERVIEW_TILES = "overview-tiles"
CONTEXT_PANEL = "context-panel"
CONTEXT_PAIRS = "context-pairs"
