#!/usr/bin/env bash
# A single-node Slurm on this machine, for the sharded-sweep test and for trying the recipe in
# distributed/slurm/ by hand. Everything (slurm.conf, munge key, state, spool, logs, pid files)
# lives in one folder; nothing under /etc is read or written.
#
#   scripts/slurm-single-node.sh start DIR   install slurm-wlm and munge if missing (apt-get,
#                                            sudo when not root), start munged, slurmctld and
#                                            slurmd on loopback, wait until the node is idle
#   scripts/slurm-single-node.sh stop DIR    stop the daemons started in DIR (by their pid files)
#
# Then: export SLURM_CONF=DIR/slurm.conf; sbatch ... (sbatch, squeue, scontrol read it).
# The daemons run as the calling user, so start needs root (slurmd starts jobs as their user).
# Ports: $CAPSIM_SLURM_PORT (slurmctld, default 16817) and the next one (slurmd).
# Exit status of start: 0 running, 1 could not start (the reason on stderr), 2 cannot install.
set -euo pipefail

command="${1:-}"
dir="${2:-}"
if [ -z "$command" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 64
fi
port="${CAPSIM_SLURM_PORT:-16817}"

say() { echo "slurm-single-node: $*" >&2; }

# Whether a process runs: it exists and is not a zombie (a daemon's exit is reaped by whoever
# adopted it, which may be a test runner that never does).
running() {
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
  [ -n "$state" ] && [ "$state" != Z ]
}

# Stops one daemon by the pid its file names, waiting up to 10 s; only that process is signalled.
stop_pid_file() {
  local file="$1"
  [ -f "$file" ] || return 0
  local pid
  pid="$(cat "$file" 2>/dev/null || true)"
  rm -f "$file"
  [ -n "$pid" ] && running "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    running "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

stop() {
  # slurmd first, so that the controller does not see a node die and requeue its jobs.
  stop_pid_file "$dir/slurmd.pid"
  stop_pid_file "$dir/slurmctld.pid"
  stop_pid_file "$dir/munged.pid"
}

install_if_missing() {
  local missing=()
  for b in slurmctld slurmd sbatch munged mungekey; do
    command -v "$b" >/dev/null || missing+=("$b")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing slurmctld, slurmd, slurm-client and munge (missing: ${missing[*]})"
  if ! "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" --no-recommends slurmctld slurmd slurm-client munge; then
    say "cannot install slurm-wlm and munge with apt-get"
    exit 2
  fi
}

# Waits up to $2 seconds for the command in $1 to succeed.
wait_for() {
  local what="$1" seconds="$2"
  for _ in $(seq 1 $((seconds * 10))); do
    if eval "$what" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

# The daemons outlive this script, so they must not hold what its caller gave it beyond
# stdin, stdout and stderr: a caller that waits for a descriptor to close (Foundation's
# Process does, for the child's end of a socket) would otherwise wait for the daemons.
close_inherited_descriptors() {
  local fd
  for fd in /proc/$$/fd/*; do
    fd="${fd##*/}"
    case "$fd" in 0 | 1 | 2 | 255) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
  done
}

# The daemons inherit the signal mask too. A caller on a thread that blocks signals (a
# dispatch worker thread, as in a Swift test) would leave munged and slurmd deaf to SIGTERM;
# start over with none blocked (perl-base is in every Debian).
unblock_signals() {
  local blocked
  blocked="$(awk '/^SigBlk:/ {print $2}' "/proc/$$/status" 2>/dev/null || echo 0)"
  if [ -n "$blocked" ] && [ "$((16#$blocked))" != 0 ] && [ -z "${CAPSIM_SLURM_UNBLOCKED:-}" ]; then
    export CAPSIM_SLURM_UNBLOCKED=1
    exec perl -MPOSIX -e 'sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die "sigprocmask: $!"; exec @ARGV or die "exec: $!"' \
      -- "$0" "$@"
  fi
}

start() {
  close_inherited_descriptors
  install_if_missing
  if [ "$(id -u)" -ne 0 ]; then
    say "slurmd must run as root to start jobs; run this as root (uid is $(id -u))"
    exit 1
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  chmod 700 "$dir"
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
  chmod 700 "$dir/munge"
  local host cpus
  host="$(hostname -s)"
  cpus="$(nproc)"

  # munge: its own key, socket and seed; --force because it runs as root.
  [ -f "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null
  munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed"
  wait_for "[ -S '$dir/munge/munge.socket' ]" 10 || { say "munged did not start (see $dir/munged.log)"; stop; exit 1; }

  cat >"$dir/slurm.conf" <<EOF
# Written by scripts/slurm-single-node.sh: one node, this host, on loopback.
ClusterName=capsim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=capsim Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  export SLURM_CONF="$dir/slurm.conf"
  # -i: ignore state left by an earlier start in the same folder.
  slurmctld -i -f "$dir/slurm.conf" || { say "slurmctld did not start (see $dir/slurmctld.log)"; stop; exit 1; }
  wait_for "scontrol ping | grep -q UP" 20 || { say "slurmctld does not answer (see $dir/slurmctld.log)"; stop; exit 1; }
  slurmd -f "$dir/slurm.conf" -N "$host" || { say "slurmd did not start (see $dir/slurmd.log)"; stop; exit 1; }
  if ! wait_for "sinfo -h -n '$host' -o %t | grep -Eq '^(idle|mix|alloc)'" 30; then
    say "node $host did not become idle: $(sinfo -h -n "$host" -o '%t %E' 2>&1) (see $dir/slurmd.log)"
    stop
    exit 1
  fi
  say "running: node $host, $cpus CPUs; export SLURM_CONF=$dir/slurm.conf"
}

case "$command" in
  start) unblock_signals "$@"; start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 64 ;;
esac
