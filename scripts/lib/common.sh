# Shared by scripts/run and scripts/test: paths, progress output, the .NET SDK check.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA_DIR="$ROOT/.data"
mkdir -p "$DATA_DIR"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step() { printf '\033[1;34m▸\033[0m %s\n' "$*"; }
ok()   { printf '  \033[32m✓\033[0m %s\n' "$*"; }
warn() { printf '  \033[33m!\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[31m✗ %s\033[0m\n' "$*" >&2; exit 1; }

elapsed() { echo "$(( $(date +%s) - ${1} ))s"; }

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    die "The .NET 10 SDK is missing: install it (https://dot.net/download) and run this again."
  fi
  local major
  major="$(dotnet --version 2>/dev/null | cut -d. -f1)"
  [ "${major:-0}" -ge 10 ] || die "The .NET SDK $(dotnet --version) is too old: ClinicVetting needs .NET 10."
}
