#!/usr/bin/env bash
# Two stateless oncehub-mcp replicas behind stock nginx (round-robin), against
# the fake OnceHub, all on loopback. An MCP client drives calls through nginx
# and shows every call answered whichever replica gets it.
#
#   bash scripts/replicas.sh
#
# Ports (override with env): nginx 18000, replicas 18001 18002, fake 18090.
set -euo pipefail
cd "$(dirname "$0")/.."

LB_PORT=${LB_PORT:-18000}
R1_PORT=${R1_PORT:-18001}
R2_PORT=${R2_PORT:-18002}
FAKE_PORT=${FAKE_PORT:-18090}
KEY=test-key-0123456789 # the fake's test key (fakeoncehub.TestKey)

if ! command -v curl >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq curl >/dev/null
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx…"
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_http() { # url
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for $1" >&2
  return 1
}

echo "building…"
go build -o "$work/oncehub-mcp" .
go build -o "$work/fakeoncehub" ./internal/fakeoncehub/cmd/fakeoncehub
go build -o "$work/replicas-client" ./scripts/replicas-client

"$work/fakeoncehub" --addr "127.0.0.1:$FAKE_PORT" >"$work/fake.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/fake.out" ] && break; sleep 0.1; done
API_URL=$(head -n1 "$work/fake.out")
echo "fake OnceHub at $API_URL"

for port in "$R1_PORT" "$R2_PORT"; do
  ONCEHUB_API_URL="$API_URL" ONCEHUB_RATE_LIMIT=0 \
    "$work/oncehub-mcp" http --addr "127.0.0.1:$port" --log-format json >"$work/replica-$port.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/readyz"
  echo "replica on 127.0.0.1:$port ready"
done

mkdir -p "$work/nginx-tmp"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  upstream oncehub_mcp {
    server 127.0.0.1:$R1_PORT;
    server 127.0.0.1:$R2_PORT;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://oncehub_mcp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Replicas listening on loopback refuse a non-loopback Host (DNS
      # rebinding protection): pass the client's Host through.
      proxy_set_header Host \$host;
      proxy_buffering off;       # tool-call progress arrives as SSE
      proxy_read_timeout 300s;
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
CONF
"$NGINX" -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_http "http://127.0.0.1:$LB_PORT/healthz"
echo "nginx round-robin on 127.0.0.1:$LB_PORT"
echo

"$work/replicas-client" --url "http://127.0.0.1:$LB_PORT/mcp" --key "$KEY" --calls 20 --min-replicas 2
echo
for port in "$R1_PORT" "$R2_PORT"; do
  echo "replica :$port logged $(grep -c '"msg":"tool call"' "$work/replica-$port.log" || true) tool calls"
done
