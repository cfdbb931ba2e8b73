#!/usr/bin/env bash
# agent.sh — Open MPI's rsh launch agent for the simulated nodes (--mca plm_rsh_agent
# tests/multinode/agent.sh): `agent.sh HOST COMMAND-LINE` runs the command on that node, as ssh
# would. One word, so that it passes through option lists unquoted.
exec bash "$(dirname "${BASH_SOURCE[0]}")/cluster.sh" agent "$@"
