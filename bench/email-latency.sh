#!/usr/bin/env bash
# Email latency benchmark: email arrival (SMTP to the sandbox mailbox) -> case on casebridge.cases.new, p50/p99,
# with the mailbox in IMAP IDLE and then polling, beside the web API channel (POST /api/v1/messages -> case on the
# queue), all in one run. See bench/README.md, section "Email".
#
#   bench/email-latency.sh                         # IDLE (200 mails + 200 API posts), then polling every 5 s (200 mails)
#   MAILS=50 POSTS=50 WARMUP_N=5 MODES=idle bench/email-latency.sh   # quick check (figures meaningless)
#
# The app runs as in production (bin/build-runtime.sh: extracted jar + CDS archive), once per mode, each time with a
# fresh data folder and free ports (HTTP, broker, sandbox SMTP/IMAP), and is stopped afterwards.
# bench/EmailLatency.java does the sending and measuring, on the app's own jars (runtime lib/).
set -euo pipefail
# the embedded broker refuses connections without a login: the bridge's own user, with a password made for this run
BROKER_PASSWORD=${BROKER_PASSWORD:-bench-$RANDOM$RANDOM}

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
cd "$ROOT"

MAILS=${MAILS:-200}
POSTS=${POSTS:-200}
WARMUP_N=${WARMUP_N:-20}
MODES=${MODES:-idle poll}
POLL_INTERVAL=${POLL_INTERVAL:-5s}
# open-loop pauses between mails while polling: random, so mails fall at every phase of the poll cycle
POLL_PAUSE_MIN_MS=${POLL_PAUSE_MIN_MS:-200}
POLL_PAUSE_MAX_MS=${POLL_PAUSE_MAX_MS:-1800}
POLL_POSTS=${POLL_POSTS:-0}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-180}
IDLE_SETTLE=${IDLE_SETTLE:-5}
JAR=${JAR:-target/casebridge.jar}
RUNTIME_DIR=${RUNTIME_DIR:-} # reuse a runtime layout already made by bin/build-runtime.sh from the same jar
JAVA_OPTS=${JAVA_OPTS:-}
API_KEY=${API_KEY:-demo-key-change-me}
KEEP_DATA=${KEEP_DATA:-0}

GOAL_P50_MS=500
GOAL_P99_MS=2000

RUN_ID=$(date +%Y-%m-%d_%H%M%S)
RESULTS_FILE=${RESULTS_FILE:-$BENCH_DIR/results/${RUN_ID}_email-latency.md}
LOG_DIR="$BENCH_DIR/results/tmp/${RUN_ID}_email-latency" # git-ignored: app logs and raw samples
APP_PID=
DATA_DIR=
CHOSEN_PORTS=" "

say() { printf '[email-latency] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # a random free port not chosen before in this run
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 20000 ))
    [[ $CHOSEN_PORTS == *" $p "* ]] && continue
    port_busy "$p" && continue
    CHOSEN_PORTS="$CHOSEN_PORTS$p "
    echo "$p"
    return
  done
  die "no free port found"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
duration_ms() { # 500ms, 5s, 2m -> milliseconds
  case "$1" in
    *ms) echo "${1%ms}" ;;
    *s) echo $(( ${1%s} * 1000 )) ;;
    *m) echo $(( ${1%m} * 60000 )) ;;
    *) die "POLL_INTERVAL: a number with ms, s or m, e.g. 5s" ;;
  esac
}

stop_app() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    say "stopping the app (pid $APP_PID)"
    kill -TERM "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 400); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$APP_PID" 2>/dev/null; then
      say "the app did not stop within 40 s: killing it"
      kill -KILL "$APP_PID" 2>/dev/null || true
    fi
    wait "$APP_PID" 2>/dev/null || true
  fi
  APP_PID=
  if [ -n "$DATA_DIR" ] && [ -d "$DATA_DIR" ]; then
    if [ "$KEEP_DATA" = 1 ]; then say "data kept in $DATA_DIR"; else rm -rf "$DATA_DIR"; fi
  fi
  DATA_DIR=
}
trap stop_app EXIT
trap 'exit 130' INT TERM

command -v curl >/dev/null || die "curl is needed"
command -v java >/dev/null || die "java is needed"
if [ ! -f "$JAR" ] || [ "${REBUILD:-0}" = 1 ]; then
  say "building $JAR (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
fi
[ -f "$JAR" ] || die "no $JAR"
mkdir -p "$LOG_DIR" "$(dirname "$RESULTS_FILE")"

if [ -z "$RUNTIME_DIR" ]; then
  RUNTIME_DIR="$LOG_DIR/runtime"
  # the training start also starts the sandbox mail server: on free ports, clear of any running casebridge
  p=$(free_port)
  say "preparing the production runtime layout (bin/build-runtime.sh: extracted jar + CDS archive)"
  CASEBRIDGE_EMAIL_SANDBOX_SMTPPORT=$p CASEBRIDGE_SMTP_PORT=$p CASEBRIDGE_EMAIL_SANDBOX_IMAPPORT=$(free_port) \
    CASEBRIDGE_MAIL_PORT=$(free_port) "$ROOT/bin/build-runtime.sh" "$JAR" "$RUNTIME_DIR" >/dev/null
fi
[ -f "$RUNTIME_DIR/casebridge.jsa" ] || die "no runtime layout in $RUNTIME_DIR"

# the measuring program, compiled once (a single-file source launch would compile it on every start)
CLASSES="$LOG_DIR/classes"
mkdir -p "$CLASSES"
javac -d "$CLASSES" -cp "$RUNTIME_DIR/lib/*" "$BENCH_DIR/EmailLatency.java" || die "cannot compile EmailLatency.java"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
SUMMARY="$LOG_DIR/summary.txt"
: >"$SUMMARY"
LOADS="$LOG_DIR/loads.txt"
: >"$LOADS"
WARNINGS="$LOG_DIR/warnings.txt"
: >"$WARNINGS"

run_mode() { # run_mode idle|poll
  local mode=$1 http broker smtp imap extra=() loop pmin pmax posts log timeout_ms
  http=$(free_port); broker=$(free_port); smtp=$(free_port); imap=$(free_port)
  DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/casebridge-emailbench.XXXXXX")
  log="$LOG_DIR/app-$mode.log"
  if [ "$mode" = poll ]; then
    # a list given on the command line replaces the whole list of config/application.yaml (Spring Boot does not
    # merge lists across property sources), so the mailbox is given whole, as in the YAML, with idle off
    extra=(--casebridge.email.mailboxes[0].name=support --casebridge.email.mailboxes[0].protocol=imap
           --casebridge.email.mailboxes[0].host=127.0.0.1 --casebridge.email.mailboxes[0].port="$imap"
           --casebridge.email.mailboxes[0].username=support@casebridge.local
           --casebridge.email.mailboxes[0].password=sandbox --casebridge.email.mailboxes[0].folder=INBOX
           --casebridge.email.mailboxes[0].after-processing=seen
           --casebridge.email.mailboxes[0].idle=false --casebridge.email.mailboxes[0].poll-interval="$POLL_INTERVAL")
    loop=open; pmin=$POLL_PAUSE_MIN_MS; pmax=$POLL_PAUSE_MAX_MS; posts=$POLL_POSTS
    timeout_ms=$(( 2 * $(duration_ms "$POLL_INTERVAL") + 30000 )) # the last mails wait up to one interval
  else
    loop=closed; pmin=50; pmax=150; posts=$POSTS; timeout_ms=30000
  fi
  say "[$mode] starting casebridge: HTTP $http, broker $broker, sandbox SMTP $smtp / IMAP $imap, data in $DATA_DIR"
  local start
  start=$(now_ms)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list
  CASEBRIDGE_DATA_DIR="$DATA_DIR" CASEBRIDGE_MAIL_PORT="$imap" CASEBRIDGE_SMTP_PORT="$smtp" \
    java -XX:SharedArchiveFile="$RUNTIME_DIR/casebridge.jsa" -Xms64m $JAVA_OPTS -jar "$RUNTIME_DIR/casebridge.jar" \
    --server.port="$http" --casebridge.broker.embedded-bind="tcp://127.0.0.1:$broker" \
    --casebridge.broker.username=bench --casebridge.broker.password="$BROKER_PASSWORD" \
    --casebridge.email.sandbox.smtp-port="$smtp" --casebridge.email.sandbox.imap-port="$imap" \
    "${extra[@]}" >"$log" 2>&1 &
  APP_PID=$!
  until curl -s -m 1 "http://127.0.0.1:$http/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; do
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 40 "$log" >&2; APP_PID=; die "the app exited during start-up"; }
    (( $(now_ms) - start < STARTUP_TIMEOUT * 1000 )) || die "not UP after $STARTUP_TIMEOUT s (see $log)"
    sleep 0.1
  done
  say "[$mode] UP after $(( ($(now_ms) - start) / 1000 )) s; settling $IDLE_SETTLE s"
  sleep "$IDLE_SETTLE"
  local mailbox_line
  mailbox_line=$(grep -o "Mailbox 'support' connected to .*" "$log" | head -n 1 || true)
  [ -n "$mailbox_line" ] || die "the mailbox did not connect (see $log)"
  say "[$mode] $mailbox_line"
  if [ "$mode" = poll ] && [[ $mailbox_line != *polling* ]]; then die "polling was asked for, but: $mailbox_line"; fi
  if [ "$mode" = idle ] && [[ $mailbox_line != *IDLE* ]]; then die "IDLE was asked for, but: $mailbox_line"; fi
  echo "$mode before: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$LOADS"
  local cpu0 cpu1 t0 t1
  cpu0=$(awk '{ print $14 + $15 }' "/proc/$APP_PID/stat"); t0=$(now_ms)
  java -cp "$CLASSES:$RUNTIME_DIR/lib/*" EmailLatency broker="tcp://127.0.0.1:$broker" brokerUser=bench brokerPassword="$BROKER_PASSWORD" smtpPort="$smtp" httpPort="$http" \
    apiKey="$API_KEY" mode="$mode" emailLoop="$loop" mails="$MAILS" posts="$posts" warmup="$WARMUP_N" \
    pauseMinMs="$pmin" pauseMaxMs="$pmax" timeoutMs="$timeout_ms" out="$LOG_DIR/samples-$mode.tsv" | tee "$LOG_DIR/result-$mode.txt" \
    || die "EmailLatency failed in mode $mode"
  cpu1=$(awk '{ print $14 + $15 }' "/proc/$APP_PID/stat"); t1=$(now_ms)
  echo "$mode after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$LOADS"
  {
    grep '^RESULT\|^RECEIVED' "$LOG_DIR/result-$mode.txt" | sed "s/^/$mode /"
    echo "$mode mailbox: $mailbox_line"
    echo "$mode app_cpu_s=$(awk -v d=$(( cpu1 - cpu0 )) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", d / hz }') wall_s=$(( (t1 - t0) / 1000 ))"
  } >>"$SUMMARY"
  # WARN/ERROR lines of the app, without time stamp and pid; Camel's health probes warn while the context starts
  grep -E '^[^ ]+ +(WARN|ERROR) ' "$log" | grep -v "Probe in group 'camel'" \
    | sed -E 's/^[^ ]+ +(WARN|ERROR) [0-9]+ --- (\[[^]]*\] )*/\1 /' | sort | uniq -c | sort -rn | head -n 10 \
    | sed "s/^/$mode warn: /" >>"$WARNINGS" || true
  stop_app
}

for mode in $MODES; do
  case "$mode" in idle|poll) run_mode "$mode" ;; *) die "MODES: idle and/or poll" ;; esac
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------------------------
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v != "NaN" && v <= g) ? "met" : "**missed**" }'; }
if [ -z "${COMMIT:-}" ]; then # COMMIT= names it when running from a copy without .git
  COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
fi
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
  echo "# Email latency, $RUN_ID"
  echo
  echo "Commit $COMMIT; \`$JAR\` built $(date -r "$JAR" '+%Y-%m-%d %H:%M'), production runtime layout (CDS); $(java -version 2>&1 | head -n 1)."
  echo "Machine: $(nproc) cores, $CPU_MODEL; load average $LOAD_BEFORE at the start, $LOAD_AFTER at the end."
  echo "Sender and JMS consumer (bench/EmailLatency.java) on the same machine; $WARMUP_N warm-up mails and posts per app start, not counted."
  echo "Polling interval in the poll run: $POLL_INTERVAL."
  echo
  echo "| Channel | Mailbox | Loop | n | lost | p50 ms | p90 ms | p99 ms | max ms | mean ms | send p50 ms | Goal p50 ≤ $GOAL_P50_MS, p99 ≤ $GOAL_P99_MS |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  while read -r mode line; do
    [[ $line == RESULT* ]] || continue
    ch=$(field "$line" channel)
    goal="-"
    if [ "$ch" = email ] && [ "$mode" = idle ]; then
      goal="p50 $(verdict "$(field "$line" p50_ms)" $GOAL_P50_MS), p99 $(verdict "$(field "$line" p99_ms)" $GOAL_P99_MS)"
    fi
    mb=$([ "$ch" = email ] && { [ "$mode" = idle ] && echo "IMAP IDLE" || echo "polling every $POLL_INTERVAL"; } || echo "(web API)")
    echo "| $ch | $mb | $(field "$line" loop) | $(field "$line" n) | $(field "$line" lost) | $(field "$line" p50_ms) | $(field "$line" p90_ms) | $(field "$line" p99_ms) | $(field "$line" max_ms) | $(field "$line" mean_ms) | $(field "$line" send_p50_ms) | $goal |"
  done <"$SUMMARY"
  echo
  echo "Send = the SMTP transaction (DATA accepted by the sandbox) or the HTTP request until its 202."
  echo
  echo '```'
  cat "$SUMMARY" "$LOADS"
  echo '```'
  if [ -s "$WARNINGS" ]; then
    echo
    echo "WARN/ERROR lines in the app logs (Camel's start-up health probes left out):"
    echo
    echo '```'
    cut -c1-220 "$WARNINGS"
    echo '```'
  fi
} >"$RESULTS_FILE"
cat "$RESULTS_FILE"
say "results: ${RESULTS_FILE#"$ROOT"/}; logs and samples: ${LOG_DIR#"$ROOT"/}"
