#!/usr/bin/env bash
# The SLURM test: a throwaway one-node cluster (munged, slurmctld, slurmd on this machine) started here,
# `seglens slurm … --submit` run on it by test/slurm/slurmCluster.ts, everything stopped at the end
# whatever happens. Needs root (apt-get, daemons). Recipe: docs/dev/slurm-single-node.md.
#   bash .ci/slurm.sh            install what is missing, start, test, stop
#   bash .ci/slurm.sh -- CMD...  the same cluster, running CMD instead of the test
#   SLURM_TEST_TIMEOUT=300       seconds the test may take (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm.sh: needs root (it installs packages and starts the SLURM daemons)" >&2
  exit 1
fi

source "$(dirname "$0")/packages.sh"
mapfile -t need < <(missing_packages slurmctld slurmd slurm-client munge)
if [ ${#need[@]} -gt 0 ]; then
  echo "apt-get install ${need[*]}"
  apt-get update -qq -o DPkg::Lock::Timeout=600
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${need[@]}" >/dev/null
fi
if [ ! -s /etc/munge/munge.key ]; then
  mungekey -c -k /etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi

# Everything this cluster writes lives in one temporary folder: its own munge socket, its own slurm.conf
# (SLURM_CONF, read by the daemons and by sbatch/squeue/scontrol alike), state, spool and logs.
# Always under /tmp, not $TMPDIR: munged and slurmd run as other users and must pass through every
# parent folder, and a private TMPDIR (mktemp -d makes it 0700) shuts them out.
TMP=$(mktemp -d /tmp/seglens-slurm.XXXXXX)
chmod 755 "$TMP"
install -d -o munge -g munge -m 755 "$TMP/munge"
mkdir -p "$TMP/state" "$TMP/spool" "$TMP/log" "$TMP/work"
chmod 777 "$TMP/work"
export SLURM_CONF="$TMP/slurm.conf"
export SEGLENS_SLURM_WORK="$TMP/work"
NODE_NAME=$(hostname -s)
CPUS=$(nproc)
MUNGE_SOCKET="$TMP/munge/munge.socket"

PIDS=()
teardown() {
  local status=$?
  set +e
  # Jobs first, so slurmd does not leave job steps behind; then the daemons this script started, by PID.
  if [ -n "${SLURMCTLD_PID:-}" ]; then timeout 10 scancel --full --quiet --user=root >/dev/null 2>&1; fi
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  if [ -f "$TMP/munge/munged.pid" ]; then
    pid=$(cat "$TMP/munge/munged.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ "$status" -ne 0 ]; then
    for log in "$TMP"/log/*.log "$TMP"/munge/munged.log "$TMP"/work/*/logs/*.log; do
      [ -f "$log" ] || continue
      echo "----- $log (last 60 lines)"
      tail -n 60 "$log"
    done
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT TERM

fail() {
  echo "slurm.sh: $*" >&2
  exit 1
}

# munged refuses to run as root: it runs as the munge user, on its own socket.
su -s /bin/sh munge -c "/usr/sbin/munged --socket=$MUNGE_SOCKET --pid-file=$TMP/munge/munged.pid \
  --log-file=$TMP/munge/munged.log --seed-file=$TMP/munge/munged.seed" || fail "munged did not start"
munge -n --socket="$MUNGE_SOCKET" | unmunge --socket="$MUNGE_SOCKET" >/dev/null || fail "munge round trip failed"

# Addresses pinned to 127.0.0.1: a CI machine whose host name does not resolve still runs the cluster.
cat >"$SLURM_CONF" <<EOF
ClusterName=seglens-ci
SlurmctldHost=$NODE_NAME(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
DependencyParameters=kill_invalid_depend
ReturnToService=2
MinJobAge=600
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/slurmctld.pid
SlurmdPidFile=$TMP/slurmd.pid
SlurmctldLogFile=$TMP/log/slurmctld.log
SlurmdLogFile=$TMP/log/slurmd.log
NodeName=$NODE_NAME NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

started=$(date +%s%N)
slurmctld -D -i >"$TMP/log/slurmctld.stdout" 2>&1 &
SLURMCTLD_PID=$!
PIDS+=("$SLURMCTLD_PID")
slurmd -D >"$TMP/log/slurmd.stdout" 2>&1 &
PIDS+=("$!")
state=""
for _ in $(seq 150); do
  state=$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)
  [ "$state" = "idle" ] && break
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a SLURM daemon exited at start (PID $pid)"; done
  sleep 0.2
done
[ "$state" = "idle" ] || fail "the node is not idle after 30 s (state: ${state:-none})"
echo "slurm: cluster up in $((($(date +%s%N) - started) / 1000000)) ms (node $NODE_NAME, $CPUS CPUs)"

if [ "${1:-}" = "--" ]; then # bash .ci/slurm.sh -- COMMAND...: run COMMAND on the cluster instead of the test
  shift
  "$@"
  exit $?
fi

[ -f out/test/slurm/slurmCluster.js ] && [ -f dist/cli.js ] || npm run pretest --silent
limit=${SLURM_TEST_TIMEOUT:-300}
status=0
timeout "$limit" node --test --test-reporter=spec out/test/slurm/slurmCluster.js || status=$?
[ "$status" -eq 124 ] && echo "slurm.sh: the test did not finish within $limit s" >&2
exit "$status"
