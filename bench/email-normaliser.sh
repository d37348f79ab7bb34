#!/usr/bin/env bash
# Email normaliser throughput: mails/s of EmailNormalizer.normalise over the shared corpus (../shared/corpus/mail,
# every .eml and .msg, read in place), one thread, beside a bare mime4j parse and a bare Jakarta Mail parse of the
# same files in the same run, then a short JFR profile of the normaliser. See bench/README.md, section "Email".
#
#   bench/email-normaliser.sh                              # about 2 minutes
#   ITERATION_MS=1000 WARMUP=1 ITERATIONS=2 PROFILE_MS=0 bench/email-normaliser.sh   # quick check
#
# bench/NormaliserThroughput.java does the work, on the app's own classes and jars (the extracted jar).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
cd "$ROOT"

CORPUS=${CORPUS:-../shared/corpus/mail}
ITERATION_MS=${ITERATION_MS:-3000}
WARMUP=${WARMUP:-4}
ITERATIONS=${ITERATIONS:-6}
PROFILE_MS=${PROFILE_MS:-20000}
JAR=${JAR:-target/casebridge.jar}
RUNTIME_DIR=${RUNTIME_DIR:-} # an extracted jar (bin/build-runtime.sh or jarmode tools extract) to reuse
JAVA_OPTS=${JAVA_OPTS:-}

GOAL_MAILS_PER_S=1000
GOAL_RATIO=1.5

RUN_ID=$(date +%Y-%m-%d_%H%M%S)
RESULTS_FILE=${RESULTS_FILE:-$BENCH_DIR/results/${RUN_ID}_email-normaliser.md}
LOG_DIR="$BENCH_DIR/results/tmp/${RUN_ID}_email-normaliser" # git-ignored: raw output, the JFR recording

say() { printf '[email-normaliser] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[ -d "$CORPUS" ] || die "no corpus at $CORPUS (see ../shared/corpus/README.md)"
if [ ! -f "$JAR" ] || [ "${REBUILD:-0}" = 1 ]; then
  say "building $JAR (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
fi
mkdir -p "$LOG_DIR" "$(dirname "$RESULTS_FILE")"
if [ -z "$RUNTIME_DIR" ]; then
  RUNTIME_DIR="$LOG_DIR/runtime"
  java -Djarmode=tools -jar "$JAR" extract --destination "$RUNTIME_DIR" >/dev/null
fi
CP="$RUNTIME_DIR/casebridge.jar:$RUNTIME_DIR/lib/*"
mkdir -p "$LOG_DIR/classes"
javac -d "$LOG_DIR/classes" -cp "$CP" "$BENCH_DIR/NormaliserThroughput.java" || die "cannot compile NormaliserThroughput.java"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
OUT="$LOG_DIR/output.txt"
say "running (warm-up $WARMUP x $ITERATION_MS ms, $ITERATIONS x $ITERATION_MS ms measured per parser, profile $PROFILE_MS ms)"
# shellcheck disable=SC2086 # JAVA_OPTS is a list
java -XX:FlightRecorderOptions:stackdepth=256 $JAVA_OPTS -cp "$LOG_DIR/classes:$CP" NormaliserThroughput \
  corpus="$CORPUS" iterationMs="$ITERATION_MS" warmup="$WARMUP" iterations="$ITERATIONS" profileMs="$PROFILE_MS" \
  profileFile="$LOG_DIR/normaliser.jfr" | tee "$OUT" || die "NormaliserThroughput failed"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
line_of() { grep "^RESULT parser=$1 " "$OUT" || true; }
NORM=$(line_of normaliser)
RATIO=$(sed -n 's/^RATIO normaliser_vs_mime4j=\([^ ]*\).*/\1/p' "$OUT")
RATIO_CPU=$(sed -n 's/^RATIO normaliser_vs_mime4j=[^ ]* cpu=\([^ ]*\).*/\1/p' "$OUT")
verdict() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN { ok = (op == "ge") ? v >= g : v <= g; print (ok ? "met" : "**missed**") }'; }
if [ -z "${COMMIT:-}" ]; then # COMMIT= names it when running from a copy without .git
  COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
fi
{
  echo "# Email normaliser throughput, $RUN_ID"
  echo
  echo "Commit $COMMIT; \`$JAR\` built $(date -r "$JAR" '+%Y-%m-%d %H:%M'); $(java -version 2>&1 | head -n 1), JAVA_OPTS='$JAVA_OPTS'."
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); load average $LOAD_BEFORE before, $LOAD_AFTER after."
  echo "$(grep '^CORPUS' "$OUT" | sed 's/^CORPUS //'); one thread; warm-up $WARMUP × $ITERATION_MS ms per parser, then $ITERATIONS measured iterations of $ITERATION_MS ms per parser, interleaved."
  echo
  echo "| Parser | mails/s (mean) | sd | min–max | mails per CPU-s of the thread | µs/mail | MB/s | KB allocated/mail | GC ms per 1000 mails | parse failures |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for p in normaliser mime4j jakarta; do
    l=$(line_of $p); [ -n "$l" ] || continue
    echo "| $p | $(field "$l" mails_per_s) | $(field "$l" sd) | $(field "$l" min)–$(field "$l" max) | $(field "$l" cpu_mails_per_s) | $(field "$l" us_per_mail) | $(field "$l" mb_per_s) | $(field "$l" alloc_kb_per_mail) | $(field "$l" gc_ms_per_1000) | $(field "$l" failures) |"
  done
  echo
  echo "| Goal | Measured | Target | |"
  echo "|---|---:|---:|---|"
  echo "| Normaliser mails/s, one thread | $(field "$NORM" mails_per_s) | ≥ $GOAL_MAILS_PER_S | $(verdict "$(field "$NORM" mails_per_s)" ge $GOAL_MAILS_PER_S) |"
  echo "| Cost vs bare mime4j parse (mime4j mails/s ÷ normaliser mails/s) | ${RATIO}× (CPU: ${RATIO_CPU}×) | ≤ ${GOAL_RATIO}× | $(verdict "$RATIO" le $GOAL_RATIO) |"
  echo
  echo '```'
  grep -E '^(RATIO|REJECTIONS|FAILURES|COSTLIEST|BY_SOURCE|MEDIAN_MAIL|COSTLY|PROFILE)' "$OUT"
  echo '```'
} >"$RESULTS_FILE"
cat "$RESULTS_FILE"
say "results: ${RESULTS_FILE#"$ROOT"/}; raw output and JFR recording: ${LOG_DIR#"$ROOT"/}"
