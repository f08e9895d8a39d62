#!/usr/bin/env bash
# Vendors the web UI's libraries from the npm registry into static/vendor/ at pinned versions, so
# `cargo build` works offline on a fresh clone (the output is committed; re-run only to upgrade).
# Bare module specifiers are rewritten to the sibling files, so the browser loads them as plain ES
# modules with no import map (an inline import map would need a CSP exception) and no build step.
# Each file name carries its package version: a name never changes content, so it is served immutable.
set -euo pipefail
cd "$(dirname "$0")/.."
PREACT=11.2.0 HTM=3.1.1 SIGNALS=2.11.4 SIGNALS_CORE=1.14.5 UPLOT=1.6.32
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
out=static/vendor; rm -rf "$out"; mkdir -p "$out/licenses"
fetch() { # package@version dir
  (cd "$work" && npm pack --silent "$1" >/dev/null && mkdir -p "$2" && tar xzf ./*.tgz -C "$2" && rm ./*.tgz)
}
fetch "preact@$PREACT" preact; fetch "htm@$HTM" htm; fetch "@preact/signals@$SIGNALS" signals
fetch "@preact/signals-core@$SIGNALS_CORE" signals-core; fetch "uplot@$UPLOT" uplot
strip_map() { sed -e 's|//# sourceMappingURL=.*$||'; }
strip_map < "$work/preact/package/dist/preact.mjs" > "$out/preact-$PREACT.mjs"
strip_map < "$work/preact/package/hooks/dist/hooks.mjs" \
  | sed -e "s|from\"preact\"|from\"./preact-$PREACT.mjs\"|g" > "$out/preact-hooks-$PREACT.mjs"
strip_map < "$work/htm/package/dist/htm.mjs" > "$out/htm-$HTM.mjs"
strip_map < "$work/signals-core/package/dist/signals-core.mjs" > "$out/signals-core-$SIGNALS_CORE.mjs"
strip_map < "$work/signals/package/dist/signals.mjs" \
  | sed -e "s|from\"@preact/signals-core\"|from\"./signals-core-$SIGNALS_CORE.mjs\"|g" \
        -e "s|from\"preact/hooks\"|from\"./preact-hooks-$PREACT.mjs\"|g" \
        -e "s|from\"preact\"|from\"./preact-$PREACT.mjs\"|g" > "$out/signals-$SIGNALS.mjs"
# uPlot ships no minified ES module; its minified IIFE defines the global `uPlot`.
strip_map < "$work/uplot/package/dist/uPlot.iife.min.js" > "$out/uplot-$UPLOT.min.js"
cp "$work/uplot/package/dist/uPlot.min.css" "$out/uplot-$UPLOT.min.css"
for p in preact htm signals signals-core uplot; do cp "$work/$p/package/LICENSE" "$out/licenses/$p.LICENSE"; done
if grep -l 'from"[^.]' "$out"/*.mjs; then echo "bare import left in the files above" >&2; exit 1; fi
cat > "$out/VERSIONS" <<V
preact $PREACT (MIT)
htm $HTM (Apache-2.0)
@preact/signals $SIGNALS (MIT)
@preact/signals-core $SIGNALS_CORE (MIT)
uplot $UPLOT (MIT)
V
ls -l "$out"
