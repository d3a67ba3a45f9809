#!/bin/sh
# Build two partial plotly.js bundles (only the trace types ESSA Dash draws) for essa_dash/static/.
#
#   deploy/plotly-bundle/build.sh [OUTDIR]    default OUTDIR: deploy/plotly-bundle/dist/
#
# -> OUTDIR/plotly-essa-geo.min.js   every trace the code draws, maps included (entry.js)
# -> OUTDIR/plotly-essa-basic.min.js the same without the geo traces and their code (entry-basic.js)
# -> OUTDIR/regenerator-runtime.min.js what Dash's scripts need of the 97 kB @babel/polyfill Dash links
# -> OUTDIR/<each of them>.br          the same bytes brotli-compressed at quality 11, which the server
#                                      sends as they are (too slow to compress at start: 3 s a bundle)
#
# Why: dcc.Graph draws with window.Plotly when a script has defined it, and only fetches
# Dash's full plotly.min.js (4.8 MB, 1.4 MB compressed) when none has. Each page's HTML
# links the smallest bundle that draws its charts (essa_dash/bundles.py): a page without a
# map never downloads map code, the data explorer no plotly.js at all.
#
# Reproducible from npm alone: exact versions in package.json, every transitive one in
# package-lock.json (npm ci), no install scripts run. The plotly.js version must be the
# one Dash would load (plotly.py's bundled plotly.js), which this script checks; upgrade
# both together: change the version in package.json, `npm install --package-lock-only`, rebuild.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../.." && pwd)
python=${PYTHON:-$project/.venv/bin/python}
[ -x "$python" ] || python=python3

# every plotly trace type the dashboard creates (go.<Type>(...)); core always has scatter
TRACES="bar heatmap choropleth scattergeo scatter"
# the map traces: only in the geo bundle
GEO_TRACES="choropleth scattergeo"
# plotly.js's core registers these components too; no chart uses them (tests/unit/test_plotly_bundle.py
# checks every registered chart's figure), so core-essa.js, made below from the core, leaves them out:
# 3-D annotations, layout images, buttons and sliders, range sliders and selectors, error bars
LEFT_OUT="annotations3d images updatemenus sliders rangeslider rangeselector errorbars"
# packages that only features the maps do not use need, replaced by stubs/ (each says what it stands
# for): country-iso-search (locationmode 'country names'; the maps use ISO-3) and d3-geo-projection
# (projections d3-geo lacks; the maps use mercator). Checked against the code below.
STUBS="country-iso-search d3-geo-projection"

version=$(node -p "require('$here/package.json').dependencies['plotly.js']")
dash_version=$("$python" -c "from plotly.offline import get_plotlyjs_version as v; print(v())")
if [ "$version" != "$dash_version" ]; then
    echo "build.sh: package.json pins plotly.js $version but Dash loads $dash_version: pin the same version" >&2
    exit 1
fi

# the trace types the code uses must all be in the bundle, or a chart would be blank in the browser
"$python" - "$project/essa_dash" "$TRACES" <<'EOF'
import re, sys
from pathlib import Path
used = {m.lower() for p in Path(sys.argv[1]).rglob("*.py") for m in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", p.read_text())}
used -= {"figure", "layout"}
missing = sorted(used - set(sys.argv[2].split()))
if missing:
    sys.exit(f"build.sh: the code draws {', '.join(missing)} traces that the bundle lacks: add them to entry.js and TRACES")
EOF
# what the stubs stand for must be unused: maps locate countries by ISO-3 code, in a projection of d3-geo's
"$python" - "$project/essa_dash" <<'EOF'
import re, sys
from pathlib import Path
code = "\n".join(p.read_text() for p in Path(sys.argv[1]).rglob("*.py"))
modes = set(re.findall(r'locationmode\s*=\s*"([^"]+)"', code))
projections = set(re.findall(r'projection_type\s*=\s*"([^"]+)"', code))
if not modes <= {"ISO-3"} or not projections <= {"mercator", "equirectangular", "orthographic", "stereographic", "gnomonic"}:
    sys.exit(f"build.sh: the maps use {sorted(modes)} / {sorted(projections)}: drop the stub that stands for it (STUBS)")
EOF

outdir=${1:-$here/dist}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$here/entry-basic.js" "$here/stubs" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
# core-essa.js: plotly.js's src/core.js as this version has it, without the LEFT_OUT components' lines
core="$work/node_modules/plotly.js/src/core.js"
sed -e "s#require('\./#require('plotly.js/src/#g" -e "s#require('\.\./#require('plotly.js/#g" "$core" >"$work/core-essa.js"
for component in $LEFT_OUT; do
    if [ "$(grep -c "require('./components/$component')," "$core")" != 1 ]; then
        echo "build.sh: plotly.js's core no longer registers $component as build.sh expects: check LEFT_OUT" >&2
        exit 1
    fi
    sed -i "\\#require('plotly.js/src/components/$component'),#d" "$work/core-essa.js"
done
aliases=$(for stub in $STUBS; do printf -- '--alias:%s=%s/stubs/%s.js ' "$stub" "$work" "$stub"; done)
mkdir -p "$outdir"
basic=$(for t in $TRACES; do case " $GEO_TRACES " in *" $t "*) ;; *) printf '%s ' "$t";; esac; done)
for variant in geo basic; do
    if [ "$variant" = geo ]; then entry=entry.js; traces=$TRACES; else entry=entry-basic.js; traces=${basic% }; fi
    out="$outdir/plotly-essa-$variant.min.js"
    # The same esbuild settings as plotly.js's own bundles (esbuild-config.js): an IIFE that defines
    # the global Plotly; CSS imports are dropped (only maplibre's, for map traces we do not include).
    "$work/node_modules/.bin/esbuild" "$work/$entry" \
        --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
        --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
        --loader:.css=empty --legal-comments=eof --log-level=warning \
        $aliases \
        --banner:js="/*! plotly.js v$version (MIT, Plotly Inc.), traces: $traces. Left out: $LEFT_OUT; stubbed: $STUBS. Built for ESSA Dash by deploy/plotly-bundle/build.sh */" \
        --outfile="$out"
    # plotly.js's default for map shapes is its CDN; point the default at the shapes the app serves
    # itself (assets/topojson/), so even a graph drawn without our config never calls the network
    sed -i 's|"https://cdn.plot.ly/un/"|"/assets/topojson/"|' "$out"
    if grep -q "https://cdn.plot.ly" "$out"; then
        echo "build.sh: $out still fetches from cdn.plot.ly" >&2
        exit 1
    fi
    echo "$out: $(wc -c <"$out") bytes (plotly.js $version; traces: $traces)"
done
# Dash's scripts call the global regeneratorRuntime (their lazy loaders); the rest of @babel/polyfill
# (core-js 2) fills in ES2015 features every browser the dashboard supports has had since 2017.
# A plain script, not bundled: it assigns the global itself.
out="$outdir/regenerator-runtime.min.js"
"$work/node_modules/.bin/esbuild" "$work/node_modules/regenerator-runtime/runtime.js" --minify --legal-comments=eof --log-level=warning \
    --banner:js="/*! regenerator-runtime $(node -p "require('$work/node_modules/regenerator-runtime/package.json').version") (MIT, Meta). Built for ESSA Dash by deploy/plotly-bundle/build.sh */" \
    --outfile="$out"
echo "$out: $(wc -c <"$out") bytes"
for out in "$outdir"/plotly-essa-geo.min.js "$outdir"/plotly-essa-basic.min.js "$outdir"/regenerator-runtime.min.js; do
    "$python" -c "import brotli, sys; open(sys.argv[1] + '.br', 'wb').write(brotli.compress(open(sys.argv[1], 'rb').read(), quality=11))" "$out"
    echo "$out.br: $(wc -c <"$out.br") bytes (brotli 11)"
done
