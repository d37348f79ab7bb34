#!/usr/bin/env bash
# What H2's commit durability costs (config/application.yaml's WRITE_DELAY=0): small transactions committed by 8
# connections into a file database, H2's default (commits flushed up to 500 ms later) against WRITE_DELAY=0 (each
# commit written before it returns). Uses the H2 jar the build resolved; ROUNDS alternate the two (ABAB).
set -euo pipefail
cd "$(dirname "$0")/.."

jar=$(ls ~/.m2/repository/com/h2database/h2/*/h2-*.jar | grep -v sources | tail -1)
for round in $(seq "${ROUNDS:-3}"); do
  java -cp "$jar" -Dthreads="${THREADS:-8}" -Dcommits="${COMMITS:-2000}" bench/H2CommitCost.java ""
  java -cp "$jar" -Dthreads="${THREADS:-8}" -Dcommits="${COMMITS:-2000}" bench/H2CommitCost.java ";WRITE_DELAY=0"
done
