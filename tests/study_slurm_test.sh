#!/usr/bin/env bash
# `plumsim study slurm` on a real single-node Slurm cluster: Debian's
# slurm-wlm (slurmctld + slurmd) with munge, started here on localhost with
# a generated slurm.conf in a temporary folder, on ports of their own, and
# stopped on exit. The job array's runs must equal `plumsim study run`'s
# (same digests). Needs root (slurmd runs jobs as their user) and the
# packages tools/setup installs.
set -uo pipefail
plumsim="$(realpath "$1")"
study="$(realpath "$2")"     # tests/study_small.toml
tmp="${TEST_TMPDIR:-$(mktemp -d)}/slurm"
rm -rf "$tmp"; mkdir -p "$tmp"; cd "$tmp"
export HOME="$tmp/home"; mkdir -p "$HOME"
for tool in slurmctld slurmd munged sbatch squeue scontrol; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (tools/setup installs slurm-wlm and munge)"; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "FAIL: the Slurm test starts slurmd and needs root"; exit 1; }

# Daemons' files under /tmp: a unix socket path must stay short.
cluster="$(mktemp -d /tmp/plumsim-slurm.XXXXXX)"
host="$(hostname -s)"
port=$((20000 + ($$ % 2000) * 2))
cleanup() {
  SLURM_CONF="$cluster/slurm.conf" scontrol shutdown >/dev/null 2>&1
  for pidfile in "$cluster/slurmd.pid" "$cluster/slurmctld.pid" "$cluster/munge/pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  for i in $(seq 50); do  # up to 5 s for them to go
    pgrep -f "$cluster" >/dev/null || break
    sleep 0.1
  done
  pkill -9 -f "$cluster" 2>/dev/null
  rm -rf "$cluster"
}
trap cleanup EXIT
mkdir -p "$cluster/munge" "$cluster/state" "$cluster/spool" "$cluster/log"
head -c 1024 /dev/urandom > "$cluster/munge/munge.key"; chmod 600 "$cluster/munge/munge.key"
munged --force --key-file="$cluster/munge/munge.key" --socket="$cluster/munge/sock" \
  --pid-file="$cluster/munge/pid" --log-file="$cluster/munge/log" --seed-file="$cluster/munge/seed" \
  || { echo "FAIL: munged did not start"; exit 1; }
cat > "$cluster/slurm.conf" <<CONF
ClusterName=plumsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$cluster/munge/sock
CredType=cred/munge
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/slurmctld.pid
SlurmdPidFile=$cluster/slurmd.pid
SlurmctldLogFile=$cluster/log/slurmctld.log
SlurmdLogFile=$cluster/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=plumsim Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$cluster/slurm.conf"
slurmctld -f "$SLURM_CONF" || { echo "FAIL: slurmctld did not start"; cat "$cluster"/log/*; exit 1; }
slurmd -f "$SLURM_CONF" -N "$host" || { echo "FAIL: slurmd did not start"; cat "$cluster"/log/*; exit 1; }
# Bounded waits on a real service (not on simulated time): at most 60 s
# for the node to be idle, 300 s for the job array.
for i in $(seq 600); do
  sinfo -h -o %t 2>/dev/null | grep -q idle && break
  sleep 0.1
done
sinfo -h -o %t | grep -q idle || { echo "FAIL: the Slurm node is not idle"; sinfo; cat "$cluster"/log/*; exit 1; }

"$plumsim" study run "$study" --out local --quiet >/dev/null || { echo "FAIL: study run"; exit 1; }
out=$("$plumsim" study slurm "$study" --out cluster --partition plumsim --time 0:10:00 2>&1) \
  || { echo "FAIL: study slurm: $out"; cat "$cluster"/log/*; exit 1; }
echo "$out"
job=$(sed -n 's/^submitted Slurm job \([0-9]*\):.*/\1/p' <<<"$out")
[ -n "$job" ] || { echo "FAIL: no job id in: $out"; exit 1; }
grep -q '^#SBATCH --array=1-4$' cluster/slurm/study.sbatch || { echo "FAIL: script"; cat cluster/slurm/study.sbatch; exit 1; }
for i in $(seq 3000); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 0.1
done
[ -z "$(squeue -h -j "$job")" ] || { echo "FAIL: job $job still queued after 300 s"; squeue; exit 1; }

"$plumsim" study collect local >/dev/null && "$plumsim" study collect cluster >/dev/null \
  || { echo "FAIL: collect"; cat cluster/slurm/*.out; exit 1; }
cut -d, -f1,6,7 local/study.csv > local.txt
cut -d, -f1,6,7 cluster/study.csv > cluster.txt
[ "$(grep -c ',ok,\|,expectation_failed,' cluster/study.csv)" -eq 4 ] \
  || { echo "FAIL: not every array task ran"; cat cluster/study.csv cluster/slurm/*.out; exit 1; }
if ! cmp -s local.txt cluster.txt; then
  echo "FAIL: the Slurm job's runs differ from study run's"; diff local.txt cluster.txt; exit 1
fi
echo "study_slurm_test: passed, job $job ($(tail -n +2 cluster.txt | tr '\n' ' '))"
