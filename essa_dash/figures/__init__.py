"""Chart builders: pure functions, DataFrame in, ``go.Figure`` out; no I/O, no Dash."""
