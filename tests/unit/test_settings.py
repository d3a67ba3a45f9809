"""Settings: a malformed value stops the start with one line naming the variable; the public address is checked."""

from __future__ import annotations

import pytest

from essa_dash import settings
from essa_dash.errors import DataError


@pytest.mark.parametrize(
    ("name", "text"),
    [("ESSA_MAX_BODY_BYTES", "abc"), ("ESSA_MAX_PARAMS", "0"), ("ESSA_MAX_DECK_CHARTS", "٢٤"), ("ESSA_RENDER_WAIT", "-1")],
)
def test_a_malformed_limit_names_its_variable(name: str, text: str) -> None:
    with pytest.raises(DataError, match=name):
        settings.check({name: text})


@pytest.mark.parametrize(
    "text", ["ftp://essa.example.org", "https://", "https://essa.example.org/?x=1", "https://u@essa.example.org", "essa.example.org"]
)
def test_a_public_address_must_be_a_plain_http_url(text: str) -> None:
    with pytest.raises(DataError, match="ESSA_PUBLIC_URL"):
        settings.PUBLIC_URL.value({"ESSA_PUBLIC_URL": text})


def test_the_public_address_explicit_then_environment_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESSA_PUBLIC_URL", raising=False)
    assert settings.address(None, default="http://127.0.0.1:8050") == "http://127.0.0.1:8050"
    monkeypatch.setenv("ESSA_PUBLIC_URL", "https://essa.example.org/dash/")
    assert settings.address(None, default="http://127.0.0.1:8050") == "https://essa.example.org/dash"
    assert settings.address("http://10.0.0.5:8050", default="x") == "http://10.0.0.5:8050"


def test_defaults_are_what_the_readme_says() -> None:
    assert settings.check({}) is None
    assert settings.MAX_BODY_BYTES.value({}) == 65_536 and settings.MAX_DECK_CHARTS.value({}) == 24
