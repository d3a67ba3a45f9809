"""A link sent on: a view of several countries one visitor opened, opened later by readers on a phone or in another language.

Usage: ``.venv/bin/python bench/bench_readers.py [--senders 6] [--wait 10] [--page /risk]``

A multi-country view is not precomputed (2^11 selections a view); the one who chooses it has it
drawn, and the link they send on is opened by readers whose answer is another one: a phone is laid
out for its frame, another language is another page. essa_dash.next_views queues the sender's view
for its other readers (every language, desktop and phone) after its next views, and the
precomputing process draws them at nice 19.

Each sender opens a view of two or three countries (seeded: the same views on both servers) as an
English desktop browser, which is not counted; ``--wait`` seconds later three readers open the same
link on new connections: the same language on a phone, an Indonesian desktop browser, a Vietnamese
phone. For each: the time of the router's answer (as a browser asks: its encodings, its
Accept-Language and viewport cookie), whether it was a stored answer, and a static file of the
sender's answer's bytes fetched just before it on the same connection (the baseline, as in
bench_ahead). Servers: ``serve --prod`` as shipped (precomputing on: its pass runs during the
measurement, and the views queued come first between its own) and with ``ESSA_PRECOMPUTE=0`` (nothing
drawn ahead: every reader's view is drawn for them). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._harness import (
    BROWSER_ENCODINGS,
    Call,
    Client,
    Server,
    assets_copy,
    built_data,
    header,
    median,
    memory_line,
    percentile,
    router_call,
    scratch,
    table,
)
from essa_dash.precompute import PHONE_COOKIE
from essa_dash.query import member_states
from essa_dash.query.risk import risk_ids
from essa_dash.store import Store, read_store

#: Who opens the link sent on: the sender's language on a phone, an Indonesian desktop, a Vietnamese phone.
READERS = (
    ("English phone", {"Accept-Language": "en-GB,en;q=0.9", "Cookie": PHONE_COOKIE}),
    ("Indonesian desktop", {"Accept-Language": "id-ID,id;q=0.9"}),
    ("Vietnamese phone", {"Accept-Language": "vi-VN,vi;q=0.9", "Cookie": PHONE_COOKIE}),
)
SENDER = {"Accept-Language": "en-GB,en;q=0.9"}


def links(store: Store, page: str, count: int, seed: int) -> list[str]:
    """``count`` links of two or three countries, as a visitor sends them on (the address bar: only what was chosen)."""
    chooser = random.Random(seed)
    countries = member_states(store.countries)["iso3"].tolist()
    found = []
    for _ in range(count):
        chosen = ",".join(chooser.sample(countries, chooser.choice((2, 3))))
        found.append(f"/risk/{chooser.choice(risk_ids(store))}?country={chosen}" if page == "/risk" else f"/progress?country={chosen}")
    return found


def measure(server: Server, sent: list[str], wait: float, assets: Path) -> dict[str, tuple[list[float], list[float], int]]:
    """Per reader: (answer seconds, static seconds, answers from the store) over every link sent."""
    results: dict[str, tuple[list[float], list[float], int]] = {name: ([], [], 0) for name, _ in READERS}
    for n, link in enumerate(sent):
        sender = Client(server.url)
        _, status, wire, _ = sender.fetch(router_call(link), encoding=BROWSER_ENCODINGS, extra=SENDER)
        sender.close()
        if status != 200:
            raise RuntimeError(f"{link}: HTTP {status}")
        (assets / "bench" / f"sent-{n}.br").write_bytes(wire)
        time.sleep(wait)
        for name, headers in READERS:
            reader = Client(server.url)
            times, static, stored = results[name]
            static.append(reader.fetch(Call("static", "GET", f"/assets/bench/sent-{n}.br"), encoding="identity")[0])
            seconds, status, _, answer = reader.fetch(router_call(link), encoding=BROWSER_ENCODINGS, extra=headers)
            reader.close()
            if status != 200:
                raise RuntimeError(f"{link} ({name}): HTTP {status}")
            times.append(seconds)
            hit = answer.get("x-essa-cache") == "hit"
            results[name] = (times, static, stored + hit)
            print(f"    {link} ({name}): {seconds * 1000:.1f} ms, {'stored' if hit else 'drawn'}", file=sys.stderr, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--senders", type=int, default=6)
    parser.add_argument("--wait", type=float, default=10.0, help="seconds between the sender's visit and its readers'")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--page", choices=("/risk", "/progress"), default="/risk")
    args = parser.parse_args()
    with scratch() as tmp:
        data = built_data(tmp / "data")
        sent = links(read_store(data), args.page, args.senders, args.seed)
        assets = assets_copy(tmp / "assets")
        (assets / "bench").mkdir()
        header(
            f"A link sent on: views of several countries on {args.page}, opened by other readers (serve --prod)",
            f"{args.senders} links of 2-3 countries, each opened by an English desktop browser (not counted), then "
            f"{args.wait:g} s later by three readers on new connections; answer time median / p95 in ms, and over a static "
            "file of the sender's answer's bytes fetched just before",
        )
        rows, notes = [], []
        for label, env in (("as shipped (drawn ahead)", {}), ("ESSA_PRECOMPUTE=0 (none drawn ahead)", {"ESSA_PRECOMPUTE": "0"})):
            with Server("prod", data, assets=assets, env=env) as server:
                server.wait_workers(2)
                results = measure(server, sent, args.wait, assets)
                notes.append(f"- memory at the end, {label}: {memory_line(server)}")
            for name, (times, static, stored) in results.items():
                base = median(static)
                rows.append(
                    [
                        label,
                        name,
                        f"{stored} of {len(times)}",
                        f"{median(times) * 1000:.1f} / {percentile(times, 95) * 1000:.1f}",
                        f"{base * 1000:.2f}",
                        f"{median(times) / base:.1f}x / {percentile(times, 95) / base:.1f}x",
                    ]
                )
        table(["server", "reader", "answers from the store", "answer (ms)", "static file (ms)", "ratio (median / p95)"], rows)
        print("\n".join(notes))
        print()


if __name__ == "__main__":
    main()
