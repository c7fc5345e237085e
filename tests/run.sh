#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing (the .NET SDK is assumed; PostgreSQL
# server binaries, LibreOffice Writer, poppler-utils, a Chinese font, Chromium, nginx and curl are installed with apt when absent), starts a throwaway PostgreSQL cluster on
# 127.0.0.1, runs `dotnet test` on the solution, stops the cluster, and prints one closing line:
#   N passed, N failed, N skipped
# Exit status is non-zero on any failure. Extra arguments go to `dotnet test` (e.g. --filter ...).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf '[tests/run.sh] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. PostgreSQL server binaries.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  log "installing PostgreSQL server binaries"
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi

# 1b. LibreOffice (the report tests convert .docx to PDF), pdftotext to read the PDF, a Chinese font
#     so that the PDF and the dashboard's screenshots hold text rather than empty boxes, and Debian's
#     Chromium for the dashboard's browser tests (Playwright drives /usr/bin/chromium; it downloads no browser).
pkgs=()
command -v soffice >/dev/null 2>&1 || pkgs+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || pkgs+=(poppler-utils)
fc-list :lang=zh 2>/dev/null | grep -q . || pkgs+=(fonts-wqy-microhei)
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
# The cluster fault tests run deploy/local-cluster.sh: nginx in front of the nodes (as the current user, its own
# prefix, on loopback), curl for its readiness checks.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || pkgs+=(nginx)
command -v curl >/dev/null 2>&1 || pkgs+=(curl)
if [ "${#pkgs[@]}" -gt 0 ]; then
  log "installing ${pkgs[*]}"
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

# 2. A throwaway cluster in a temp folder (initdb refuses root, so it runs as postgres then).
work="$(mktemp -d /tmp/casegrains-test-pg.XXXXXX)"
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
run_pg "$pg_bin/initdb" -D "$work/data" -U postgres -A trust --no-sync -E UTF8 --locale=C >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
port=""
for _ in $(seq 1 20); do
  candidate=$(( 20000 + RANDOM % 30000 ))
  if run_pg "$pg_bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 30 \
      -o "-p $candidate -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null 2>&1; then
    port=$candidate; break
  fi
done
if [ -z "$port" ]; then
  cat "$work/server.log" >&2 || true
  echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
cleanup() {
  run_pg "$pg_bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export CASEGRAINS_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Timeout=15"
# Test databases, private clusters and scratch folders go under the work folder, removed at the end.
mkdir -p "$work/tmp" && chmod 1777 "$work/tmp"
export TMPDIR="$work/tmp"
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

# 3. The tests, every project in the solution.
out="$work/dotnet-test.log"
dotnet test CaseGrains.sln --nologo -c Release "$@" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}

# 4. One plain closing line from VSTest's per-assembly summaries.
read -r passed failed skipped < <(
  grep -E '(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+' "$out" \
  | sed -E 's/.*Failed: +([0-9]+), +Passed: +([0-9]+), +Skipped: +([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  log "dotnet test exited with $status without a failed test (build error or crashed test host)"
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
