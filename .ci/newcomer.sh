#!/usr/bin/env bash
# The newcomer path, as the README gives it: clone HEAD into a fresh private (mode 700) home directory,
# `npm ci && npm start` on the embedded defaults, wait for /health/ready, stop with SIGTERM; the service
# must exit 0 and leave no PostgreSQL behind. Once as root, once as a freshly created normal user.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/csp-newcomer.XXXXXX)
chmod 755 "$work"
log() { printf '[newcomer] %s\n' "$*"; }

user=
relocation_before=$(ls /var/lib/csp-orders 2>/dev/null || true)
cleanup() {
  if [ -n "$user" ]; then userdel -r "$user" >/dev/null 2>&1 || true; fi
  rm -rf "$work" "${root_home:-}"
  # What root's runs copied under /var/lib/csp-orders for these throw-away clones.
  for entry in $(ls /var/lib/csp-orders 2>/dev/null || true); do
    grep -qx "$entry" <<<"$relocation_before" || rm -rf "/var/lib/csp-orders/$entry"
  done
}
trap cleanup EXIT

# HEAD as a bundle any user can clone from (the CI checkout itself may sit in a private directory).
git -C "$repo" bundle create "$work/repo.bundle" HEAD 2>/dev/null
chmod 644 "$work/repo.bundle"

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# as: run a shell command as $1 ('root' or a user name), in a login-like environment of that user.
as() {
  local who=$1; shift
  if [ "$who" = root ]; then bash -c "$*"; else runuser -u "$who" -- env -i PATH="$PATH" HOME="$(getent passwd "$who" | cut -d: -f6)" CI="${CI:-}" bash -c "$*"; fi
}

# newcomer WHO HOME: the whole path for one user; HOME must be mode 700.
newcomer() {
  local who=$1 home=$2 clone=$2/csp-orders port out=$work/$1.log
  port=$(free_port)
  local t0=$SECONDS
  log "$who: git clone into $home (mode $(stat -c %a "$home")), npm ci, npm start on port $port"
  as "$who" "git -c advice.detachedHead=false clone -q '$work/repo.bundle' '$clone'"
  as "$who" "cd '$clone' && npm ci --no-audit --no-fund --prefer-offline --loglevel=error" >"$out.ci" 2>&1 ||
    { tail -20 "$out.ci"; log "$who: npm ci failed"; return 1; }
  log "$who: cloned and installed in $((SECONDS - t0))s"
  # npm start in the background, as a newcomer would in a terminal.
  if [ "$who" = root ]; then
    (cd "$clone" && exec env PORT="$port" npm start) >"$out" 2>&1 &
  else
    runuser -u "$who" -- env -i PATH="$PATH" HOME="$home" PORT="$port" bash -c "cd '$clone' && exec npm start" >"$out" 2>&1 &
  fi
  local launcher=$! ready=
  for _ in $(seq 1 150); do
    if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=1; break; fi
    kill -0 "$launcher" 2>/dev/null || break
    sleep 1
  done
  # The service is the node process running in the clone; npm is its parent.
  local node_pid= npm_pid= pg_pids=
  for pid in $(pgrep -f 'dist/apps/api/src/main.js' || true); do
    if [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$clone" ]; then node_pid=$pid; fi
  done
  if [ -z "$ready" ] || [ -z "$node_pid" ]; then
    tail -30 "$out"; [ -z "$node_pid" ] || kill -TERM "$node_pid"; wait "$launcher" 2>/dev/null || true
    log "$who: FAILED, never ready"; return 1
  fi
  npm_pid=$(ps -o ppid= -p "$node_pid" | tr -d ' ')
  pg_pids=$(pgrep -P "$node_pid" postgres | tr '\n' ' ' || true)
  log "$who: ready after $((SECONDS - t0))s (npm $npm_pid, service $node_pid, PostgreSQL ${pg_pids:-none}); SIGTERM to npm"
  [ -n "$pg_pids" ] || { log "$who: FAILED, no embedded PostgreSQL under the service"; return 1; }
  kill -TERM "$npm_pid"
  local rc=0
  wait "$launcher" || rc=$?
  if [ "$rc" -ne 0 ]; then tail -30 "$out"; log "$who: FAILED, npm start exited $rc after SIGTERM"; return 1; fi
  if grep -E '57P01|Unhandled|EACCES|"level":"(error|fatal)"' "$out" >/dev/null; then
    grep -E '57P01|Unhandled|EACCES|"level":"(error|fatal)"' "$out" | head -5; log "$who: FAILED, errors during shutdown"; return 1
  fi
  sleep 1
  local left
  left=$(ps -eo pid=,args= | grep -F -e "$clone" | grep -v grep || true)
  for pid in $pg_pids ${node_pid:-}; do
    if kill -0 "$pid" 2>/dev/null; then left="$left $pid"; fi
  done
  if [ -n "${left// /}" ]; then log "$who: FAILED, left running: $left"; return 1; fi
  log "$who: exited 0 after SIGTERM, no PostgreSQL left"
}

seed_npm_cache() { # copy root's npm cache, so the new user's npm ci need not download everything again
  local home=$1 owner=$2
  if [ -d "$HOME/.npm/_cacache" ]; then
    mkdir -p "$home/.npm" && cp -r "$HOME/.npm/_cacache" "$home/.npm/" && chown -R "$owner" "$home/.npm"
  fi
}

start=$SECONDS
if [ "$(id -u)" -eq 0 ]; then
  root_home=$(mktemp -d "${HOME:-/root}/csp-newcomer.XXXXXX") # mode 700, inside root's private home
  newcomer root "$root_home"

  user=cspnew$$
  useradd --create-home --home-dir "/home/$user" --shell /bin/bash "$user"
  chmod 700 "/home/$user"
  seed_npm_cache "/home/$user" "$user:$user"
  newcomer "$user" "/home/$user"
else
  own_home=$(mktemp -d "$HOME/csp-newcomer.XXXXXX")
  root_home=$own_home
  newcomer "$(id -un)" "$own_home"
fi
log "passed in $((SECONDS - start))s"
