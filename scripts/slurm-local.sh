#!/usr/bin/env bash
# A one-node Slurm on this machine, for trying the Slurm runner and for its tests.
#
#   scripts/slurm-local.sh start    install (Debian packages) if missing, configure, start; idempotent
#   scripts/slurm-local.sh stop     stop slurmd, slurmctld and munged
#   scripts/slurm-local.sh status   sinfo
#
# Debian's slurm-wlm 22.05 and munge, as STACK.md found them to work on this machine kind:
# proctrack/linuxproc and task/none (no cgroups in a container), no cgroup.conf (its
# CgroupPlugin=disabled makes slurmd fail on 22.05), no accounting daemon (so `sacct`
# has nothing to say: the runner reads squeue and the run folders instead). Needs root,
# or sudo. The configuration is ours only when it carries our marker: a slurm.conf that
# someone else wrote is never replaced.
set -euo pipefail

MARKER='# written by attractor-studio scripts/slurm-local.sh'
CONF=/etc/slurm/slurm.conf
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

say() { echo "slurm-local: $*"; }

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && command -v sbatch >/dev/null; then
    return
  fi
  say "installing slurm-wlm and munge"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq slurm-wlm munge >/dev/null
}

write_config() {
  local node cpus mem
  node=$(hostname -s)
  cpus=$(nproc)
  # Leave the node some memory of its own; Slurm only books it, nothing is enforced.
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
  if [ -f "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
    say "$CONF exists and was not written by this script: leaving it as it is"
    return
  fi
  $SUDO mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  $SUDO tee "$CONF" >/dev/null <<EOF
$MARKER
ClusterName=attractor-local
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=10
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

running() { pgrep -x "$1" >/dev/null; }

start_daemons() {
  if [ ! -s /etc/munge/munge.key ]; then
    $SUDO mungekey --create --keyfile /etc/munge/munge.key >/dev/null
    $SUDO chown munge:munge /etc/munge/munge.key
    $SUDO chmod 400 /etc/munge/munge.key
  fi
  $SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge
  $SUDO chown munge:munge /run/munge /var/log/munge /var/lib/munge
  if ! running munged; then
    # -u: munged refuses to start as root; --force: a stale socket from an earlier start is fine.
    if [ -z "$SUDO" ]; then runuser -u munge -- /usr/sbin/munged --force; else sudo -u munge /usr/sbin/munged --force; fi
  fi
  running slurmctld || $SUDO /usr/sbin/slurmctld
  running slurmd || $SUDO /usr/sbin/slurmd
}

wait_ready() {
  local node state
  node=$(hostname -s)
  for _ in $(seq 1 60); do
    state=$(sinfo -h -n "$node" -o '%t' 2>/dev/null || true)
    case "$state" in
      idle* | mix* | alloc*) say "ready (node $node $state)"; return 0 ;;
      down* | drain*) $SUDO scontrol update NodeName="$node" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.5
  done
  say "the node did not come up; see /var/log/slurm/slurmctld.log and /var/log/slurm/slurmd.log"
  sinfo || true
  return 1
}

case "${1:-start}" in
  start)
    install_packages
    write_config
    start_daemons
    wait_ready
    ;;
  stop)
    # By the pid files the daemons wrote, never by name: other processes may share a name.
    for pidfile in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
      if [ -s "$pidfile" ]; then $SUDO kill "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    say "stopped"
    ;;
  status)
    sinfo
    ;;
  *)
    echo "usage: scripts/slurm-local.sh start|stop|status" >&2
    exit 2
    ;;
esac
