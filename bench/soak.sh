#!/usr/bin/env bash
# The soak run of issue 12: two bridges on one PostgreSQL and one broker process, mixed API and Telegram webhook
# traffic, kill -9 of one bridge every KILL_EVERY. Settings as environment variables; the report is printed and
# written to target/soak-report.txt. Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-10000}
KILL_EVERY=${KILL_EVERY:-30s}
BRIDGES=${BRIDGES:-2}
CLIENTS=${CLIENTS:-8}
exec ./mvnw -B ${MVN_OFFLINE:--o} test -Psoak -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsoak.count="$COUNT" -Dsoak.kill-every="$KILL_EVERY" -Dsoak.bridges="$BRIDGES" -Dsoak.clients="$CLIENTS"
