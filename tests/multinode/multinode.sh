#!/usr/bin/env bash
# multinode.sh BUILD_DIR — mpiscale across simulated nodes (tests/multinode/cluster.sh: 3 network
# namespaces on a bridge, each with its own address and hostname, reached by Open MPI's rsh launch
# agent). Ranks on different nodes talk over TCP through the virtual links, never shared memory.
# Checks: 3 nodes with one rank each and with 2+1+1 ranks give the single-node digest and a report
# that names the 3 nodes; the bytes went through the links; a study across the nodes gives its
# table; and three node failures — the daemon of node 3 killed, node 3's link cut, node 3 frozen —
# each end within a bound with a truthful status (after mpiscale-report --settle) and resume on
# the two remaining nodes to the uninterrupted digest. Needs root (skipped outside CI otherwise).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
build=$(cd "${1:?usage: multinode.sh BUILD_DIR}" && pwd -P)
# shellcheck source=tests/cli/lib.sh
. "$here/../cli/lib.sh" # ok, notok, check, status_field, jsonl
passed=0 failed=0
require_root "it creates network namespaces"

tmp=$(mktemp -d /tmp/msc-multinode.XXXXXX)
cl="$tmp/cluster"
cleanup() {
  bash "$here/cluster.sh" down "$cl"
  if [ "${MSC_KEEP_TMP:-0}" = 1 ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
start=$SECONDS
bash "$here/cluster.sh" up "$cl" 3 || { echo "not ok - the simulated nodes did not come up"; exit 1; }
ok "3 simulated nodes up in $((SECONDS - start)) s on $(cat "$cl/subnet")"
mapfile -t addr <"$cl/hosts"
# No shared filesystem: the directory every run writes its outputs and checkpoints into is an
# empty tmpfs on nodes 2 and 3, so a rank other than 0 that wrote or read a file there would miss.
work="$tmp/work"
mkdir -p "$work"
echo "$work" >"$cl/private"
echo here >"$work/marker"
check "no shared filesystem: node 1 sees its file in the work directory, node 2 does not" \
  bash -c "bash '$here/cluster.sh' run '$cl' 1 test -e '$work/marker' && ! bash '$here/cluster.sh' run '$cl' 2 test -e '$work/marker'"
sub=$(cat "$cl/subnet")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 MSC_MULTINODE_DIR=$cl
printf '%s slots=1\n' "${addr[@]}" >"$tmp/h111"
printf '%s slots=2\n%s slots=1\n%s slots=1\n' "${addr[@]}" >"$tmp/h211"
printf '%s slots=2\n%s slots=2\n' "${addr[0]}" "${addr[1]}" >"$tmp/h22" # without node 3
# Open MPI across the simulated nodes (facts measured with 4.1.4): TCP only, on the test subnet;
# no binding (ranks of different simulated nodes were bound to the same core); yield when idle
# (more ranks than cores); keepalive on the daemons' links, so a cut link ends the job.
# shellcheck disable=SC2054 # tcp,self is one value
MPI=(--mca plm_rsh_agent "$here/agent.sh" --mca pml ob1 --mca btl tcp,self
     --mca btl_tcp_if_include "$sub" --mca oob_tcp_if_include "$sub" --bind-to none
     --mca mpi_yield_when_idle 1 --mca oob_tcp_keepalive_time 5 --mca oob_tcp_keepalive_intvl 2
     --mca oob_tcp_keepalive_probes 3 -x MSC_MULTINODE_DIR)

# mn ID HOSTFILE NP SECONDS ARGS... — mpirun on node 1 (it must start there) under a time limit;
# stdout, stderr and the exit code into $tmp/ID.{out,err,rc}; the seconds it took in $tmp/ID.s.
mn() {
  local id=$1 hf=$2 np=$3 limit=$4 t0=$SECONDS
  shift 4
  timeout -k 5 "$limit" bash "$here/cluster.sh" run "$cl" 1 mpirun "${MPI[@]}" --hostfile "$hf" \
    -np "$np" "$build/mpiscale" "$@" >"$tmp/$id.out" 2>"$tmp/$id.err"
  echo $? >"$tmp/$id.rc"
  echo $((SECONDS - t0)) >"$tmp/$id.s"
}
rc() { cat "$tmp/$1.rc"; }
digest() { sed -n 's/^Digest: //p; s/.* digest=\([0-9a-f]*\) .*/\1/p' "$tmp/$1.out" | head -n 1; }
bytes() { # bytes I — bytes node I's link carried both ways so far (its veth in the bridge)
  local v br
  v=$(awk -v i="$1" '$1 == i { print $5 }' "$cl/nodes")
  br="$(cat "$cl/prefix")br"
  ip netns exec "$br" sh -c "echo \$((\$(cat /sys/class/net/$v/statistics/rx_bytes) + \$(cat /sys/class/net/$v/statistics/tx_bytes)))"
}
message() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["message"])' "$1" 2>/dev/null; }
show() { sed 's/^/#   /' "$tmp/$1.err" | tail -n 15; }

# --- the same job on one node, then across three -----------------------------------------------
JOB=(--kernel do_math --range 0:300M --segments 256)
REF=$(bash "$repo/tests/mpi_run.sh" 2 120 "$build/mpiscale" -q "${JOB[@]}" | sed -n 's/.* digest=\([0-9a-f]*\) .*/\1/p')
check "single-node reference digest ($REF)" test -n "$REF"

b2=$(bytes 2) b3=$(bytes 3)
mn one "$tmp/h111" 3 60 "${JOB[@]}" --json "$work/one.jsonl"
check "3 nodes x 1 rank: exit 0 in $(cat "$tmp/one.s") s, the single-node digest ($(digest one))" \
  test "$(rc one)" = 0 -a "$(digest one)" = "$REF" || show one
check "3 nodes x 1 rank: the report names the 3 nodes" \
  grep -q "3 ranks on 3 nodes: node1 (1 rank, [0-9]* cores), node2 (1 rank, [0-9]* cores), node3 (1 rank" "$tmp/one.out"
check "3 nodes x 1 rank: the JSON record has 3 hosts, one rank each" \
  jsonl "$work/one.jsonl" "rs[0]['nodes'] == 3 and [(h['name'], h['ranks']) for h in rs[0]['hosts']] == [('node1', 1), ('node2', 1), ('node3', 1)]"
mn uneven "$tmp/h211" 4 60 "${JOB[@]}"
check "2+1+1 ranks: exit 0, the single-node digest ($(digest uneven))" \
  test "$(rc uneven)" = 0 -a "$(digest uneven)" = "$REF" || show uneven
check "2+1+1 ranks: the report says node1 has 2 ranks, nodes 2 and 3 one each" \
  grep -q "4 ranks on 3 nodes: node1 (2 ranks, [0-9]* cores), node2 (1 rank, [0-9]* cores), node3 (1 rank" "$tmp/uneven.out"
check "2+1+1 ranks: the placement line says which ranks share a node, and that none is bound" \
  grep -q "^  placement: node1 ranks 0-1; node2 rank 2; node3 rank 3; not bound to cores" "$tmp/uneven.out"
check "2+1+1 ranks: the report names the network the launcher asked for" \
  grep -qF "  network: pml ob1, btl tcp,self, TCP on $sub (as the launcher was told)" "$tmp/uneven.out"
check "3 nodes x 1 rank: the JSON hosts carry their rank lists, and the network" \
  jsonl "$work/one.jsonl" "[h['rank_list'] for h in rs[0]['hosts']] == ['0', '1', '2'] and rs[0]['network'].startswith('pml ob1, btl tcp,self')"
a2=$(bytes 2) a3=$(bytes 3)
check "the traffic crossed the virtual links (node2: $((a2 - b2)) bytes, node3: $((a3 - b3)) bytes)" \
  test $((a2 - b2)) -gt 20000 -a $((a3 - b3)) -gt 20000

# --- a study across the nodes ------------------------------------------------------------------
mn study "$tmp/h211" 4 120 --kernel pi --range 0:40M --sweep 1,2,4 --repeat 2
check "a sweep over 1, 2, 4 ranks across the nodes: exit 0 ($(rc study))" test "$(rc study)" = 0 || show study
check "its table: p = 1 and 2 on one node, p = 4 on three" \
  bash -c "grep -q '^Strong-scaling sweep, 3 points' '$tmp/study.out' && grep -qE '^ +1 +1 +2 ' '$tmp/study.out' && grep -qE '^ +2 +1 +2 ' '$tmp/study.out' && grep -qE '^ +4 +3 +2 ' '$tmp/study.out'"

# --- node failures -----------------------------------------------------------------------------
LONG=(--kernel sleep --param usec=500 --range 0:96000 --segments 960)
LONG_REF=$(bash "$repo/tests/mpi_run.sh" 2 120 "$build/mpiscale" -q --kernel sleep --param usec=0 \
             --range 0:96000 --segments 960 | sed -n 's/.* digest=\([0-9a-f]*\) .*/\1/p')
ns3=$(awk '$1 == 3 { print $3 }' "$cl/nodes")
node3_pids() { ip netns pids "$ns3" 2>/dev/null; }
orted3() { for p in $(node3_pids); do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = orted ] && echo "$p"; done; }
wait_journal() { # wait_journal FILE — until it holds 100 segments (30 s at most)
  for ((i = 0; i < 300; i++)); do
    [ -f "$1" ] && [ "$(grep -c '^seg=' "$1")" -ge 100 ] && return 0
    sleep 0.1
  done
  return 1
}
# fail_case NAME BOUND ACTION: a checkpointed run on 2+1+1 ranks, ACTION done to node 3 once 100
# segments are saved; the run must end within BOUND seconds of it, its status (settled) must be
# failed or interrupted and name what failed, and a resume on nodes 1 and 2 must complete with the
# uninterrupted digest, reusing every saved segment.
fail_case() {
  local name=$1 bound=$2 action=$3 d="$work/$1"
  mkdir -p "$d"
  local extra=()
  [ "$name" != frozen ] || extra=(--timeout 20) # only mpirun's --timeout ends a frozen node's job
  MPI+=("${extra[@]}")
  mn "$name" "$tmp/h211" 4 90 "${LONG[@]}" -q --checkpoint "$d/journal" &
  local job=$!
  MPI=("${MPI[@]:0:${#MPI[@]}-${#extra[@]}}")
  wait_journal "$d/journal"
  local t0=$SECONDS
  # shellcheck disable=SC2046 # a list of PIDs
  case "$action" in
    kill-daemon) kill -KILL "$(orted3)" ;;
    unplug) bash "$here/cluster.sh" unplug "$cl" 3 ;;
    freeze) kill -STOP $(node3_pids) ;;
  esac
  wait "$job"
  local took=$((SECONDS - t0))
  # node 3 back as it was: its processes ended, its link up
  # shellcheck disable=SC2046 # a list of PIDs
  kill -CONT $(node3_pids) 2>/dev/null
  # shellcheck disable=SC2046
  kill -KILL $(node3_pids) 2>/dev/null
  bash "$here/cluster.sh" plug "$cl" 3
  "$build/mpiscale-report" --settle "$d/journal.status" --launcher-exit "$(rc "$name")" \
    --launcher-log "$tmp/$name.err" >"$d/settle" 2>&1
  local state msg held
  state=$(status_field "$d/journal.status" state)
  msg=$(message "$d/journal.status")
  held=$(grep -c '^seg=' "$d/journal")
  check "$name: ended $took s after the failure (bound $bound s), mpirun exit $(rc "$name")" \
    test "$took" -le "$bound" || show "$name"
  check "$name: status $state: '$(echo "$msg" | cut -c1-150)'" \
    bash -c "[ '$state' = failed ] || [ '$state' = interrupted ]"
  case "$action" in
    kill-daemon) check "$name: the status names the lost daemon" bash -c "grep -qE 'rank 3.s launcher|lost its daemon on node ${addr[2]}' '$d/journal.status'" ;;
    unplug) check "$name: the status names node 3's address" grep -q "lost its daemon on node ${addr[2]}" "$d/journal.status" ;;
    freeze) check "$name: the status names mpirun's --timeout" grep -q -- "--timeout ended the job" "$d/journal.status" ;;
  esac
  mn "$name-resume" "$tmp/h22" 4 90 "${LONG[@]}" -q --checkpoint "$d/journal"
  check "$name: resumed on nodes 1 and 2: exit $(rc "$name-resume"), $held segments reused, the uninterrupted digest" \
    test "$(rc "$name-resume")" = 0 -a "$(status_field "$d/journal.status" segments_reused)" = "$held" -a \
    "$(status_field "$d/journal.status" digest)" = "$LONG_REF" || show "$name-resume"
}
fail_case daemon-killed 15 kill-daemon
fail_case link-cut 30 unplug
fail_case frozen 30 freeze
check "no process left in node 3" test -z "$(node3_pids)"

echo "# multi-node (3 simulated nodes): $passed passed, $failed failed ($((SECONDS - start)) s)"
[ "$failed" -eq 0 ]
