#!/usr/bin/env bash
# cluster.sh — simulated nodes for the multi-node tests: N hosts as Linux network namespaces, each
# with its own address and (through the launch agent) its own hostname, joined by veth pairs to a
# bridge that lives in a namespace of its own, so the host's firewall and addresses are never in
# the path. Open MPI reaches them through its rsh launch agent, pointed at the `agent` command of
# this script, which runs the daemon's command in the node's namespace under its hostname, as ssh
# would on a real node.
#
#   cluster.sh up DIR N        create nodes 1..N (names and addresses in DIR/nodes, a hostfile in
#                              DIR/hosts); prints nothing else on success. Directories listed in
#                              DIR/private are hidden from nodes 2..N (no shared filesystem)
#   cluster.sh run DIR I CMD.. run CMD on node I, under its hostname (mpirun must start on node 1)
#   cluster.sh agent HOST CMD  the launch agent Open MPI calls (plm_rsh_agent): HOST is a node's
#                              address, CMD a shell command line
#   cluster.sh unplug DIR I    cut node I's link (its veth goes down); plug DIR I puts it back
#   cluster.sh down DIR        kill every process left in the nodes (by PID), delete them
#
# Needs root and iproute2 (ip netns, veth, bridge) and util-linux (unshare). DIR/prefix keeps the
# names of this cluster's namespaces unique, so clusters of several test runs never meet.
set -euo pipefail

die() { echo "multinode cluster: $*" >&2; exit 1; }

node_field() { # node_field DIR I COLUMN — from DIR/nodes: "I NAME NETNS ADDRESS BRIDGE_VETH"
  awk -v i="$2" -v c="$3" '$1 == i { print $c }' "$1/nodes"
}

up() {
  local dir=$1 n=$2
  [ "$(id -u)" -eq 0 ] || die "needs root (ip netns)"
  command -v ip >/dev/null || die "ip not found (Debian: iproute2)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  # A prefix of this cluster's own, and a /24 of 10.x.y.0 picked at random among those no
  # interface of this machine uses.
  local prefix net=""
  prefix="msc$(printf '%04x' $((RANDOM % 65536)))"
  for _ in $(seq 50); do
    net="10.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))"
    ip -o addr | grep -q " $net\." || break
  done
  echo "$prefix" >"$dir/prefix"
  echo "$net.0/24" >"$dir/subnet"
  : >"$dir/nodes"
  local br="${prefix}br"
  ip netns add "$br"
  ip -n "$br" link add br0 type bridge
  ip -n "$br" link set br0 up
  ip -n "$br" link set lo up
  local i ns addr
  for ((i = 1; i <= n; i++)); do
    ns="${prefix}n$i" addr="$net.$((i + 10))"
    ip netns add "$ns"
    ip link add "${prefix}v$i" type veth peer name eth0 netns "$ns"
    ip link set "${prefix}v$i" netns "$br"
    ip -n "$br" link set "${prefix}v$i" master br0 up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    echo "$i node$i $ns $addr ${prefix}v$i" >>"$dir/nodes"
  done
  # The hostfile names nodes by address: there is no DNS for them.
  awk '{ print $4 }' "$dir/nodes" >"$dir/hosts"
}

# run_in DIR I CMD...: CMD in node I's namespace, with a UTS namespace of its own named nodeI.
# Nodes other than node 1 also get a mount namespace in which every directory listed in
# DIR/private (one per line) is an empty tmpfs: what node 1 writes there, they cannot see, as on
# nodes without a shared filesystem.
run_in() {
  local dir=$1 i=$2 ns name hide=""
  shift 2
  ns=$(node_field "$dir" "$i" 3)
  name=$(node_field "$dir" "$i" 2)
  [ -n "$ns" ] || die "no node $i in $dir/nodes"
  if [ "$i" != 1 ] && [ -s "$dir/private" ]; then
    local p
    while read -r p; do
      [ -n "$p" ] && hide+="mount -t tmpfs -o size=1m none '$p' && "
    done <"$dir/private"
    # shellcheck disable=SC2016 # expanded by the inner sh
    exec ip netns exec "$ns" unshare --uts --mount sh -c "$hide"'hostname "$0" && exec "$@"' "$name" "$@"
  fi
  # shellcheck disable=SC2016 # expanded by the inner sh
  exec ip netns exec "$ns" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$name" "$@"
}

agent() {
  # Open MPI calls AGENT [options] HOST COMMAND-LINE; the options (none unless plm_rsh_args says
  # so) are skipped. The cluster's directory comes from the environment mpirun passed on.
  while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do shift; done
  local host=$1
  shift
  local dir=${MSC_MULTINODE_DIR:?MSC_MULTINODE_DIR: the cluster directory}
  local i
  i=$(awk -v h="$host" '$4 == h || $2 == h { print $1 }' "$dir/nodes")
  [ -n "$i" ] || die "agent: '$host' is not a node of $dir"
  run_in "$dir" "$i" sh -c "$*"
}

link() { # link DIR I up|down
  local prefix br
  prefix=$(cat "$1/prefix")
  br="${prefix}br"
  ip -n "$br" link set "$(node_field "$1" "$2" 5)" "$3"
}

down() {
  local dir=$1 prefix ns pids
  [ -f "$dir/prefix" ] || return 0
  prefix=$(cat "$dir/prefix")
  # Processes outlive a deleted namespace: kill what runs in each node first, by PID.
  for ns in $(ip netns list | awk '{ print $1 }' | grep "^$prefix"); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [ -n "$pids" ]; then
      # shellcheck disable=SC2086 # a list of PIDs
      kill -CONT $pids 2>/dev/null || true
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
    fi
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -f "$dir/prefix"
}

[ $# -ge 1 ] || die "usage: cluster.sh up DIR N | run DIR I CMD... | agent HOST CMD | unplug|plug DIR I | down DIR"
action=$1
shift
case "$action" in
  up) up "$@" ;;
  run) run_in "$@" ;;
  agent) agent "$@" ;;
  unplug) link "$1" "$2" down ;;
  plug) link "$1" "$2" up ;;
  down) down "$@" ;;
  *) die "unknown action '$action'" ;;
esac
