"""Every view the pages' controls and links reach, drawn once for all visitors, in the background after a start.

A view nobody opened before costs a full render (queries, figures, the page's JSON:
100-300 ms on the 2-core server, 35-360x a static file), and each country x edition x sex
and risk x edition x sex is its own view; a restart (every deploy) forgets them all. The
space the controls reach with one country (or all) is finite and small: :func:`reachable_urls`
lists it as the controls and links spell it (about 1,000 views), :func:`precompute` draws
each through the pages router, as a browser asks, into the answer store every worker
shares (essa_dash.callback_cache), so the first visitor to any of them gets stored bytes.
The store keys a page on its parsed view (essa_dash.page_views), so a link that spells
the view otherwise (parameters in another order, ``lang=``, another case) finds it too.

Frames and languages: every view in every language, on a desktop and on a phone, in the order
visitors are likeliest to ask for them: English (no ``lang=``, an English or absent Accept-Language)
on a desktop, with each page's first visit in every language (the navigation's pages, asked by a
browser in the language and by the switcher's ``?lang=`` link, on a desktop and a phone), then English
on a phone (:func:`on_phone`: a phone sends its viewport cookie and each view is laid out for it,
another answer), then Indonesian and Vietnamese (:data:`FIRST_LANGUAGES`: the project works most
closely with Indonesia and Viet Nam), then the six other languages, each group on a desktop and then
on a phone. Each translated view is drawn both ways a reader asks for it: by the switcher's ``?lang=``
link and by a browser in the language (the two answers' links differ). Until session 11 only English
(desktop and phone), Indonesian and Vietnamese on a desktop and the first visits were stored, to keep
the pass short and the store small: a Thai or Khmer reader's every next view, and an Indonesian
phone's, was a cold draw of 250-400 ms. All of them are 34,532
views: about 35 minutes of one core, 423 MiB of the store's 1 GiB (bench/RESULTS.md, "Every view in
every language").

``essa-dash serve --prod`` starts it as its own process at the lowest CPU priority
(:func:`spawn`): the server answers from its first second, the precomputed views fill in
behind it (English in the first minutes, every language within the hour), and a view a visitor
asks for first is drawn for them as before.
A page cites the day it was accessed, so stored pages are keyed by the day: the process
draws them again each day, in a child process that exits after its pass (the waiting
parent holds no app). Selections of several countries are not precomputed: there are
2^11 of them per view. The views one click from a visitor's selection, and the visitor's view for
its other readers (languages and frames), are drawn ahead instead (essa_dash.next_views): the
pass names and draws the ones visitors' views queue between its own views, and after it another child
(``--ahead``) draws them as they come until the day ends. The views visitors were answered are
remembered (essa_dash.next_views.Asked) and drawn again by the next day's pass, or the first after a
deploy, right after its English views.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the daily parent imports nothing heavy: it only waits and starts a pass
    from dash import Dash
    from flask.testing import FlaskClient

    from essa_dash.next_views import Wanted
    from essa_dash.store import Store

#: ``0`` turns the precomputing off (e.g. to measure first renders); anything else, or unset, leaves it on.
ENV = "ESSA_PRECOMPUTE"
#: What the process prints when it is done (benchmarks wait for it).
DONE = "views precomputed"
#: The languages every view is drawn in right after the English ones, before the others (the project's first languages).
FIRST_LANGUAGES = ("id", "vi")
#: How often the process drawing views ahead (``--ahead``) looks for those visitors' clicks asked for (essa_dash.next_views).
WANTED_POLL_SECONDS = 0.2
#: The viewport cookie a phone sends (assets/viewport.js; any width of the phone frame draws the same page).
PHONE_COOKIE = "essa_vw=390"


def reachable_urls(store: Store) -> list[str]:
    """Every page for every area, risk, edition and sex the data has (one country or all), as controls and links spell it.

    A control change writes every control's value (the edition and sex the page resolved:
    ``?sex=female&edition=ilostat-2025``); a link (the navigation, a shared or hand-written
    one) leaves out what it does not choose (``?sex=female``: the latest edition). Entry
    pages come first: visitors arrive while the pass runs.
    """
    from essa_dash.query import member_table
    from essa_dash.query.progress import progress_editions
    from essa_dash.query.risk import risk_ids
    from essa_dash.query.state import SEXES, State, Vocabulary

    vocabulary = Vocabulary.from_store(store)
    countries = member_table(store)["iso3"].tolist()
    risks = risk_ids(store)

    def spellings(editions: Iterable[str]) -> list[State]:
        # nothing chosen, the sex alone (a link), the sex and the edition (what a control writes)
        return [State(), *(State(sex=sex) for sex in SEXES), *(State(sex=sex, edition=e) for e in editions for sex in SEXES)]

    editions = store.editions["edition"].tolist()
    states = spellings(editions)
    urls = ["/", "/country/VNM", "/risk/old_age", "/progress", "/data"]
    urls += ["/" + vocabulary.encode(State(edition=e)) for e in editions]
    urls += [f"/country/{iso3}{vocabulary.encode(state)}" for iso3 in countries for state in states]
    urls += [f"/risk/{risk}{vocabulary.encode(state)}" for risk in risks for state in states]
    one_country = [(), *((c,) for c in countries)]  # all (nothing chosen) or one
    progress = spellings(progress_editions(store))
    urls += [f"/progress{vocabulary.encode(state.update(country=chosen))}" for chosen in one_country for state in progress]
    # the explorer's controls start empty (all rows): what one choice of country and of risk writes
    urls += [f"/data{vocabulary.encode(State(country=c, risk=r))}" for c in one_country for r in [(), *((r,) for r in risks)]]
    urls.append("/data" + vocabulary.encode(State(table="context")))
    return list(dict.fromkeys(urls))


def first_visits(languages: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
    """(URL, request headers) of a first visit to each page of the navigation in each language, on a desktop and a phone.

    Only the navigation's pages: the others (releases, languages, the deck builder) are reached from a page already open.

    A browser in that language sends its Accept-Language and no ``lang=``; the switcher links to ``?lang=<code>``.
    """
    from essa_dash.app import page_modules

    visits = []
    for code in languages:
        for path in [page.NAV_HREF for page in page_modules() if page.NAV is not None]:
            for cookie in ({}, {"Cookie": PHONE_COOKIE}):
                visits.append((path, {"Accept-Language": code, **cookie}))
                visits.append((in_language(path, code), cookie))
    return visits


def in_language(url: str, code: str) -> str:
    """``url`` as the language switcher spells it in ``code`` (``?lang=`` added to the query)."""
    return f"{url}{'&' if '?' in url else '?'}lang={code}"


def on_phone(visits: Iterable[str | tuple[str, dict[str, str]]]) -> list[tuple[str, dict[str, str]]]:
    """Each of ``visits`` (URL, or (URL, headers)) as a phone asks for it: with the viewport cookie that lays the page out for it."""
    return [
        (item, {"Cookie": PHONE_COOKIE}) if isinstance(item, str) else (item[0], {**item[1], "Cookie": PHONE_COOKIE}) for item in visits
    ]


def translated_views(urls: Iterable[str], languages: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
    """Each of ``urls`` in each language, spelled both ways a reader asks for it: two stored answers, as they differ.

    After the switcher, a page's links carry ``?lang=<code>``; a browser in the language sends its
    Accept-Language and links without it. The links in the two answers differ, so each is its own view.
    """
    return [visit for code in languages for url in urls for visit in ((in_language(url, code), {}), (url, {"Accept-Language": code}))]


def visit_groups(
    urls: list[str], languages: Iterable[str], asked: list[tuple[str, dict[str, str]]] | None = None
) -> list[tuple[str, list[tuple[str, dict[str, str]]]]]:
    """(name, visits) of every view of ``urls`` (reachable_urls' order) in every language and frame, likeliest first.

    English on a desktop with every language's first visits, then the views visitors asked for before
    (``asked``: essa_dash.next_views.Asked, the latest first: selections of several countries no other
    group draws), English on a phone, then :data:`FIRST_LANGUAGES` and then the other languages, each on
    a desktop and then on a phone.
    """
    english = [(url, {}) for url in urls[:5]] + first_visits(languages) + [(url, {}) for url in urls[5:]]
    groups = [("English", english), ("asked for before", asked or []), ("English on a phone", on_phone(urls))]
    others = tuple(code for code in languages if code not in ("en", *FIRST_LANGUAGES))
    for codes in (FIRST_LANGUAGES, others):
        translated = translated_views(urls[5:], codes)  # the entry pages are first visits, above
        groups += [(", ".join(codes), translated), (f"{', '.join(codes)} on a phone", on_phone(translated))]
    return groups


def precompute(
    server: Any,
    urls: Iterable[str | tuple[str, dict[str, str]]],
    *,
    accept_encoding: str = "br",
    between: Callable[[], object] | None = None,
) -> tuple[int, list[str]]:
    """Draw each URL (or (URL, headers)) through the pages router of ``server`` (a Flask app); (views drawn, URLs that failed).

    ``between`` runs before each of them (the views visitors' clicks asked for ahead come first: essa_dash.next_views).
    """
    from essa_dash.next_views import AHEAD_HEADER
    from essa_dash.serving import router_payload

    client = server.test_client(use_cookies=False)  # a cookie jar would replace a visit's Cookie (the phone's viewport) with its own
    drawn, failed = 0, []
    for item in urls:
        if between is not None:
            between()
        url, headers = (item, {}) if isinstance(item, str) else item
        pathname, _, search = url.partition("?")
        response = client.post(
            "/_dash-update-component",
            json=router_payload(pathname, f"?{search}" if search else ""),
            # no visitor's click: the views one click away are not queued (every one of them would be)
            headers={"Accept-Encoding": accept_encoding, **headers, AHEAD_HEADER: "1"},
        )
        response.close()
        if response.status_code == 200:
            drawn += 1
        else:
            failed.append(f"{url} {headers}" if headers else url)
    return drawn, failed


def spawn(root: Path, public_url: str | None) -> subprocess.Popen[bytes]:
    """Start the precomputing for a server on ``root``, each day (it shares the server's answer folder, ESSA_CACHE_DIR)."""
    return subprocess.Popen([*_command(root, public_url), "--daily"], preexec_fn=lambda: os.nice(19))


def _command(root: Path, public_url: str | None) -> list[str]:
    command = [sys.executable, "-m", "essa_dash.precompute", "--data-dir", str(root)]
    return [*command, "--public-url", public_url] if public_url else command


def _daily(root: Path, public_url: str | None) -> None:
    """One pass now and one each day after (a page cites the day it was accessed), each in a child that exits after it.

    Between two passes another child draws the views visitors' clicks ask for ahead (essa_dash.next_views) as they
    come: a process of its own, started without the pass's memory, until the day ends (again after a pause if it fails).
    """
    child: subprocess.Popen[bytes] | None = None

    def stop(_signum: int, _frame: object) -> None:
        if child is not None and child.poll() is None:
            child.terminate()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    while True:
        day = dt.date.today()
        child = subprocess.Popen(_command(root, public_url))
        child.wait()
        while dt.date.today() == day:
            child = subprocess.Popen([*_command(root, public_url), "--ahead"])
            child.wait()
            if dt.date.today() == day:
                time.sleep(60)


def _drawer(root: Path, public_url: str | None) -> tuple[Dash, Wanted, FlaskClient]:
    """(app, queue, client) of a process that draws views: its app, marked as the drawer of the views asked for ahead."""
    from essa_dash import next_views
    from essa_dash.app import create_app
    from essa_dash.callback_cache import folder_of
    from essa_dash.serving import install

    app = create_app(root, public_url=public_url)
    install(app.server)  # the same compression as the server's workers: the same bytes under the same key
    wanted = next_views.Wanted(folder_of(app.server))
    wanted.start_drawing()
    return app, wanted, app.server.test_client(use_cookies=False)


def _pass(root: Path, public_url: str | None) -> None:
    """Draw every reachable view and the views visitors asked for before, and the views their clicks ask for ahead between them."""
    from essa_dash.next_views import Asked, draw_wanted
    from essa_dash.store import get_store
    from essa_dash.text import LANGUAGES

    start = time.perf_counter()
    app, wanted, client = _drawer(root, public_url)
    asked = Asked(wanted.directory.parent).visits()
    groups = visit_groups(reachable_urls(get_store(root)), LANGUAGES, asked)
    visits = [visit for _, group in groups for visit in group]
    drawn, failed = precompute(app.server, visits, between=lambda: draw_wanted(client, wanted))  # at most DRAW_AT_ONCE between two views
    size = app.server.extensions["essa_answers"].size
    print(
        f"ESSA Dash: {drawn} of {sum(len(group) for _, group in groups)} {DONE} in {time.perf_counter() - start:.0f} s "
        f"({'; '.join(f'{name}: {len(group)}' for name, group in groups)}; answer folder {size / 2**20:.0f} MiB)",
        flush=True,
    )
    for url in failed:
        print(f"ESSA Dash: precomputing {url} failed", file=sys.stderr, flush=True)


def _ahead(root: Path, public_url: str | None) -> None:
    """Draw the views visitors' clicks ask for ahead as they come, until the day ends (then the next day's pass starts)."""
    from essa_dash.next_views import draw_wanted

    day = dt.date.today()
    _, wanted, client = _drawer(root, public_url)
    while dt.date.today() == day:
        if not draw_wanted(client, wanted):
            time.sleep(WANTED_POLL_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--public-url")
    parser.add_argument("--daily", action="store_true", help="a pass now and one each day after, each in a child process")
    parser.add_argument("--ahead", action="store_true", help="no pass: draw the views clicks ask for ahead until the day ends")
    args = parser.parse_args()
    run = _daily if args.daily else _ahead if args.ahead else _pass
    run(Path(args.data_dir), args.public_url)


if __name__ == "__main__":
    main()
