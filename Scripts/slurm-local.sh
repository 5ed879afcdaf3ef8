#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying `kubuqi-monitor tiles slurm --submit`
# and for the scale-out tests. Needs root. Works without systemd (the daemons are started
# directly) and without cgroups (proctrack/linuxproc, task/none).
#
#   Scripts/slurm-local.sh [start]   install slurm-wlm and munge if missing, configure, start,
#                                    wait until `sinfo` shows the node idle
#   Scripts/slurm-local.sh stop      stop slurmd, slurmctld and munged started by this script
#   Scripts/slurm-local.sh status    exit 0 when the node answers and is idle or mixed/allocated
#
# Files: /etc/slurm/slurm.conf (written only when absent or written by this script before),
# /etc/munge/munge.key (created when absent), state, spool, pids and logs under
# ${KUBUQI_SLURM_DIR:-/tmp/kubuqi-slurm}. Exit status 0 when the cluster is up, 1 otherwise
# (the message says which step failed and where its log is).
set -euo pipefail

dir=${KUBUQI_SLURM_DIR:-/tmp/kubuqi-slurm}
conf=/etc/slurm/slurm.conf
marker="# written by kubuqi-monitor Scripts/slurm-local.sh"
host=$(hostname -s)
wait_seconds=${KUBUQI_SLURM_WAIT:-60}

# The daemons must not inherit the caller's descriptors beyond 0-2: a caller that waits for a
# pipe or socket to close (Foundation's Process does) would wait for the daemons' end.
for fd in $(ls /proc/$$/fd 2>/dev/null); do
  [[ $fd =~ ^[0-9]+$ && $fd -gt 2 ]] && eval "exec $fd>&-" 2>/dev/null || true
done

say() { echo "slurm-local: $*" >&2; }
die() { say "error: $*"; exit 1; }

need_root() { [[ $(id -u) -eq 0 ]] || die "run as root (the daemons run as root here: SlurmUser=root)"; }

install_packages() {
  local missing=()
  for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # No init system in a container: keep the packages' scripts from starting services.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
  apt-get update -qq || say "apt-get update failed; trying the install with the current lists"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$dir/apt.log" 2>&1 \
    || { ((created_policy)) && rm -f "$policy"; die "apt-get install ${missing[*]} failed (log: $dir/apt.log)"; }
  ((created_policy)) && rm -f "$policy"
  return 0
}

write_config() {
  if [[ -f $conf ]] && ! grep -qF "$marker" "$conf"; then
    die "$conf exists and was not written by this script; not touching a real cluster's configuration"
  fi
  mkdir -p /etc/slurm "$dir"/{state,spool,log}
  # The node as slurmd sees it (CPUs, sockets, cores, threads, memory), minus a little memory for the OS.
  local node
  node=$(slurmd -C 2>/dev/null | grep -m1 '^NodeName=') || die "slurmd -C cannot describe this node"
  local mem
  mem=$(sed -nE 's/.*RealMemory=([0-9]+).*/\1/p' <<<"$node")
  node=$(sed -E "s/RealMemory=[0-9]+/RealMemory=$(( mem > 1024 ? mem - 512 : mem ))/; s/ UpTime=.*//" <<<"$node")
  cat >"$conf" <<CONF
$marker
ClusterName=kubuqi-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# A job whose dependency can never be met (a failed tile before the merge) is cancelled, not left pending.
DependencyParameters=kill_invalid_depend
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=10
Waittime=0
$node State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  say "wrote $conf for node $host"
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
  if [[ ! -s /etc/munge/munge.key ]]; then
    if command -v mungekey >/dev/null; then mungekey --create --force >/dev/null 2>&1 || true; fi
    [[ -s /etc/munge/munge.key ]] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  local owner=root
  id munge >/dev/null 2>&1 && owner=munge
  chown "$owner:$owner" /etc/munge /etc/munge/munge.key /var/lib/munge /var/log/munge /run/munge
  chmod 0700 /etc/munge /var/lib/munge /var/log/munge
  chmod 0400 /etc/munge/munge.key
  chmod 0755 /run/munge
  if [[ $owner == munge ]]; then
    runuser -u munge -- munged >"$dir/log/munged.out" 2>&1 || munged --force >"$dir/log/munged.out" 2>&1 \
      || die "munged does not start (log: $dir/log/munged.out, /var/log/munge/munged.log)"
  else
    munged --force >"$dir/log/munged.out" 2>&1 || die "munged does not start (log: $dir/log/munged.out)"
  fi
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "munge credentials do not round-trip (munge -n | unmunge); log: /var/log/munge/munged.log"
}

running() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_daemons() {
  if ! running "$dir/slurmctld.pid"; then
    # -c: a controller this script starts begins with an empty queue (jobs left pending by a run that
    # was stopped mid-way would otherwise hold the one node's array slots and block the next run).
    slurmctld -c -i </dev/null >"$dir/log/slurmctld.out" 2>&1 || die "slurmctld does not start (log: $dir/log/slurmctld.log, $dir/log/slurmctld.out)"
  fi
  if ! running "$dir/slurmd.pid"; then
    slurmd </dev/null >"$dir/log/slurmd.out" 2>&1 || die "slurmd does not start (log: $dir/log/slurmd.log, $dir/log/slurmd.out)"
  fi
}

node_state() { sinfo -h -n "$host" -o '%T' 2>/dev/null | head -n1; }

wait_idle() {
  local state=""
  for ((i = 0; i < wait_seconds * 2; i++)); do
    state=$(node_state)
    case $state in
      idle|mixed|allocated|completing) say "node $host is $state"; return 0 ;;
      down*|drain*|fail*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
  done
  say "node $host is '${state:-not answering}' after ${wait_seconds}s"
  say "last lines of $dir/log/slurmd.log:"; tail -n 5 "$dir/log/slurmd.log" >&2 2>/dev/null || true
  say "last lines of $dir/log/slurmctld.log:"; tail -n 5 "$dir/log/slurmctld.log" >&2 2>/dev/null || true
  return 1
}

stop() {
  for d in slurmd slurmctld; do
    if running "$dir/$d.pid"; then
      local pid; pid=$(cat "$dir/$d.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      say "stopped $d ($pid)"
    fi
    rm -f "$dir/$d.pid"
  done
  if [[ -f /run/munge/munged.pid ]]; then
    local pid; pid=$(cat /run/munge/munged.pid)
    kill "$pid" 2>/dev/null && say "stopped munged ($pid)" || true
  fi
}

case ${1:-start} in
  start)
    need_root
    mkdir -p "$dir/log"
    install_packages
    write_config
    start_munge
    start_daemons
    wait_idle || die "the node does not become idle"
    ;;
  stop) need_root; stop ;;
  status) [[ $(node_state) =~ ^(idle|mixed|allocated|completing)$ ]] ;;
  *) die "usage: $0 [start|stop|status]" ;;
esac
