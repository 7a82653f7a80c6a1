#!/usr/bin/env bash
# Measures a private PostgreSQL under pgbench on this machine, for `capsim calibrate`.
#
#   scripts/measure-postgres.sh                 # the full measurement (about 45 min), into calibration/
#   DRY_RUN=1 scripts/measure-postgres.sh       # a tiny run (1-4 clients, 2 s, one repeat) into a temp dir
#
# What it does: installs Debian's postgresql (with pgbench) if missing (apt-get update first),
# starts a private cluster in a temporary directory on a Unix socket only (no TCP), loads pgbench
# tables, and runs three closed-loop workloads at 1-64 clients, each level REPEATS times:
#   select-only   pgbench -S
#   tpcb          pgbench's built-in TPC-B-like transaction
#   crm           80/20 reads and updates of a customer row (calibration/scripts/crm-*.sql)
# plus open-loop runs (pgbench --rate) of the crm mix at RATE_CLIENTS connections, at rates that
# straddle what those connections sustain closed loop (RATES=auto: 30% to 130% of the crm
# mix's closed-loop tps at RATE_CLIENTS clients, measured above or by a 10 s probe; or RATES="..."
# in transactions/s). WORKLOADS="" runs only the open loop. Per run it keeps
# the SUMMARY only (pgbench's output with -r), and appends what the raw logs and the kernel say:
#   latency percentiles: p50 = ... ms, p95 = ... ms, p99 = ... ms (from --log, N transactions)
#   cpu seconds: server = S, client = C, machine = K cores
#   load average: L
#   target rate: R/s                                   (open-loop runs)
# The --log files themselves are deleted. The server is stopped and its directory removed at
# the end, also on error or Ctrl-C.
#
# Where pg_stat_statements ships with the server (Debian's package has it), the server runs with
# shared_preload_libraries=pg_stat_statements and track_wal_io_timing=on, and each closed-loop
# run cN-rK.txt gets four snapshots beside it, as CSV with a header (COPY ... CSV HEADER):
#   cN-rK.statements-before.csv, cN-rK.statements-after.csv   queryid, query, calls, total_exec_time, rows
#   cN-rK.wal-before.csv, cN-rK.wal-after.csv                 SELECT * FROM pg_stat_wal (PostgreSQL 14-17)
# `capsim calibrate` reads them: the measured time per statement, and WAL syncs per commit.
# STATEMENTS=0 leaves the extension out (it adds work to every statement; how much was not measured).
#
# A measurement on a busy machine is distorted: it refuses to start when the 1-minute load
# average is above MAX_LOAD (default 1.5), unless FORCE=1.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
DRY_RUN=${DRY_RUN:-0}
if [ "$DRY_RUN" = 1 ]; then
  OUT=${OUT:-$(mktemp -d /tmp/capsim-measure-dry.XXXXXX)}
  CLIENTS=${CLIENTS:-"1 2 4"}; REPEATS=${REPEATS:-1}; DURATION=${DURATION:-2}
  RATES=${RATES:-"200 400"}; SCALE=${SCALE:-1}; WORKLOADS=${WORKLOADS-"select-only crm"}
else
  OUT=${OUT:-$here/calibration/postgres}
  CLIENTS=${CLIENTS:-"1 2 4 8 16 32 64"}; REPEATS=${REPEATS:-3}; DURATION=${DURATION:-20}
  RATES=${RATES:-auto}; SCALE=${SCALE:-10}
  WORKLOADS=${WORKLOADS-"select-only tpcb crm"}
fi
RATE_CLIENTS=${RATE_CLIENTS:-8}
MAX_LOAD=${MAX_LOAD:-1.5}
THREADS=${THREADS:-1}
STATEMENTS=${STATEMENTS:-1}

say() { echo "measure-postgres: $*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }

if [ "${FORCE:-0}" != 1 ] && awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }'; then
  say "load average $(load1) is above $MAX_LOAD: the machine is busy and the numbers would be distorted."
  say "Wait until it is quiet, or FORCE=1 to measure anyway."
  exit 2
fi

# PostgreSQL and pgbench (Debian: pgbench ships with the server package).
if ! ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1; then
  "$(dirname "$0")/apt-install.sh" postgresql
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
version=$("$bin/postgres" --version)

# The server refuses to run as root: run it, and pgbench, as the postgres user then.
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi

work=$(mktemp -d /tmp/capsim-pg.XXXXXX)
chmod 755 "$work"
[ "$(id -u)" = 0 ] && chown postgres "$work"
data=$work/data
stop() {
  if [ -f "$data/postmaster.pid" ]; then "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true; fi
  rm -rf "$work"
}
trap stop EXIT INT TERM

say "initdb in $work ($version)"
"${as_pg[@]}" "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$work'
max_connections = 200
shared_buffers = 256MB
CONF
# pg_stat_statements (13+: total_exec_time) and pg_stat_wal (14+) snapshots, where available.
server_num=$("$bin/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')
snapshots=0
if [ "$STATEMENTS" = 1 ] && [ "$server_num" -ge 14 ] && [ -f "$(dirname "$bin")/lib/pg_stat_statements.so" ]; then
  snapshots=1
  cat >>"$data/postgresql.conf" <<CONF
shared_preload_libraries = 'pg_stat_statements'
track_wal_io_timing = on
CONF
fi
"${as_pg[@]}" "$bin/pg_ctl" -D "$data" -l "$work/server.log" -w start >/dev/null
pgbench=("${as_pg[@]}" "$bin/pgbench" -h "$work" -U postgres)
"${as_pg[@]}" "$bin/createdb" -h "$work" -U postgres bench
psql=("${as_pg[@]}" "$bin/psql" -X -q -h "$work" -U postgres -d bench -v ON_ERROR_STOP=1)
[ "$snapshots" = 1 ] && "${psql[@]}" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
say "pgbench -i -s $SCALE"
"${pgbench[@]}" -i -q -s "$SCALE" bench >/dev/null 2>&1

ticks=$(getconf CLK_TCK)
cores=$(nproc)
postmaster=$(head -1 "$data/postmaster.pid")
# CPU seconds of the server: the postmaster, its live children, and (cutime, cstime) the backends
# it has reaped. Backends exit when pgbench disconnects, so their time is counted once reaped.
server_cpu() {
  local total=0 pid
  for pid in $postmaster $(pgrep -P "$postmaster" || true); do
    [ -r "/proc/$pid/stat" ] || continue
    total=$(awk -v t="$total" -v self=$([ "$pid" = "$postmaster" ] && echo 1 || echo 0) \
      '{ sub(/^.*\) /, ""); v = $12 + $13; if (self) v += $14 + $15; print t + v }' "/proc/$pid/stat")
  done
  echo "$total"
}

mkdir -p "$OUT"
cp "$here/calibration/scripts/"crm-*.sql "$work/"
[ "$(id -u)" = 0 ] && chown postgres "$work"/crm-*.sql

# One run: pgbench's summary into FILE, then percentiles, CPU and load lines.
run() {
  local file=$1; shift
  local logdir=$work/log; rm -rf "$logdir"; mkdir -p "$logdir"; [ "$(id -u)" = 0 ] && chown postgres "$logdir"
  local load; load=$(load1)
  local before; before=$(server_cpu)
  local TIMEFORMAT='%U %S' client
  client=$( { time (cd "$logdir" && "${pgbench[@]}" -n -r -P 5 -T "$DURATION" -j "$THREADS" --log "$@" bench \
    >"$file" 2>"$file.progress") ; } 2>&1 )
  sleep 1  # let the postmaster reap the backends
  local after; after=$(server_cpu)
  cat "$logdir"/pgbench_log.* | awk '$3 != "failed" && $3 != "skipped" { print $3 }' | sort -n >"$work/lat"
  local n r p50 p95 p99
  n=$(wc -l <"$work/lat")
  pct() { r=$(( (n * $1 + 99) / 100 )); [ "$r" -ge 1 ] || r=1; sed -n "${r}p" "$work/lat"; }
  p50=$(pct 50); p95=$(pct 95); p99=$(pct 99)
  awk -v a="${p50:-0}" -v b="${p95:-0}" -v c="${p99:-0}" -v n="$n" 'BEGIN {
    printf "latency percentiles: p50 = %.3f ms, p95 = %.3f ms, p99 = %.3f ms (from --log, %d transactions)\n", a / 1000, b / 1000, c / 1000, n }' >>"$file"
  awk -v b="$before" -v a="$after" -v t="$ticks" -v c="$client" -v k="$cores" 'BEGIN {
    split(c, u, " "); printf "cpu seconds: server = %.2f, client = %.2f, machine = %d cores\n", (a - b) / t, u[1] + u[2], k }' >>"$file"
  echo "load average: $load" >>"$file"
  grep '^progress:' "$file.progress" >>"$file" || true
  rm -f "$file.progress"
  rm -rf "$logdir"
}

# Snapshots of pg_stat_statements (this database's statements) and pg_stat_wal into NAME.KIND.csv,
# as psql's \copy (...) TO 'FILE' CSV HEADER writes them (to stdout here, so that the file is the
# caller's, not the postgres user's).
snapshot() {
  local name=$1 when=$2
  [ "$snapshots" = 1 ] || return 0
  "${psql[@]}" -c "COPY (SELECT queryid, query, calls, total_exec_time, rows FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())) TO STDOUT CSV HEADER" \
    >"$name.statements-$when.csv"
  # PostgreSQL 18 moved the WAL sync counts to pg_stat_io: pg_stat_wal up to 17 only.
  [ "$server_num" -le 17 ] && "${psql[@]}" -c "COPY (SELECT * FROM pg_stat_wal) TO STDOUT CSV HEADER" >"$name.wal-$when.csv"
  sleep 0.2  # let the postmaster reap the snapshot's backend before the run counts CPU
}

for workload in $WORKLOADS; do
  mkdir -p "$OUT/$workload"
  case $workload in
    select-only) args=(-S) ;;
    tpcb) args=() ;;
    crm) args=(-f "$work/crm-read.sql@8" -f "$work/crm-update.sql@2") ;;
    *) say "unknown workload $workload"; exit 64 ;;
  esac
  for repeat in $(seq 1 "$REPEATS"); do
    for c in $CLIENTS; do
      say "$workload: $c clients, run $repeat of $REPEATS"
      snapshot "$OUT/$workload/c$c-r$repeat" before
      run "$OUT/$workload/c$c-r$repeat.txt" -c "$c" "${args[@]}"
      snapshot "$OUT/$workload/c$c-r$repeat" after
    done
  done
done

# Open-loop rates around the closed-loop capacity on the same connections, so the knee is in
# the range: below it every rate is met, above it pgbench achieves the capacity.
if [ "$RATES" = auto ]; then
  closed=$OUT/crm/c$RATE_CLIENTS-r1.txt
  if [ ! -f "$closed" ]; then
    say "crm closed loop on $RATE_CLIENTS connections for 10 s, to place the open-loop rates"
    closed=$work/probe.txt
    "${pgbench[@]}" -n -T 10 -c "$RATE_CLIENTS" -j "$THREADS" -f "$work/crm-read.sql@8" -f "$work/crm-update.sql@2" bench >"$closed" 2>/dev/null
  fi
  capacity=$(awk '/^tps = / { print $3; exit }' "$closed")
  RATES=$(awk -v x="$capacity" 'BEGIN { n = split("30 50 70 85 95 105 115 130", s, " ");
    for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? " " : ""), int(x * s[i] / 100 / 100 + 0.5) * 100 }')
  say "crm sustains about $capacity tps on $RATE_CLIENTS connections: open-loop rates $RATES"
fi

mkdir -p "$OUT/crm-rate"
for repeat in $(seq 1 "$REPEATS"); do
  for rate in $RATES; do
    say "crm open loop: $rate/s on $RATE_CLIENTS connections, run $repeat of $REPEATS"
    file=$OUT/crm-rate/rate$rate-r$repeat.txt
    run "$file" -c "$RATE_CLIENTS" --rate "$rate" -f "$work/crm-read.sql@8" -f "$work/crm-update.sql@2"
    echo "target rate: $rate/s" >>"$file"
  done
done

# One line per part measured, so that running only the open loop keeps the closed loop's line.
info=$OUT/MEASURED.txt
touch "$info"
keep=$(grep -v '^machine:\|^closed loop:\|^open loop:\|^postgres' "$info" || true)
closedLine=$(grep '^closed loop:' "$info" || true)
[ -n "$WORKLOADS" ] && closedLine="closed loop: $WORKLOADS at $CLIENTS clients, measured $(date -u +%Y-%m-%dT%H:%MZ)"
{
  echo "$version, pgbench scale $SCALE, $DURATION s per run, $REPEATS repeats, $THREADS pgbench thread(s)$([ "$snapshots" = 1 ] && echo ", pg_stat_statements and pg_stat_wal snapshots")"
  echo "machine: $cores cores, $(uname -srm)"
  [ -n "$closedLine" ] && echo "$closedLine"
  echo "open loop: crm at $RATES/s on $RATE_CLIENTS connections, measured $(date -u +%Y-%m-%dT%H:%MZ)"
  [ -n "$keep" ] && echo "$keep"
} >"$info.new"
mv "$info.new" "$info"
say "done: $OUT"
