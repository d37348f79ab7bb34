#!/usr/bin/env bash
# Prepares the layout casebridge runs from in production, for a fast start and a small footprint:
#  1. the Spring Boot jar extracted (classes load from plain jars, not from jars nested in a jar), and
#  2. a class data sharing (CDS) archive of every class loaded at start-up, recorded by one training start.
# Run it from the repository root (the training start reads config/ and routes/) with the same java that will run
# the bridge: a CDS archive only fits the JVM that wrote it.
#
#   bin/build-runtime.sh [JAR] [DEST]      defaults: target/casebridge.jar target/runtime
#   then run: java -XX:SharedArchiveFile=DEST/casebridge.jsa -Xms64m -jar DEST/casebridge.jar
set -euo pipefail
jar=${1:-target/casebridge.jar}
dest=${2:-target/runtime}
[ -f "$jar" ] || { echo "no $jar: build it with ./mvnw -B -DskipTests package" >&2; exit 1; }
rm -rf "$dest"
java -Djarmode=tools -jar "$jar" extract --destination "$dest"
training_data=$(mktemp -d "${TMPDIR:-/tmp}/casebridge-cds.XXXXXX")
trap 'rm -rf "$training_data"' EXIT
# the training start stops once the application context is refreshed; free ports keep it clear of a running bridge
CASEBRIDGE_DATA_DIR="$training_data" java -XX:ArchiveClassesAtExit="$dest/casebridge.jsa" -Dspring.context.exit=onRefresh \
  -jar "$dest/casebridge.jar" --server.port=0 --casebridge.broker.embedded-bind=tcp://127.0.0.1:0 \
  >"$dest/cds-training.log" 2>&1 || { tail -n 30 "$dest/cds-training.log" >&2; exit 1; }
[ -s "$dest/casebridge.jsa" ] || { echo "no CDS archive written (see $dest/cds-training.log)" >&2; exit 1; }
echo "runtime ready in $dest: java -XX:SharedArchiveFile=$dest/casebridge.jsa -Xms64m -jar $dest/casebridge.jar"
