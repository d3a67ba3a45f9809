"""Start the production server (essa_dash.serving.run) the way ``essa-dash serve --prod`` will.

Usage: ``.venv/bin/python bench/serve_prod.py [--data-dir DIR] [--port 8050] [--workers N] [--threads N] [--assets DIR]``

The benchmarks start servers with it until the CLI has ``--prod``. ``--assets`` serves
another assets folder than the checkout's (e.g. a copy with a partial plotly.js
bundle), which is how the benchmarks compare with and without a file without ever
writing into assets/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="data directory (default: $ESSA_DATA_DIR or <checkout>/data)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--workers", type=int, help="default: one per core")
    parser.add_argument(
        "--threads", type=int, help="threads per worker besides those of heavy requests (default: essa_dash.serving.THREADS)"
    )
    parser.add_argument("--assets", help="serve this folder as /assets/ instead of the checkout's")
    args = parser.parse_args()

    if args.assets:
        # essa_dash.app reads the constant when it is imported, which serving.run does later
        import essa_dash.paths

        essa_dash.paths.ASSETS_DIR = Path(args.assets).resolve()

    from essa_dash import serving
    from essa_dash.paths import data_dir

    serving.run(data_dir(args.data_dir), args.host, args.port, args.workers, threads=args.threads or serving.THREADS)


if __name__ == "__main__":
    main()
