"""``essa-dash``: build the data, ingest a download, list and compare data releases, serve the dashboard.

Every command takes ``--data-dir`` (default: ``ESSA_DATA_DIR`` or ``<checkout>/data``).
A bad input prints one line naming the file, line and column, and exits with 2;
data on disk is left as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from essa_dash.errors import DataError
from essa_dash.paths import data_dir


def _build_data(args: argparse.Namespace) -> int:
    from essa_dash.ingest.build import build_data

    result = build_data(data_dir(args.data_dir))
    print(result.report())
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from essa_dash.ingest import add
    from essa_dash.releases.disk import open_release

    root = data_dir(args.data_dir)
    metadata = add.Metadata(title=args.title, publisher=args.publisher, licence=args.licence)
    plan = add.plan(
        Path(args.file),
        root,
        layout=args.format,
        source_id=args.source_id,
        edition=args.edition,
        metadata=metadata,
        keep_default=args.keep_default,
    )
    print(plan.report(add.current_table(root) if not plan.already else None))
    if plan.already and not plan.stale:
        return 0
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    target = add.apply(plan, root)
    release = open_release(root)
    done = "rebuilt the tables from raw/" if plan.already else f"added {target.relative_to(root)} and rebuilt the tables"
    print(f"{done}: data release {release.id}, version {release.version}, is current")
    return 0


def _releases(args: argparse.Namespace) -> int:
    from essa_dash.releases import disk
    from essa_dash.text.releases import prune_report, release_list

    root = data_dir(args.data_dir)
    if not args.prune and (args.keep is not None or args.older_than is not None or args.dry_run):
        raise DataError("--keep, --older-than and --dry-run go with --prune")
    if args.prune:
        older_than = None if args.older_than is None else dt.timedelta(days=args.older_than)
        print(prune_report(disk.prune(root, keep=args.keep, older_than=older_than, dry_run=args.dry_run), dry_run=args.dry_run))
        if args.dry_run:
            return 0
    print(release_list(disk.kept(root), current=disk.current_id(root), pruned=len(disk.pruned(root))))
    return 0


def _diff(args: argparse.Namespace) -> int:
    from essa_dash.releases import disk
    from essa_dash.releases.changes import compare
    from essa_dash.store import read_store
    from essa_dash.text.releases import changes_report

    root = data_dir(args.data_dir)
    before, after = (read_store(root, disk.resolve(root, ref)) for ref in (args.before, args.after))
    labels = {risk: label for store in (before, after) for risk, label in zip(store.risks["risk"], store.risks["short_label"], strict=True)}
    print(changes_report(compare(before, after), risk_labels=labels, limit=None if args.all else args.limit))
    return 0


def _deck(args: argparse.Namespace) -> int:
    from essa_dash.export import deck

    root = data_dir(args.data_dir)
    spec = deck.read_spec(Path(args.spec))
    out = Path(args.out)
    report = deck.write(spec, root, out, native=args.native or bool(spec.get("native", False)), progress=deck.print_progress)
    print(report)
    return 0


def _render_all(args: argparse.Namespace) -> int:
    from essa_dash.export import images, render_all
    from essa_dash.paths import ASSETS_DIR
    from essa_dash.store import read_store
    from essa_dash.text import LANGUAGES

    if unknown := [code for code in args.lang or () if code not in (*LANGUAGES, render_all.LONGEST)]:
        # use_language would draw an unknown code in English: refuse it rather than picture the wrong language
        print(f"render-all: unknown language {', '.join(unknown)} (known: {', '.join(LANGUAGES)}, {render_all.LONGEST})", file=sys.stderr)
        return 2
    images.set_topojson_base(ASSETS_DIR / "topojson")
    sheet = render_all.render_all(
        read_store(data_dir(args.data_dir)),
        Path(args.out),
        charts=args.chart or None,
        langs=args.lang or ("en",),
        png=not args.svg_only,
        progress=print,
    )
    print(sheet.summary())
    for problem in sheet.problems:
        print(problem, file=sys.stderr)
    print(f"contact sheet: {Path(args.out) / 'index.html'}")
    return 1 if sheet.problems else 0


def _i18n(args: argparse.Namespace) -> int:
    from essa_dash.text import i18n
    from essa_dash.text.catalog import LANGUAGES

    if args.action == "status":
        print(f"{'language':<22} {'strings':>8} {'translated':>11} {'reviewed':>9}")
        for row in i18n.status():
            name = f"{row.code} {LANGUAGES[row.code].english_name}"
            print(f"{name:<22} {row.strings:>8} {row.translated:>11} {row.reviewed:>9}")
        return 0
    if args.action == "compile":
        problems = i18n.check()
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in the catalogs" if problems else "catalogs: placeholders, plural forms and messages all match")
        return 1 if problems else 0
    template = i18n.extract()
    i18n.write_template(template)
    print(f"wrote {i18n.TEMPLATE.name}: {sum(1 for m in template if m.id)} messages")
    if args.action == "update":
        print("updated: " + ", ".join(i18n.update(template)))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from essa_dash import settings
    from essa_dash.app import create_app
    from essa_dash.ingest.build import build_data
    from essa_dash.releases.disk import current_id

    root = data_dir(args.data_dir)
    if current_id(root) is None:
        print(f"no data release in {root} yet: building one from {root / 'raw'}")
        print(build_data(root).report())
    # links name the address the server listens on unless the deployment says otherwise
    listen = f"[{args.host}]" if ":" in args.host else args.host
    public_url = settings.address(args.public_url, default=f"http://{listen}:{args.port}")
    if args.prod:
        from essa_dash import serving

        serving.run(root, args.host, args.port, args.workers, public_url=public_url)
        return 0
    app = create_app(root, public_url=public_url)
    print(f"ESSA Dash on http://{args.host}:{args.port}/ (Ctrl+C to stop)")
    app.run(host=args.host, port=args.port, debug=args.debug, threaded=True)
    return 0


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data directory (default: $ESSA_DATA_DIR or <checkout>/data)")
    top = argparse.ArgumentParser(prog="essa-dash", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build-data", parents=[common], help="rebuild data/*.parquet from data/raw/")
    p.set_defaults(run=_build_data)

    p = sub.add_parser("ingest", parents=[common], help="validate a downloaded file and merge it into the data")
    p.add_argument("file", help="an ILOSTAT or UN SDG download, a DDF datapoints file, or a curated CSV")
    p.add_argument(
        "--format", default="auto", choices=["auto", "curated", "ddf", "ilostat", "sdg"], help="layout (default: detect from the header)"
    )
    p.add_argument("--dry-run", action="store_true", help="show what would change and write nothing")
    p.add_argument("--source-id", help="id for the new source (default: from the layout and the file's date)")
    p.add_argument("--edition", help="edition name for the new source (default: e.g. 'ILOSTAT 2026-05-25')")
    p.add_argument("--title", help="title of the new source (default: the file's indicator label and download date)")
    p.add_argument("--publisher", help="publisher of the new source (default: the producer of the layout, e.g. the ILO)")
    p.add_argument("--licence", help="licence or terms of the new source (default: the producer's, e.g. 'ILO terms of use')")
    p.add_argument("--keep-default", action="store_true", help="keep the current default edition even if this is a newer complete release")
    p.set_defaults(run=_ingest)

    p = sub.add_parser("releases", parents=[common], help="list the kept data releases, or prune old ones")
    p.add_argument("--prune", action="store_true", help="remove old releases (never the current one); say which with --keep/--older-than")
    p.add_argument("--keep", type=int, metavar="N", help="with --prune: the N newest releases stay")
    p.add_argument("--older-than", type=float, metavar="DAYS", help="with --prune: only releases built more than DAYS days ago go")
    p.add_argument("--dry-run", action="store_true", help="with --prune: show what would be removed and remove nothing")
    p.set_defaults(run=_releases)

    p = sub.add_parser("diff", parents=[common], help="what changed between two data releases: rows added, revised, removed, re-flagged")
    p.add_argument("before", help="a release: its id (or the start of it), its version, or 'current'")
    p.add_argument("after", nargs="?", default="current", help="the release to compare with (default: current)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="rows listed per kind of change (default 20)")
    p.add_argument("--all", action="store_true", help="list every changed row")
    p.set_defaults(run=_diff)

    p = sub.add_parser("deck", parents=[common], help="build a 16:9 PowerPoint deck from dashboard links")
    p.add_argument("spec", help='JSON or YAML file: {"title": "ASEAN seminar", "views": ["/risk/old_age?country=VNM,IDN", "/"]}')
    p.add_argument("--out", required=True, help="where to write the .pptx (written whole or not at all)")
    p.add_argument("--native", action="store_true", help="bar, dot and line charts as editable PowerPoint charts instead of pictures")
    p.set_defaults(run=_deck)

    p = sub.add_parser("render-all", parents=[common], help="render every chart in every frame for four views and check the text geometry")
    p.add_argument("--out", required=True, help="directory for the SVGs, PNGs, index.html (contact sheet) and problems.txt")
    p.add_argument("--chart", action="append", help="only this chart id (repeatable; default: every chart)")
    p.add_argument(
        "--lang",
        action="append",
        help="draw in this language code (repeatable; default: en); 'longest': each chart in its longest translation and in Burmese",
    )
    p.add_argument("--svg-only", action="store_true", help="skip the PNGs (faster; the geometry is measured on the SVGs)")
    p.set_defaults(run=_render_all)

    p = sub.add_parser("i18n", help="translation catalogs: extract the messages, update the languages, check them, count them")
    p.add_argument(
        "action",
        choices=["extract", "update", "compile", "status"],
        help="extract: write locale/messages.pot; update: extract, then bring every .po up to it; "
        "compile: check placeholders and plural forms (the app reads .po directly); status: strings, translated, reviewed per language",
    )
    p.set_defaults(run=_i18n)

    p = sub.add_parser("serve", parents=[common], help="serve the dashboard (builds the data first if missing)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--debug", action="store_true", help="Dash debug mode: never on a shared network")
    p.add_argument("--prod", action="store_true", help="production: gunicorn, one warmed worker per core, compressed, cacheable assets")
    p.add_argument("--workers", type=int, help="with --prod: worker processes (default: one per core)")
    p.add_argument(
        "--public-url", help="the address visitors use, e.g. https://essa.example.org (default: $ESSA_PUBLIC_URL or http://HOST:PORT)"
    )
    p.set_defaults(run=_serve)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except DataError as err:
        print(f"essa-dash {args.command}: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        # a read-only or full disk, a permission: one line naming the file, as for bad data (writers leave data/ as it was)
        where = f": {err.filename}" if err.filename else ""
        print(f"essa-dash {args.command}: error: {err.strerror or type(err).__name__}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
