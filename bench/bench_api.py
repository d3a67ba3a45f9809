"""The API's latency for a typical query and for the full table, against a static file of the same bytes.

Usage: ``.venv/bin/python bench/bench_api.py [--runs 30]``

Both are fetched from the same production server in the same run (keep-alive, as a
browser would ask: ``Accept-Encoding: gzip, deflate, br, zstd``), interleaved. The
API's answers carry an ETag, so the run also times a revalidation (``If-None-Match``,
answered 304): what a proxy or a script that caches pays to learn nothing changed.
"""

from __future__ import annotations

import argparse

from _harness import Call, Client, Server, assets_copy, built_data, header, kib, median, percentile, scratch, table, time_calls

TYPICAL = "/api/v1/coverage.csv?country=VNM,IDN&risk=old_age&sex=total&year_from=2015"
FULL = "/api/v1/coverage.csv"


def revalidation(url: str, path: str, runs: int) -> list[float]:
    client = Client(url)
    try:
        _, _, _, headers = client.fetch(Call("first", "GET", path))
        tag = headers["etag"]
        times = []
        for _ in range(runs + 2):
            seconds, status, _, _ = client.fetch(Call("again", "GET", path), extra={"If-None-Match": tag})
            if status != 304:
                raise RuntimeError(f"{path} with its own ETag answered {status}, not 304")
            times.append(seconds)
        return times[2:]
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per case (default 30)")
    args = parser.parse_args()

    with scratch() as tmp:
        data = built_data(tmp / "data")
        assets = assets_copy(tmp / "assets")
        (assets / "bench").mkdir()
        with Server("prod", data, assets=assets) as server:
            header("API vs a static file of the same bytes (prod server)", f"median and p95 of {args.runs} requests each")
            client = Client(server.url)
            rows = []
            for label, path in (("typical query", TYPICAL), ("full table", FULL)):
                _, status, raw, _ = client.fetch(Call(label, "GET", path), encoding="identity")
                _, _, wire, headers = client.fetch(Call(label, "GET", path))
                if status != 200:
                    raise RuntimeError(f"{path}: HTTP {status}")
                name = f"{label.replace(' ', '-')}.csv"
                (assets / "bench" / name).write_bytes(raw)
                api, static = Call(f"api {label}", "GET", path), Call(f"static {label}", "GET", f"/assets/bench/{name}")
                times = time_calls(server.url, [api, static], args.runs)
                a, s = times[api.label], times[static.label]
                again = revalidation(server.url, path, args.runs)
                rows.append(
                    [
                        f"{label} `{path}`",
                        f"{median(a) * 1000:.1f}",
                        f"{percentile(a, 95) * 1000:.1f}",
                        f"{median(s) * 1000:.2f}",
                        f"{median(a) / median(s):.1f}x",
                        f"{median(again) * 1000:.1f}",
                        kib(len(raw)).strip(),
                        f"{kib(len(wire)).strip()} ({headers.get('content-encoding', 'none')})",
                    ]
                )
            client.close()
            table(
                ["request", "API median ms", "API p95 ms", "static median ms", "ratio", "304 revalidation median ms", "CSV", "on the wire"],
                rows,
            )


if __name__ == "__main__":
    main()
