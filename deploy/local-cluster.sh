#!/usr/bin/env bash
# A CaseGrains cluster on this machine's loopback: a private PostgreSQL, three silos, one gateway node and nginx
# in front, each a process of the current user with its state, logs and pid under one folder.
#
#   deploy/local-cluster.sh up          start what is not running; the balancer's URL is the last line
#   deploy/local-cluster.sh status      one line per process: role, name, pid, HTTP URL, Orleans status
#   deploy/local-cluster.sh down        stop everything (the database's files stay: `up` brings the cases back)
#   deploy/local-cluster.sh add-silo    start one more silo and put it behind the balancer
#   deploy/local-cluster.sh start NAME  start one node (silo-N, gateway-N or postgres) again, after a crash, say
#   deploy/local-cluster.sh stop NAME   stop one gracefully (a silo on SIGTERM hands its grains over and leaves)
#   deploy/local-cluster.sh restart NAME   stop, start, and wait until it is back in the cluster
#   deploy/local-cluster.sh roll [silos]   restart the silos one at a time, then the gateway nodes (a new version)
#   deploy/local-cluster.sh publish     (re)build the server into the state folder; `roll` then runs it
#   deploy/local-cluster.sh purge       down, then delete the state folder
#
# Environment:
#   CASEGRAINS_CLUSTER_DIR    the state folder (default: .local-cluster at the repository root)
#   CASEGRAINS_CLUSTER_PORT   the balancer's port (default 5100); node i listens on PORT+i, the gateway node
#                             on PORT+10+i, PostgreSQL on PORT+20, silo i's Orleans ports are PORT+100+i and PORT+200+i
#   CASEGRAINS_SERVER         a built CaseGrains.Server.dll to run instead of publishing one into the state folder
#   Auth__SigningKey          the signing key (base64, 32 bytes) every node shares; else one is made and kept
#                             in the state folder
#   Any other setting written the service's way (Section__Key=value, e.g. Grains__ResponseTimeout) in the
#   environment of `up` is kept in the state folder and given to every node, then and on later starts.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${CASEGRAINS_CLUSTER_DIR:-$root/.local-cluster}"
base="${CASEGRAINS_CLUSTER_PORT:-5100}"
host=127.0.0.1
pg_port=$((base + 20))
balancer="http://$host:$base"
# Membership: a silo that stops answering is voted dead after about ProbeTimeout x MissedProbesLimit = 2 s x 3 = 6 s.
probe_timeout="00:00:02"
missed_probes=3
# A request whose message was in the killed silo's hands (a gateway node's call relayed through it) gets no answer
# and no failure notice from Orleans: it waits out the response timeout. 10 s bounds that wait near the membership
# timeout; a deployment with slower calls (the first rollup of a very large township) raises it.
response_timeout="00:00:10"   # a Grains__ResponseTimeout in the caller's environment wins

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

mkdir -p "$state/logs" "$state/run" "$state/nodes"
state="$(cd "$state" && pwd)"

# --- The server binary -----------------------------------------------------------------------------------------
server_dll() {
  if [ -n "${CASEGRAINS_SERVER:-}" ]; then
    [ -f "$CASEGRAINS_SERVER" ] || die "CASEGRAINS_SERVER=$CASEGRAINS_SERVER does not exist"
    echo "$CASEGRAINS_SERVER"
  else
    echo "$state/server/CaseGrains.Server.dll"
  fi
}

publish() {
  command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is needed to build the server"
  # Each publish is a release folder of its own: a running node keeps the files it started from, and `roll`
  # moves the nodes to the new one, one at a time.
  local release; release="$state/releases/$(date -u +%Y%m%d%H%M%S)"
  log "publishing the server into $release (a minute or two the first time)"
  dotnet publish "$root/src/CaseGrains.Server" -c Release -o "$release" --nologo -v quiet >"$state/logs/publish.log" 2>&1 \
    || { tail -n 30 "$state/logs/publish.log" >&2; rm -rf "$release"; die "dotnet publish failed (log: $state/logs/publish.log)"; }
  ln -sfn "$release" "$state/server"
  # Keep the three newest releases (a node still running an older one keeps its open files regardless).
  ls -d "$state"/releases/* | sort | head -n -3 | xargs -r rm -rf
}

ensure_server() {
  [ -f "$(server_dll)" ] || publish
}

# --- Settings shared by every node --------------------------------------------------------------------------------
signing_key() {
  if [ -n "${Auth__SigningKey:-}" ]; then
    echo "$Auth__SigningKey"
  else
    if [ ! -s "$state/signing.key" ]; then
      (umask 077; head -c 32 /dev/urandom | base64 >"$state/signing.key")
    fi
    cat "$state/signing.key"
  fi
}

# The caller's Section__Key settings, kept for later starts (ours below win over them).
save_common_env() {
  local file="$state/common.env"
  : >"$file.new"
  while IFS= read -r name; do
    case "$name" in
      Auth__SigningKey|Storage__*|Orleans__Role|Orleans__SiloPort|Orleans__GatewayPort|Orleans__AdvertisedAddress|ASPNETCORE_URLS) ;;
      *__*) printf '%s=%q\n' "$name" "${!name}" >>"$file.new" ;;
    esac
  done < <(compgen -e)
  mv "$file.new" "$file"
}

connection_string() {
  echo "Host=$host;Port=$pg_port;Username=postgres;Database=casegrains;Timeout=5;Maximum Pool Size=50"
}

# --- PostgreSQL ---------------------------------------------------------------------------------------------------
pg_bin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$bin" ] && [ -x "$bin/initdb" ] || die "PostgreSQL server binaries are missing: apt-get install -y postgresql"
  echo "$bin"
}

# initdb and postgres refuse root: as root they run as the postgres user, in a folder that user can reach.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_data() {
  if [ -s "$state/run/pgdata.path" ]; then cat "$state/run/pgdata.path"; return; fi
  local dir="$state/pg"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$state"; then
    dir="/var/tmp/casegrains-local-cluster-$(printf '%s' "$state" | md5sum | cut -c1-12)"
  fi
  echo "$dir" >"$state/run/pgdata.path"
  echo "$dir"
}

pg_running() { as_pg "$(pg_bin)/pg_ctl" -D "$(pg_data)" status >/dev/null 2>&1; }

pg_up() {
  local bin data
  bin="$(pg_bin)"; data="$(pg_data)"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating the database cluster in $data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    chmod 700 "$data"
    as_pg "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C >"$state/logs/initdb.log" 2>&1 \
      || { cat "$state/logs/initdb.log" >&2; die "initdb failed"; }
    # Durable, as a production server (fsync and synchronous_commit stay on); loopback only, no socket file.
    cat >>"$data/postgresql.conf" <<EOF
# deploy/local-cluster.sh
listen_addresses = '$host'
port = $pg_port
unix_socket_directories = ''
max_connections = 400
EOF
  fi
  if ! pg_running; then
    # The server's log lives in its data folder, which the postgres user can write when running as root.
    local logfile="$data/server.log"
    as_pg "$bin/pg_ctl" -D "$data" -l "$logfile" -w -t 60 start </dev/null >/dev/null \
      || { tail -n 20 "$logfile" >&2; die "PostgreSQL did not start (port $pg_port in use?)"; }
  fi
  if ! "$bin/psql" -h "$host" -p "$pg_port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'casegrains'" | grep -q 1; then
    "$bin/createdb" -h "$host" -p "$pg_port" -U postgres casegrains
  fi
}

pg_down() {
  pg_running && as_pg "$(pg_bin)/pg_ctl" -D "$(pg_data)" -m fast -w -t 60 stop >/dev/null || true
}

# --- Nodes ----------------------------------------------------------------------------------------------------------
# A node is a file nodes/NAME.env; NAME is silo-N or gateway-N.
node_role() { case "$1" in silo-*) echo silo ;; gateway-*) echo gateway ;; *) die "no node named $1" ;; esac; }
node_index() { echo "${1##*-}"; }
node_http_port() {
  local i; i="$(node_index "$1")"
  if [ "$(node_role "$1")" = silo ]; then echo $((base + i)); else echo $((base + 10 + i)); fi
}
node_url() { echo "http://$host:$(node_http_port "$1")"; }
node_pid() { local f="$state/run/$1.pid"; [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
nodes() { ls "$state/nodes" 2>/dev/null | sed -n 's/\.env$//p' | sort -t- -k1,1r -k2,2n; }
silos() { nodes | grep '^silo-' || true; }

write_node_env() {
  local name="$1" role i url
  role="$(node_role "$name")"; i="$(node_index "$name")"; url="$(node_url "$name")"
  {
    echo "ASPNETCORE_URLS=$url"
    echo "ASPNETCORE_ENVIRONMENT=Production"
    echo "Orleans__Role=$([ "$role" = silo ] && echo Silo || echo Gateway)"
    echo "Orleans__AdvertisedAddress=$host"
    if [ "$role" = silo ]; then
      echo "Orleans__SiloPort=$((base + 100 + i))"
      echo "Orleans__GatewayPort=$((base + 200 + i))"
    fi
  } >"$state/nodes/$name.env"
}

start_node() {
  local name="$1" dll
  [ -f "$state/nodes/$name.env" ] || die "no node named $name"
  if node_pid "$name" >/dev/null; then return 0; fi
  dll="$(readlink -f "$(server_dll)")"
  mkdir -p "$state/work/$name"
  (
    cd "$state/work/$name"
    set -a
    Orleans__ProbeTimeout="$probe_timeout"
    Orleans__MissedProbesLimit="$missed_probes"
    Grains__ResponseTimeout="$response_timeout"
    # shellcheck disable=SC1090
    [ -f "$state/common.env" ] && . "$state/common.env"
    # shellcheck disable=SC1090
    . "$state/nodes/$name.env"
    Storage__Provider=PostgreSql
    Storage__ConnectionString="$(connection_string)"
    Auth__SigningKey="$(signing_key)"
    set +a
    # Its own session, and orphaned at once (this subshell exits): the node outlives the script and the terminal.
    setsid dotnet "$dll" >>"$state/logs/$name.log" 2>&1 </dev/null &
    echo $! >"$state/run/$name.pid"
  )
}

http_status() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true; }

wait_ready() {
  local name="$1" limit="${2:-120}" url pid
  url="$(node_url "$name")"
  for _ in $(seq 1 $((limit * 2))); do
    pid="$(node_pid "$name" || true)"
    [ -n "$pid" ] || { tail -n 15 "$state/logs/$name.log" >&2; die "$name exited (log: $state/logs/$name.log)"; }
    [ "$(http_status "$url/readyz")" = 200 ] && return 0
    sleep 0.5
  done
  die "$name was not ready within $limit s (log: $state/logs/$name.log)"
}

stop_node() {
  local name="$1" pid
  pid="$(node_pid "$name" || true)"
  [ -n "$pid" ] || { rm -f "$state/run/$name.pid"; return 0; }
  # SIGTERM: the web host drains its requests and the silo hands its grains over and leaves the membership table.
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && { log "$name did not stop within 60 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  rm -f "$state/run/$name.pid"
}

admin_token() {
  local file="$state/run/admin.token"
  if [ ! -s "$file" ] || [ -n "$(find "$file" -mmin +60 2>/dev/null)" ]; then
    (cd "$state" && Auth__SigningKey="$(signing_key)" dotnet "$(server_dll)" token --role admin --name local-cluster --hours 2 >"$file.new" 2>/dev/null) \
      && mv "$file.new" "$file" || { rm -f "$file.new"; return 1; }
  fi
  cat "$file"
}

# The Orleans view of the cluster (GET /api/cluster), from the first node that answers.
cluster_json() {
  local token name
  token="$(admin_token)" || return 1
  for name in $(nodes); do
    node_pid "$name" >/dev/null || continue
    curl -sf -m 5 -H "Authorization: Bearer $token" "$(node_url "$name")/api/cluster" && return 0
  done
  return 1
}

# A silo's status in the membership table: that of its newest incarnation on its port (a killed one stays
# "active" there until the others vote it dead, or until it starts again on the same port).
orleans_status() {
  local json="$1" port="$2" entries
  entries="$(printf '%s' "$json" | grep -o "\"address\":\"$host:$port@[0-9]*\",\"status\":\"[a-zA-Z]*\"" || true)"
  if [ -z "$entries" ]; then echo "not in the membership table"; return; fi
  printf '%s\n' "$entries" | sed 's/.*@\([0-9]*\)".*"status":"\([a-zA-Z]*\)"/\1 \2/' | sort -n | tail -n 1 | cut -d' ' -f2
}

wait_active() {
  local name="$1" port json
  port=$((base + 100 + $(node_index "$name")))
  for _ in $(seq 1 120); do
    json="$(cluster_json || true)"
    [ -n "$json" ] && [ "$(orleans_status "$json" "$port")" = active ] && return 0
    sleep 0.5
  done
  die "$name did not become active in the cluster within 60 s"
}

# --- nginx ----------------------------------------------------------------------------------------------------------
nginx_bin() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || die "nginx is missing: apt-get install -y nginx"; }

write_nginx_conf() {
  local dir="$state/nginx" name
  mkdir -p "$dir/tmp"
  {
    echo "# Written by deploy/local-cluster.sh: the balancer of the local cluster, run by $(id -un) with its own prefix."
    # Started as root, nginx would run its workers as nobody, who cannot write this folder.
    [ "$(id -u)" = 0 ] && echo "user root;"
    echo "worker_processes 1;"
    echo "pid $dir/nginx.pid;"
    echo "error_log $state/logs/nginx-error.log warn;"
    echo "events { worker_connections 1024; }"
    echo "http {"
    echo "  access_log $state/logs/nginx-access.log;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $dir/tmp/$t;"; done
    echo "  upstream casegrains_api {"
    for name in $(nodes); do
      echo "    server $host:$(node_http_port "$name") max_fails=2 fail_timeout=10s;   # $name"
    done
    echo "    keepalive 32;"
    echo "  }"
    echo "  server {"
    echo "    listen $host:$base;"
    echo "    include $root/deploy/nginx/casegrains-proxy.conf;"
    echo "  }"
    echo "}"
  } >"$dir/nginx.conf"
}

nginx_pid() { local f="$state/nginx/nginx.pid"; [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

nginx_up() {
  write_nginx_conf
  local bin; bin="$(nginx_bin)"
  if nginx_pid >/dev/null; then
    "$bin" -p "$state/nginx" -c "$state/nginx/nginx.conf" -e "$state/logs/nginx-error.log" -s reload
  else
    "$bin" -p "$state/nginx" -c "$state/nginx/nginx.conf" -e "$state/logs/nginx-error.log" </dev/null >/dev/null 2>>"$state/logs/nginx-error.log" \
      || die "nginx did not start (port $base in use? log: $state/logs/nginx-error.log)"
  fi
}

nginx_down() {
  local pid; pid="$(nginx_pid || true)"
  [ -n "$pid" ] || return 0
  kill -QUIT "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null || true
}

# --- Commands -------------------------------------------------------------------------------------------------------
cmd_up() {
  command -v curl >/dev/null || die "curl is needed: apt-get install -y curl"
  nginx_bin >/dev/null
  ensure_server
  save_common_env
  signing_key >/dev/null
  pg_up
  if [ -z "$(nodes)" ]; then
    for name in silo-1 silo-2 silo-3 gateway-1; do write_node_env "$name"; done
  fi
  log "starting the silos"
  for name in $(silos); do start_node "$name"; done
  for name in $(silos); do wait_ready "$name"; done
  log "starting the gateway nodes"
  for name in $(nodes | grep '^gateway-' || true); do start_node "$name"; done
  for name in $(nodes | grep '^gateway-' || true); do wait_ready "$name"; done
  nginx_up
  for _ in $(seq 1 40); do [ "$(http_status "$balancer/readyz")" = 200 ] && break; sleep 0.25; done
  [ "$(http_status "$balancer/readyz")" = 200 ] || die "the balancer does not answer on $balancer"
  cmd_status >&2
  echo "$balancer"
}

cmd_status() {
  local json name pid role
  json="$(cluster_json 2>/dev/null || true)"
  printf '%-9s %-10s %-8s %-24s %s\n' ROLE NAME PID HTTP ORLEANS
  if pg_running; then
    printf '%-9s %-10s %-8s %-24s %s\n' postgres postgres "$(head -n 1 "$(pg_data)/postmaster.pid")" "-" "database on $host:$pg_port"
  else
    printf '%-9s %-10s %-8s %-24s %s\n' postgres postgres - "-" "stopped"
  fi
  for name in $(nodes); do
    role="$(node_role "$name")"
    pid="$(node_pid "$name" || true)"
    if [ -z "$pid" ]; then
      printf '%-9s %-10s %-8s %-24s %s\n' "$role" "$name" - "$(node_url "$name")" "stopped"
    elif [ "$role" = silo ]; then
      printf '%-9s %-10s %-8s %-24s %s\n' "$role" "$name" "$pid" "$(node_url "$name")" \
        "$([ -n "$json" ] && orleans_status "$json" $((base + 100 + $(node_index "$name"))) || echo "unknown (no node answers /api/cluster)")"
    else
      local ready; ready="$(http_status "$(node_url "$name")/readyz")"
      printf '%-9s %-10s %-8s %-24s %s\n' "$role" "$name" "$pid" "$(node_url "$name")" \
        "$([ "$ready" = 200 ] && echo "client, connected to the silos" || echo "client, not ready (/readyz $ready)")"
    fi
  done
  pid="$(nginx_pid || true)"
  printf '%-9s %-10s %-8s %-24s %s\n' nginx balancer "${pid:--}" "$balancer" "$([ -n "$pid" ] && echo "round robin over $(nodes | wc -l) nodes" || echo stopped)"
}

cmd_down() {
  nginx_down
  for name in $(nodes | grep '^gateway-' || true); do stop_node "$name" & done
  wait
  for name in $(silos); do stop_node "$name" & done
  wait
  pg_down
  log "stopped (state kept in $state)"
}

cmd_add_silo() {
  local last next
  last="$(silos | sed 's/silo-//' | sort -n | tail -n 1)"
  next="silo-$(( ${last:-0} + 1 ))"
  write_node_env "$next"
  start_node "$next"
  wait_ready "$next"
  wait_active "$next"
  nginx_pid >/dev/null && nginx_up
  log "$next is active and behind the balancer"
}

cmd_restart() {
  local name="$1"
  stop_node "$name"
  start_node "$name"
  wait_ready "$name"
  [ "$(node_role "$name")" = silo ] && wait_active "$name"
  log "$name is back"
}

cmd_roll() {
  local name gateways
  gateways="$(nodes | grep '^gateway-' || true)"
  [ "${1:-}" = silos ] && gateways=""
  for name in $(silos) $gateways; do
    log "restarting $name"
    cmd_restart "$name"
  done
}

case "${1:-}" in
  up) cmd_up ;;
  status) cmd_status ;;
  down) cmd_down ;;
  add-silo) ensure_server; cmd_add_silo ;;
  start) [ -n "${2:-}" ] || die "start NAME"
    if [ "$2" = postgres ]; then pg_up; else ensure_server; start_node "$2"; wait_ready "$2"; [ "$(node_role "$2")" = silo ] && wait_active "$2"; fi ;;
  stop) [ -n "${2:-}" ] || die "stop NAME"; if [ "$2" = postgres ]; then pg_down; else stop_node "$2"; fi ;;
  restart) [ -n "${2:-}" ] || die "restart NAME"; ensure_server; cmd_restart "$2" ;;
  roll) ensure_server; cmd_roll "${2:-}" ;;
  publish) publish ;;
  purge) data="$(pg_data)"; cmd_down; rm -rf "$state" "$data"; log "removed $state" ;;
  *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
