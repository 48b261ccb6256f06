# scripts/run --nodes N: the schema applied once (db-apply, in scripts/run), then N API nodes on ports PORT+1..PORT+N
# (node 1 ready before the others start) and the reverse proxy (src/ClinicVetting.Proxy) on PORT.
# Process ids in .data/cluster/*.pid, logs in .data/cluster/*.log; `./scripts/run stop` stops them.
# shellcheck shell=bash

CLUSTER_DIR="$DATA_DIR/cluster"

wait_ready() { # URL PID NAME
  local deadline=$(( $(date +%s) + 120 ))
  until curl -fsS -o /dev/null --max-time 2 "$1/health/ready" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || die "$3 exited (log: ${CLUSTER_DIR#"$ROOT/"}/$3.log)"
    [ "$(date +%s)" -lt "$deadline" ] || die "$3 not ready after 120 s (log: ${CLUSTER_DIR#"$ROOT/"}/$3.log)"
    sleep 0.5
  done
}

start_node() { # NUMBER PORT API_DLL LOAD_DEMO
  local name="node-$1"
  (cd "$ROOT/src/ClinicVetting.Api" && \
    ClinicVetting__LoadDemoData="$4" ClinicVetting__PrintDevBanner="$4" \
    ConnectionStrings__ClinicVetting="$CLINICVETTING_CONNECTION;Application Name=clinicvetting-$name" \
    ClinicVetting__Proxy__KnownProxies__0=127.0.0.1 ClinicVetting__Cluster__DrainSeconds=2 \
    ClinicVetting__AutoCreateSchema=None \
    exec dotnet "$3" --urls "http://127.0.0.1:$2" >"$CLUSTER_DIR/$name.log" 2>&1) &
  echo $! >"$CLUSTER_DIR/$name.pid"
}

run_cluster() { # NODES PORT API_DLL DETACH
  local nodes="$1" port="$2" api_dll="$3" detach="$4" urls=() i
  stop_cluster >/dev/null
  mkdir -p "$CLUSTER_DIR"

  step "Building the proxy"
  dotnet build "$ROOT/src/ClinicVetting.Proxy/ClinicVetting.Proxy.csproj" -c Release -nologo -v quiet -clp:NoSummary \
    || die "proxy build failed"
  ok "built"

  # scripts/run applied the schema (db-apply) before this: the nodes run with AutoCreateSchema None, as in production, so
  # none creates a table and nodes started together cannot race in PostgreSQL's catalog. The first node alone first: it
  # loads the demo once and creates the development keys the others then share.
  step "Starting $nodes nodes"
  for i in $(seq 1 "$nodes"); do
    urls+=("http://127.0.0.1:$((port + i))")
    start_node "$i" "$((port + i))" "$api_dll" "$([ "$i" = 1 ] && echo true || echo false)"
    if [ "$i" = 1 ]; then wait_ready "${urls[0]}" "$(cat "$CLUSTER_DIR/node-1.pid")" node-1; fi
  done
  for i in $(seq 2 "$nodes"); do wait_ready "${urls[$((i - 1))]}" "$(cat "$CLUSTER_DIR/node-$i.pid")" "node-$i"; done
  ok "$nodes nodes ready"

  step "Starting the reverse proxy on http://127.0.0.1:$port"
  (cd "$ROOT/src/ClinicVetting.Proxy" && \
    Proxy__NodeList="$(IFS=,; echo "${urls[*]}")" \
    exec dotnet bin/Release/net10.0/ClinicVetting.Proxy.dll --urls "http://127.0.0.1:$port" >"$CLUSTER_DIR/proxy.log" 2>&1) &
  echo $! >"$CLUSTER_DIR/proxy.pid"
  wait_ready "http://127.0.0.1:$port" "$(cat "$CLUSTER_DIR/proxy.pid")" proxy

  echo
  echo "ClinicVetting is running as $nodes nodes behind a reverse proxy."
  echo
  echo "          Proxy: http://127.0.0.1:$port   (use this one)"
  for i in $(seq 1 "$nodes"); do
    echo "         node-$i: ${urls[$((i - 1))]}   (pid $(cat "$CLUSTER_DIR/node-$i.pid"), log .data/cluster/node-$i.log)"
  done
  echo "   OpenAPI page: http://127.0.0.1:$port/docs"
  echo " Public ranking: http://127.0.0.1:$port/api/public/rankings"
  echo "         Tokens: .data/dev-tokens.json (one per role), for example"
  echo "  curl -H \"Authorization: Bearer \$(jq -r .staff .data/dev-tokens.json)\" http://127.0.0.1:$port/api/clinics"
  echo
  if [ "$detach" = true ]; then
    echo "Detached: ./scripts/run stop stops the nodes, the proxy and PostgreSQL."
    return
  fi
  echo "Ctrl-C (or ./scripts/run stop) stops the nodes and the proxy."
  trap 'stop_cluster; exit 0' INT TERM
  wait
}

stop_cluster() { # SIGTERM to each process it started (the nodes drain for 2 s), then wait for them to exit
  local pidfile pid pids=() waited=0
  [ -d "$CLUSTER_DIR" ] || return 0
  for pidfile in "$CLUSTER_DIR"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null && kill "$pid" 2>/dev/null; then pids+=("$pid"); fi
    rm -f "$pidfile"
  done
  [ "${#pids[@]}" -gt 0 ] || return 0
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
  done
  ok "stopped ${#pids[@]} cluster processes"
}
