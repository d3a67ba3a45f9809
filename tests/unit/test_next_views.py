"""The views one click from a visitor's selection are queued when the visitor is answered, drawn ahead, and then answered from the store."""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from essa_dash import next_views
from essa_dash.app import create_app
from essa_dash.callback_cache import SharedAnswers
from essa_dash.query.progress import edition_choices
from essa_dash.query.risk import edition_options
from essa_dash.query.state import State
from essa_dash.serving import router_payload
from essa_dash.store import Store
from essa_dash.text import LANGUAGES

#: What Chromium sends with a router request (its encodings, an English browser).
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd", "Accept-Language": "en-GB,en;q=0.9"}
RISK = "/risk/old_age"
#: The views one click of the sex or the edition away from an old-age view: two other sexes, three other editions.
OTHERS = 2 + 3
#: The view itself for its other readers: every language on a desktop and a phone, but the visitor's own.
READERS = 2 * len(LANGUAGES) - 1


def same(path: str) -> str:
    return path


@pytest.fixture(scope="module")
def pages(built_root: Path) -> None:
    """Dash's page registry, which a new app fills (the next views are named from it)."""
    create_app(built_root)


@pytest.fixture
def client(built_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    """A new app on an empty answer folder of its own (each test counts what it queues)."""
    monkeypatch.setenv("ESSA_CACHE_DIR", str(tmp_path / "answers"))
    app = create_app(built_root)
    client = app.server.test_client(use_cookies=False)
    client.get("/")  # the pages router is registered on the first request
    return client


def wanted(client: FlaskClient) -> next_views.Wanted:
    return next_views.Wanted(SharedAnswers.of(client.application).store.directory)


def named(client: FlaskClient) -> list[next_views.Want]:
    """What the entries visits queued stand for, as the drawer names them, queued as it queues them (the rest taken off)."""
    queue = wanted(client)
    entries = [want for want in iter(queue.take, None) if want.kind == next_views.NEXT]  # a worker queues one entry a view
    found = [want for entry in entries for want in next_views.named(client, entry)]
    queue.add(found)
    return found


def visit(client: FlaskClient, path: str, search: str, **headers: str) -> str | None:
    """A visitor's router request; its X-ESSA-Cache header (``hit``: a stored answer)."""
    response = client.post("/_dash-update-component", json=router_payload(path, search), headers={**BROWSER, **headers})
    assert response.status_code == 200
    response.close()  # a WSGI server closes the answer once sent: the queueing runs then
    return response.headers.get("X-ESSA-Cache")


def test_the_next_views_are_one_click_of_a_control_away_spelled_as_the_controls_write_them(store: Store, pages: None) -> None:
    searches = next_views.next_searches(store, RISK, "?country=VNM,IDN", strip=same)
    # the link left the defaults out; the controls write them (components.controls.register_url_sync)
    assert "?country=VNM,IDN,THA&sex=total&edition=ilostat-2025" in searches
    assert "?country=VNM&sex=total&edition=ilostat-2025" in searches and "?country=IDN&sex=total&edition=ilostat-2025" in searches
    assert searches[:11] == [s for s in searches if s.endswith("sex=total&edition=ilostat-2025")]  # the countries first
    assert "?country=VNM,IDN&sex=female&edition=ilostat-2025" in searches  # the other sexes, then the other editions
    assert "?country=VNM,IDN&sex=total&edition=un-sdg-db-2023-07" in searches
    editions = [option["value"] for option in edition_options(store, "old_age")]
    assert len(searches) == 11 + 2 + len(editions) - 1  # nine countries more, two less; two sexes, the other editions
    assert all(s.endswith("lang=vi") for s in next_views.next_searches(store, RISK, "?country=VNM&lang=vi&sex=female", strip=same))


def test_progress_offers_its_countries_risks_sexes_and_editions(store: Store, pages: None) -> None:
    searches = next_views.next_searches(store, "/progress", "", strip=same)
    editions = edition_choices(store)
    assert len(searches) == 11 + 9 + 2 + len(editions) - 1  # every country and risk is chosen at first: each can be taken away
    assert all("country=" in s and "risk=" in s for s in searches)


@pytest.mark.parametrize(
    ("path", "search"),
    [
        ("/", ""),  # no multi-choice control
        ("/country/VNM", ""),
        (RISK, "?country=VNM&colour=red"),  # a link with problems: its notice is not what the controls write
        (RISK, "?country=VNM&release=2026.11.0"),  # pinned
        ("/nowhere", ""),
        ("/risk/" + "x" * 500, "?country=VNM,THA"),  # an address the page corrects: the controls never write it
        ("/risk/OLD_AGE", "?country=VNM,THA"),
    ],
)
def test_none_for_pages_without_choices_or_links_the_controls_do_not_write(store: Store, pages: None, path: str, search: str) -> None:
    assert next_views.next_searches(store, path, search, strip=same) == []


def test_a_visitor_s_next_click_is_a_stored_answer_once_the_drawer_has_drawn_ahead(client: FlaskClient) -> None:
    queue = wanted(client)
    queue.start_drawing()
    assert visit(client, RISK, "?country=VNM&sex=total&edition=ilostat-2025") is None  # drawn for its visitor
    assert len(queue.keys()) == 1  # the worker's part: one entry, named by the drawer
    # ten countries more, all of them (Viet Nam taken away), other sexes and editions; one entry for the view's other readers
    assert len(named(client)) == 10 + 1 + OTHERS + 1
    drawer = client.application.test_client(use_cookies=False)
    assert next_views.draw_wanted(drawer, queue, limit=100) == 10 + 1 + OTHERS + READERS
    assert queue.keys() == []  # its own requests queue nothing
    assert visit(client, RISK, "?country=VNM,IDN&sex=total&edition=ilostat-2025") == "hit"
    # a hit queues its own next views, those not stored: the visitor who goes on adding countries finds them drawn too
    assert len(named(client)) == 9 + 1 + OTHERS + 1  # nine countries more; Indonesia alone (Viet Nam alone is stored); readers
    assert visit(client, RISK, "?sex=total&edition=ilostat-2025") == "hit"


def test_the_views_are_drawn_in_the_visitor_s_language_and_frame(client: FlaskClient) -> None:
    queue = wanted(client)
    queue.start_drawing()
    thai_phone = {"Accept-Language": "th-TH,th;q=0.9", "Cookie": "essa_vw=390; other=private"}
    visit(client, RISK, "?country=KHM&sex=total&edition=ilostat-2025", **thai_phone)
    want = queue.take()
    assert want is not None and want.headers == {"Accept-Language": "th", "Cookie": "essa_vw=390", "Accept-Encoding": "br"}
    queue.add([want])
    next_views.draw_wanted(client.application.test_client(use_cookies=False), queue)
    assert visit(client, RISK, "?country=KHM,LAO&sex=total&edition=ilostat-2025", **thai_phone) == "hit"
    assert visit(client, RISK, "?country=KHM,LAO&sex=total&edition=ilostat-2025") is None  # an English desktop: another answer


def test_nothing_is_queued_without_a_drawer(client: FlaskClient, tmp_path: Path) -> None:
    queue = wanted(client)
    queue.directory.mkdir(parents=True)  # the queue's folder is there, no drawer ever was
    visit(client, RISK, "?country=VNM,THA")
    assert queue.keys() == []
    with drawer_process(queue.directory.parent):  # a drawer that ran and is gone: its pid file stays, its lock went
        assert queue.drawer_alive()
    assert (queue.directory / next_views.DRAWER).read_text().isdigit()
    visit(client, RISK, "?country=VNM,PHL")
    assert queue.keys() == []


@contextlib.contextmanager
def drawer_process(answers: Path) -> Iterator[None]:
    """Another process marked as the drawer of ``answers``' queue while the block runs, then exited."""
    code = (
        "import sys; from pathlib import Path; from essa_dash.next_views import Wanted; "
        f"Wanted(Path({str(answers)!r})).start_drawing(); print('drawing', flush=True); sys.stdin.read()"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "drawing"
        yield
    finally:
        child.communicate(timeout=60)


def test_one_drawer_at_a_time_and_none_once_its_process_is_gone(tmp_path: Path) -> None:
    queue = next_views.Wanted(tmp_path)
    assert not queue.drawer_alive()
    with drawer_process(tmp_path):
        assert queue.drawer_alive()
        with pytest.raises(OSError):  # this process cannot be a second drawer
            queue.start_drawing()
    assert not queue.drawer_alive()
    queue.start_drawing()
    queue.start_drawing()  # again in the same process: still the drawer
    assert queue.drawer_alive()


def test_the_queue_is_bounded_keeps_the_newest_and_forgets_stale_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(next_views, "MAX_WANTED", 3)
    queue = next_views.Wanted(tmp_path)
    queue.start_drawing()
    old = [next_views.Want(f"old{i}", RISK, f"?country=VNM,{c}", {}) for i, c in enumerate(("IDN", "THA"))]
    assert queue.add(old) == 2
    stale = queue.directory / "old1"
    entry = json.loads(stale.read_text())
    stale.write_text(json.dumps({**entry, "time": time.time() - next_views.STALE_SECONDS - 1}))
    later = [next_views.Want(f"new{i}", RISK, f"?country=KHM,{c}", {}) for i, c in enumerate(("IDN", "THA", "LAO"))]
    time.sleep(0.01)
    assert queue.add(later[:2]) == 2  # the oldest made room: a flood costs at most the bound
    assert sorted(queue.keys()) == ["new0", "new1", "old1"]
    (queue.directory / "stray").write_text('{"time": "soon"}')  # not an entry: deleted unread, the queue goes on
    assert [queue.take().key, queue.take().key, queue.take()] == ["new0", "new1", None]  # the stale one is dropped unread
    assert queue.add(later * 2) == 3  # one click's views past the bound: its likeliest are kept
    assert sorted(queue.keys()) == ["new0", "new1", "new2"]


def test_a_failure_after_the_answer_is_logged_and_the_answer_stands(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    wanted(client).start_drawing()

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(next_views.Wanted, "add", broken)
    response = client.post("/_dash-update-component", json=router_payload(RISK, "?country=SGP,BRN"), headers=BROWSER)
    body = response.get_data()
    with caplog.at_level(logging.ERROR):
        response.close()
    assert response.status_code == 200 and b"Singapore" in body
    assert "work after an answer failed" in caplog.text


def test_the_pass_draws_the_queued_views_before_each_of_its_own_and_queues_none(client: FlaskClient) -> None:
    from essa_dash import precompute

    queue = wanted(client)
    queue.start_drawing()
    visit(client, RISK, "?country=MMR&sex=total&edition=ilostat-2025")
    drawer = client.application.test_client(use_cookies=False)
    asked: list[int] = []
    pass_views = [f"{RISK}?country=MMR,{c}&sex=total&edition=ilostat-2025" for c in ("SGP", "BRN")]  # multi-country: they have next views
    drawn = precompute.precompute(client.application, pass_views, between=lambda: asked.append(next_views.draw_wanted(drawer, queue)))
    assert drawn == (2, [])
    # the visitor's next views and readers first, at most DRAW_AT_ONCE turns between two of the pass's views (two name the views)
    assert asked == [next_views.DRAW_AT_ONCE - 2, 10 + 1 + OTHERS + READERS - (next_views.DRAW_AT_ONCE - 2)]
    assert queue.keys() == []  # the pass's own views queued nothing
    assert visit(client, RISK, "?country=MMR,LAO&sex=total&edition=ilostat-2025") == "hit"


def test_a_first_visit_queues_the_next_views_once_its_html_is_sent(client: FlaskClient) -> None:
    """The page's HTML carries its first drawing (first_page.py); the queueing waits until that HTML has gone out."""
    queue = wanted(client)
    queue.start_drawing()
    response = client.get("/risk/old_age?country=PHL,THA", headers=BROWSER)
    assert response.status_code == 200 and b"Philippines" in response.get_data()
    assert queue.keys() == []
    response.close()
    assert len(named(client)) == 9 + 2 + OTHERS + 1


def test_a_view_many_visitors_open_names_its_next_views_once_a_minute(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    queue = wanted(client)
    queue.start_drawing()
    link = "?country=BRN,TLS&sex=total&edition=ilostat-2025"
    visit(client, RISK, link)
    while queue.take() is not None:  # as if the drawer had taken them (not drawn: they stay unstored)
        pass
    assert visit(client, RISK, link) == "hit"
    assert queue.keys() == []  # named a moment ago: not named again for the next visitor
    visit(client, RISK, link, **{"Accept-Language": "vi"})
    assert len(named(client)) == 9 + 2 + OTHERS + 1  # another language: other answers, named for it
    monkeypatch.setattr(next_views, "RECENT_SECONDS", 0.0)
    while queue.take() is not None:
        pass
    visit(client, RISK, link)
    assert len(named(client)) == 9 + 2 + OTHERS + 1


def test_the_process_after_the_pass_draws_the_queue_until_the_day_ends(
    client: FlaskClient, built_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``python -m essa_dash.precompute --ahead``, the daily parent's child once the day's pass is done."""
    import datetime as dt

    from essa_dash import precompute

    days = iter([dt.date(2026, 12, 7)] * 3 + [dt.date(2026, 12, 8)] * 10)

    class Clock:
        class date:  # noqa: N801 - stands in for the datetime module's class
            @staticmethod
            def today() -> dt.date:
                return next(days)

    wanted(client).start_drawing()
    visit(client, RISK, "?country=LAO,MMR&sex=total&edition=ilostat-2025")
    assert len(wanted(client).keys()) == 1
    monkeypatch.setattr(precompute, "dt", Clock)
    precompute._ahead(built_root, None)  # it drew the queue on its first round, then the day ended
    assert wanted(client).keys() == []
    assert visit(client, RISK, "?country=LAO,MMR,KHM&sex=total&edition=ilostat-2025") == "hit"


def test_the_drawer_draws_at_most_its_limit_at_once_and_goes_on_past_a_failing_view(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A queue visitors keep filling never holds up the pass's own views or the day's end; one broken view ends nothing."""
    queue = wanted(client)
    queue.start_drawing()
    visit(client, RISK, "?country=VNM,THA")
    assert len(named(client)) == 9 + 2 + OTHERS + 1
    drawer = client.application.test_client(use_cookies=False)
    assert next_views.draw_wanted(drawer, queue, limit=5) == 5
    assert len(queue.keys()) == 9 + 2 + OTHERS + 1 - 5
    post, calls = drawer.post, []

    def fails_once(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a broken stored answer")
        return post(*args, **kwargs)

    monkeypatch.setattr(drawer, "post", fails_once)
    assert next_views.draw_wanted(drawer, queue, limit=100) == 9 + 2 + OTHERS + READERS - 5 - 1
    assert queue.keys() == []
    assert "drawing /risk/old_age?" in capsys.readouterr().err


def test_a_view_is_drawn_for_its_other_readers_after_its_next_views(client: FlaskClient) -> None:
    """A link is sent on: its reader on a phone, or in another language, finds the view drawn."""
    queue = wanted(client)
    queue.start_drawing()
    link = "?country=IDN,PHL&sex=total&edition=ilostat-2025"
    visit(client, RISK, link)  # an English desktop
    named(client)
    entry = [want for want in iter(queue.take, None) if want.kind == next_views.READERS]
    assert len(entry) == 1 and (entry[0].search, entry[0].headers) == (link, {"Accept-Language": "en", "Accept-Encoding": "br"})
    drawer = client.application.test_client(use_cookies=False)
    readers = next_views.readers_of(drawer, entry[0])  # named by the drawer, one per answer
    assert [want.headers for want in readers] == next_views.other_readers(entry[0].headers)
    assert len({want.key for want in readers}) == READERS and all(want.search == link and want.kind == next_views.DRAW for want in readers)
    visit(client, RISK, link)
    assert queue.keys() == []  # taken, not drawn: named once a minute, as the next views are
    queue.add(entry)
    assert next_views.draw_wanted(drawer, queue, limit=100) == READERS
    assert visit(client, RISK, link, **{"Accept-Language": "th", "Cookie": "essa_vw=390"}) == "hit"
    assert visit(client, RISK, link, **{"Accept-Language": "vi-VN,vi;q=0.9"}) == "hit"


def test_the_visitor_s_language_on_the_other_frame_comes_first_and_a_link_s_lang_makes_one_answer_per_frame(
    client: FlaskClient,
) -> None:
    readers = next_views.other_readers({"Accept-Language": "vi", "Cookie": next_views.PHONE_COOKIE, "Accept-Encoding": "gzip"})
    assert readers[0] == {"Accept-Language": "vi", "Accept-Encoding": "gzip"}  # the same reader on a desktop
    assert len(readers) == READERS and all(reader["Accept-Encoding"] == "gzip" for reader in readers)
    queue = wanted(client)
    queue.start_drawing()
    link = "?country=IDN,VNM&sex=total&edition=ilostat-2025&lang=vi"
    visit(client, RISK, link)
    named(client)
    (entry,) = [want for want in iter(queue.take, None) if want.kind == next_views.READERS]
    drawer = client.application.test_client(use_cookies=False)
    assert [want.headers.get("Cookie") for want in next_views.readers_of(drawer, entry)] == [next_views.PHONE_COOKIE]


def test_the_views_visitors_were_answered_are_drawn_again_by_the_next_pass(
    client: FlaskClient, built_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored answer lasts its day and a deploy starts a new store: the selections visitors drew are drawn again for them."""
    from essa_dash import precompute

    wanted(client).start_drawing()
    answers = SharedAnswers.of(client.application).store.directory
    thai_phone = {"Accept-Language": "th", "Cookie": "essa_vw=390"}
    for search, headers in (("?country=VNM,KHM", {}), ("?country=THA,LAO&sex=female", thai_phone)):
        visit(client, RISK, search, **headers)
        named(client)  # remembered by the drawer, as it names the view's next views
    queued = len(wanted(client).keys())
    visit(client, "/", "")  # no multi-choice control: one country or all, which the pass draws anyway
    assert len(wanted(client).keys()) == queued
    visits = next_views.Asked(answers).visits()
    assert visits == [
        (f"{RISK}?country=THA,LAO&sex=female", {"Accept-Language": "th", "Cookie": "essa_vw=390", "Accept-Encoding": "br"}),
        (f"{RISK}?country=VNM,KHM", {"Accept-Language": "en", "Accept-Encoding": "br"}),
    ]
    # the next morning's store (here: a new answer folder, with what the workers remembered)
    later = tmp_path / "later"
    (later / next_views.ASKED_FOLDER).mkdir(parents=True)
    for entry in (answers / next_views.ASKED_FOLDER).iterdir():
        (later / next_views.ASKED_FOLDER / entry.name).write_bytes(entry.read_bytes())
    monkeypatch.setenv("ESSA_CACHE_DIR", str(later))
    morning = create_app(built_root)
    groups = dict(precompute.visit_groups(["/"], [], next_views.Asked(later).visits()))
    assert precompute.precompute(morning.server, groups["asked for before"]) == (2, [])
    reader = morning.server.test_client(use_cookies=False)
    reader.get("/")
    assert visit(reader, RISK, "?country=VNM,KHM") == "hit"
    assert visit(reader, RISK, "?country=THA,LAO&sex=female", **thai_phone) == "hit"


def test_the_views_remembered_are_bounded_the_latest_asked_kept_and_forgotten_after_a_week(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setattr(next_views, "MAX_ASKED", 2)
    asked = next_views.Asked(tmp_path)
    english = {"Accept-Language": "en", "Accept-Encoding": "br"}
    for countries in ("VNM,THA", "VNM,IDN", "VNM,THA", "KHM,LAO"):
        asked.remember(RISK, f"?country={countries}", english)
        for entry in asked.directory.iterdir():  # one second apart, the latest last
            os.utime(entry, (entry.stat().st_mtime - 1, entry.stat().st_mtime - 1))
    # Viet Nam and Thailand asked again made it the latest but one: Viet Nam and Indonesia made room
    assert [url for url, _ in asked.visits()] == [f"{RISK}?country=KHM,LAO", f"{RISK}?country=VNM,THA"]
    week = time.time() - next_views.REMEMBER_SECONDS - 1
    os.utime(next(asked.directory.iterdir()), (week, week))
    (asked.directory / "stray").write_text("{}")  # not an entry: deleted unread
    assert len(asked.visits()) == 1 and len(list(asked.directory.iterdir())) == 1


def test_the_explorer_offers_its_facets_pages_checkboxes_years_and_tables(store: Store, pages: None) -> None:
    from essa_dash.query.explorer import facets

    link = "?country=VNM,THA&sort=year&desc=true&page=2"  # 202 rows: five pages
    searches = next_views.next_searches(store, "/data", link, strip=same)
    order = "&sort=year&desc=true"  # kept by every control; the page is not (new rows start at the first page)
    assert searches[0] == "?country=VNM,THA,BRN" + order  # the countries first, as the controls write them
    assert {"?country=VNM" + order, "?country=VNM,THA&sex=female" + order, "?country=VNM,THA&edition=ilostat-2025" + order} <= set(searches)
    assert {"?country=VNM,THA&sort=year&desc=true&page=3", "?country=VNM,THA" + order} <= set(searches)  # the pager: next, previous
    assert {"?country=VNM,THA&latest=true" + order, "?country=VNM,THA&table=context" + order} <= set(searches)
    risks = facets(store, State(country=("VNM", "THA")))["risk"]
    offered = {s.split("risk=")[1].split("&")[0] for s in searches if "risk=" in s}
    assert offered == {option.value for option in risks if option.count} != {option.value for option in risks}  # greyed out: not offered
    latest, year = "?country=VNM,THA&latest=true" + order, "?country=VNM,THA&year_from=1981" + order
    assert searches.index(latest) < searches.index(year)  # the checkboxes before the years
    context = next_views.next_searches(store, "/data", "?table=context&country=VNM&indicator=informal_employment", strip=same)
    assert "?country=VNM&table=context" in context and "?country=VNM&indicator=informal_employment" in context  # its own controls


def test_a_year_range_the_wrong_way_round_is_named_as_the_controls_write_it(store: Store, pages: None) -> None:
    """The controls' URL is read back before it is written: a start after the end drops both (a notice says so)."""
    searches = next_views.next_searches(store, "/data", "?year_to=1990", strip=same)
    assert "?year_from=1985&year_to=1990" in searches and "?year_from=2000&year_to=1990" not in searches
    assert "" in searches  # 2000 to 1990: both dropped, the view of every row (precomputed: not drawn ahead)


def test_each_next_view_of_the_explorer_is_drawn_with_controls_that_write_it(store: Store, pages: None) -> None:
    """The page's controls are drawn for the URL they write (components.controls.controls_bar): named ahead, each is that URL."""
    from unittest import mock

    import plotly

    from essa_dash.pages import explorer
    from essa_dash.query.state import read_query

    searches = next_views.next_searches(store, "/data", "?country=IDN,PHL&page=2", strip=same)
    with mock.patch.object(explorer, "current_store", return_value=store), mock.patch.object(explorer, "public_url", return_value=""):
        assert "?country=IDN,PHL&page=3" in searches
        for search in searches:
            drawn = json.loads(json.dumps(explorer.layout(**read_query(search)), cls=plotly.utils.PlotlyJSONEncoder))
            assert rendered_url(drawn) == "/data" + search.replace("&page=3", ""), search  # the pager's link: the controls drop it


def rendered_url(component: object) -> str | None:
    """The URL a drawn page's controls were drawn for (the first ``data-rendered-url`` in its JSON)."""
    if isinstance(component, dict):
        found = component.get("props", {}).get("data-rendered-url") if isinstance(component.get("props"), dict) else None
        return found or next((url for child in component.values() if (url := rendered_url(child))), None)
    if isinstance(component, list):
        return next((url for child in component if (url := rendered_url(child))), None)
    return None


def test_an_analyst_s_next_filter_and_next_page_are_stored_answers_once_drawn_ahead(client: FlaskClient) -> None:
    queue = wanted(client)
    queue.start_drawing()
    assert visit(client, "/data", "?country=KHM,LAO") is None
    assert len(queue.keys()) == 1
    found = named(client)
    assert len(found) > 60 and found[-1].kind == next_views.READERS  # every facet's choices, the pager, the years ...
    drawer = client.application.test_client(use_cookies=False)
    assert next_views.draw_wanted(drawer, queue, limit=500) == len(found) - 1 + READERS
    for search in ("?country=KHM,LAO,MMR", "?country=KHM,LAO&risk=old_age", "?country=KHM,LAO&page=2", "?country=KHM,LAO&latest=true"):
        assert visit(client, "/data", search) == "hit", search
    assert visit(client, "/data", "?country=KHM,LAO", **{"Accept-Language": "id", "Cookie": "essa_vw=390"}) == "hit"  # a link sent on


def test_a_view_whose_naming_fails_is_reported_and_the_drawer_goes_on(client: FlaskClient, capsys: pytest.CaptureFixture[str]) -> None:
    queue = wanted(client)
    queue.start_drawing()
    visit(client, RISK, "?country=VNM,MMR")
    namer = client.application.extensions[next_views.NAMER]
    calls: list[str] = []

    def fails_once(pathname: str, search: str) -> list[str]:
        calls.append(search)
        if len(calls) == 1:
            raise RuntimeError("a broken store")
        return namer(pathname, search)

    client.application.extensions[next_views.NAMER] = fails_once
    visit(client, RISK, "?country=VNM,KHM")  # queued after: named first, and fails
    drawer = client.application.test_client(use_cookies=False)
    assert next_views.draw_wanted(drawer, queue, limit=100) == 9 + 2 + OTHERS + READERS
    assert calls == ["?country=VNM,KHM", "?country=VNM,MMR"]
    assert "drawing /risk/old_age?country=VNM,KHM ahead failed" in capsys.readouterr().err


def test_the_views_named_for_a_visitor_keep_the_time_the_visitor_was_answered(client: FlaskClient) -> None:
    """A visitor answered while the drawer names an earlier one's views is drawn for first: the queue keeps the order of asking."""
    queue = wanted(client)
    queue.start_drawing()
    visit(client, "/data", "?country=PHL,MMR&latest=true")  # a visitor's last click: it leaves
    earlier = queue.take()
    assert earlier is not None and earlier.kind == next_views.NEXT
    time.sleep(0.01)
    visit(client, "/data", "?country=TLS")  # the next visitor arrives while the drawer names the first's views
    queue.add(next_views.named(client, earlier))
    taken = queue.take()
    assert taken is not None and (taken.kind, taken.search) == (next_views.NEXT, "?country=TLS")
    first = next_views.named(client, taken)[0]
    queue.add(next_views.named(client, taken))
    assert queue.take() == first and first.asked == taken.asked > earlier.asked
