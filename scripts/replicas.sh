#!/usr/bin/env bash
# Two oncehub-mcp replicas behind stock nginx (round-robin), sharing one
# server secret and one Redis, against the fake OnceHub, all on loopback. MCP
# clients drive calls through nginx and show every call answered whichever
# replica gets it, sessions included; then bookings are canceled with the
# call on one replica and the user's confirmation on the other (declined
# first: the booking stays; then accepted), and a three-page list reports
# its progress.
#
#   bash scripts/replicas.sh
#
# Ports (override with env): nginx 18000, replicas 18001 18002, fake 18090,
# Redis 18379.
set -euo pipefail
cd "$(dirname "$0")/.."

LB_PORT=${LB_PORT:-18000}
R1_PORT=${R1_PORT:-18001}
R2_PORT=${R2_PORT:-18002}
FAKE_PORT=${FAKE_PORT:-18090}
REDIS_PORT=${REDIS_PORT:-18379}
KEY=test-key-0123456789 # the fake's test key (fakeoncehub.TestKey)

if ! command -v curl >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq curl >/dev/null
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx…"
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server…"
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi

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

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do (echo >"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break; sleep 0.1; done
echo "redis on 127.0.0.1:$REDIS_PORT"

# What makes the replicas one service: the same secret (session IDs signed
# by one are accepted by the other) and the same Redis (session table,
# answers to confirmation questions, stream events, the rate budget).
SECRET=$(head -c 48 /dev/urandom | base64)
for port in "$R1_PORT" "$R2_PORT"; do
  ONCEHUB_API_URL="$API_URL" ONCEHUB_RATE_LIMIT=0 \
    ONCEHUB_SERVER_SECRET="$SECRET" ONCEHUB_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
    "$work/oncehub-mcp" http --addr "127.0.0.1:$port" --log-format json --log-level debug >"$work/replica-$port.log" 2>&1 &
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
  # X-Backend: 1 or 2 picks a replica (the client uses it to send a
  # confirmation to the other replica than the call); otherwise round-robin.
  map \$http_x_backend \$chosen {
    default oncehub_mcp;
    "1" 127.0.0.1:$R1_PORT;
    "2" 127.0.0.1:$R2_PORT;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://\$chosen;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Replicas listening on loopback refuse a non-loopback Host (DNS
      # rebinding protection): pass the client's Host through.
      proxy_set_header Host \$host;
      proxy_buffering off;       # progress and confirmation questions arrive as SSE
      proxy_read_timeout 300s;   # a stream may wait for the user's answer (--confirm-timeout)
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
  echo "replica :$port logged $(grep -c '"msg":"tool call"' "$work/replica-$port.log" || true) tool calls," \
    "passed on $(grep -c 'answer passed on to the other replicas' "$work/replica-$port.log" || true) answers," \
    "received $(grep -c 'answer from another replica delivered' "$work/replica-$port.log" || true)"
done
