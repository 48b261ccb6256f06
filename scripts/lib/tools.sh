# Tools beside the .NET SDK that the contract and browser tests use; each installs itself when missing.
#   ensure_dotnet_tools     the tool manifest .config/dotnet-tools.json (Kiota, the client generator)
#   ensure_openapi_linters  tools/openapi/node_modules from its lockfile (Redocly CLI, Spectral + OWASP rules)
#   ensure_chromium         Debian's chromium for Playwright (Playwright's own browser download is never used)
# shellcheck shell=bash

OPENAPI_TOOLS="$ROOT/tools/openapi"
CHROMIUM="${CLINICVETTING_CHROMIUM:-/usr/bin/chromium}"

apt_install() {
  [ "$(id -u)" = "0" ] || die "$1 is missing: install the Debian package(s) '${*:2}' (as root: apt-get install ${*:2})."
  command -v apt-get >/dev/null 2>&1 || die "$1 is missing and apt-get is not available: install it by hand."
  step "Installing $1 with apt-get (first run on this machine)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$DATA_DIR/apt-get.log" 2>&1 || die "apt-get update failed (log: .data/apt-get.log)."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${@:2}" >>"$DATA_DIR/apt-get.log" 2>&1 \
    || die "apt-get install ${*:2} failed (log: .data/apt-get.log)."
}

ensure_dotnet_tools() {
  # Twice before giving up: a restore beside another checkout's (the same NuGet cache) can fail once on a lock.
  dotnet tool restore >"$DATA_DIR/dotnet-tool-restore.log" 2>&1 \
    || { sleep 5; dotnet tool restore >"$DATA_DIR/dotnet-tool-restore.log" 2>&1; } \
    || { cat "$DATA_DIR/dotnet-tool-restore.log" >&2; die "dotnet tool restore failed"; }
  ok "dotnet tools restored ($(grep -o '"version": "[^"]*"' "$ROOT/.config/dotnet-tools.json" | wc -l) in .config/dotnet-tools.json)"
}

ensure_openapi_linters() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install "Node.js" nodejs npm
  local wanted stamp="$OPENAPI_TOOLS/node_modules/.clinicvetting-lock.sha256"
  wanted="$(sha256sum "$OPENAPI_TOOLS/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return
  fi
  step "Installing the OpenAPI linters (npm ci in tools/openapi)"
  (cd "$OPENAPI_TOOLS" && npm ci --no-audit --no-fund --loglevel=error >"$DATA_DIR/npm-ci.log" 2>&1) \
    || { tail -n 30 "$DATA_DIR/npm-ci.log" >&2; die "npm ci failed in tools/openapi (log: .data/npm-ci.log)"; }
  echo "$wanted" >"$stamp"
  ok "installed from tools/openapi/package-lock.json"
}

ensure_chromium() {
  if [ ! -x "$CHROMIUM" ]; then
    apt_install "Chromium" chromium fonts-liberation fonts-dejavu-core
    [ -x "$CHROMIUM" ] || die "chromium was installed but $CHROMIUM is missing: set CLINICVETTING_CHROMIUM to its path."
    ok "$("$CHROMIUM" --version 2>/dev/null | head -n 1)"
  fi
  export CLINICVETTING_CHROMIUM="$CHROMIUM"
}
