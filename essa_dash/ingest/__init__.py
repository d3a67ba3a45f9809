"""Raw files -> tidy frames: one module per input layout, plus the build that joins them."""
