#!/usr/bin/env bash
# The standard runs on several databases of one PostgreSQL server, a fresh platform for each, in the
# order given (issue 16's "within 20 % of the same runs on an empty database"; docs/PERFORMANCE.md):
#
#   infra/loadgen/src/main/sh/store-pairs.sh RESULTS_DIR DATABASE [DATABASE ...]
#   e.g. ... /tmp/pairs pushgate_empty pushgate_big pushgate_empty pushgate_big pushgate_empty pushgate_big
#
# Each database must exist on PUSHGATE_PAIRS_SERVER (default postgresql://127.0.0.1:5432, user postgres,
# trust or PUSHGATE_DB_PASSWORD); the first start migrates it. For each: `./pushgate up` against it
# (warm-up on, as by default), one untimed closed run of 20 s, then the ingress closed (64 callers) and
# open (1,000/s), the delivery run (1,000 devices, 1,000/s, every push checked on the sandbox emulator),
# each --verify-db, and the registration API (32 at a time), each a new tenant; the JSON results and the
# platform's log go to RESULTS_DIR/<n>-<database>/. Nothing else should run on the machine meanwhile.
# Run it from the repository's root, with the platform built (./mvnw -DskipTests package).
set -euo pipefail

results=${1:?results directory}
shift
server=${PUSHGATE_PAIRS_SERVER:-postgresql://127.0.0.1:5432}
mkdir -p "$results"

run=0
for database in "$@"; do
  run=$((run + 1))
  out="$results/$run-$database"
  mkdir -p "$out"
  echo "== $run: $database ($(date -u +%H:%M:%S))"
  PUSHGATE_DB_URL="$server/$database" PUSHGATE_SIGN_UP_MAX_PER_ADDRESS=1000 \
    setsid ./pushgate up > "$out/platform.log" 2>&1 &
  launcher=$!
  for _ in $(seq 1 240); do
    grep -q "Press Ctrl-C to stop" "$out/platform.log" && break
    if ! kill -0 "$launcher" 2> /dev/null; then
      echo "the platform did not start: $out/platform.log" >&2
      exit 1
    fi
    sleep 1
  done
  echo "   ready ($(date -u +%H:%M:%S))"
  sandbox=$(grep -o 'sandbox *http://[0-9.:]*' "$out/platform.log" | awk '{print $2}')
  bench=(./pushgate bench callbacks --setup http://127.0.0.1:8081 --verify-db "$server/$database")
  "${bench[@]}" --concurrency 64 --warmup 0s --duration 20s --out "$out/untimed.json" > "$out/untimed.txt" 2>&1 || true
  "${bench[@]}" --concurrency 64 --warmup 5s --duration 30s --out "$out/closed.json" > "$out/closed.txt" 2>&1 || true
  "${bench[@]}" --rate 1000 --warmup 10s --duration 60s --out "$out/open.json" > "$out/open.txt" 2>&1 || true
  "${bench[@]}" --emulator "$sandbox" --sessions 1000 --rate 1000 --warmup 5s --duration 60s \
    --out "$out/delivery.json" > "$out/delivery.txt" 2>&1 || true
  ./pushgate bench registrations --setup http://127.0.0.1:8081 --concurrency 32 --warmup 10s --duration 30s \
    --out "$out/registrations.json" > "$out/registrations.txt" 2>&1 || true
  kill -TERM -- -"$launcher" 2> /dev/null || kill -TERM "$launcher"
  wait "$launcher" || true
  echo "   done ($(date -u +%H:%M:%S))"
done
