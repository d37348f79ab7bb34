#!/usr/bin/env bash
# casebridge benchmark: POST /api/v1/messages -> case durably on casebridge.cases.new, measured next to the bare
# Camel route of the same shape (bench/routes/bench-bare-route.yaml) in the same run, from a loopback wrk.
# Also records start-up time and idle resident memory. Writes bench/results/<date>.md and prints it.
#
#   bench/run.sh                                   # the full run (about 5 minutes)
#   DURATION=5s WARMUP=5s ROUNDS=1 bench/run.sh    # a quick check that everything works
#
# Settings (environment):
#   DURATION=30s     length of each measured wrk run          ROUNDS=2         measured runs per route, alternating
#   WARMUP=20s       wrk warm-up per route before measuring   CONNECTIONS=32   concurrent connections (fixed)
#   THREADS=2        wrk threads                              WRK_TIMEOUT=10s  a slower answer counts as a timeout
#   IDLE_SETTLE=15   seconds after start-up before idle RSS is read
#   PORT=8080        HTTP port of the benchmarked app         BROKER_PORT=61616  its embedded broker's port
#   JAR=target/casebridge.jar (built with ./mvnw if missing, or always with REBUILD=1)
#   LAUNCH=runtime   how the app is started: runtime = as in production (bin/build-runtime.sh: extracted jar, CDS
#                    archive, -Xms64m, as docker/Dockerfile does); jar = plain `java -jar target/casebridge.jar`
#   JAVA_OPTS=       further JVM options for the app
#   LABEL=           a note printed at the top of the results (e.g. "machine busy")
#   PROFILE=0        1 records the app with JFR (settings=profile) during casebridge's measured runs only and adds
#                    the flame summary (bench/JfrSummary.java) to the results; recordings stay in the run's tmp folder
#   KEEP_DATA=0      1 keeps the temporary data folder (H2, KahaDB, archive) for inspection
#   The bridge's own delivery to back-office targets (casebridge.backoffice.enabled) is off: the benchmark measures
#   intake up to the durable case on casebridge.cases.new, and counts what is left on that queue.
#   SENDERS=one      api only: one = every message from one address (its history grows through the run: the
#                    pathological customer); many = every message from a new address (no history)
#   CHANNEL=api      api = POST /api/v1/messages; telegram = signed Telegram webhook calls to /webhooks/telegram
#                    (same bare route as the baseline; the web API's goals are printed for reference only)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
cd "$ROOT" # the app reads config/ and routes/ from its working directory

DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-20s}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
IDLE_SETTLE=${IDLE_SETTLE:-15}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-120}
PORT=${PORT:-8080}
BROKER_PORT=${BROKER_PORT:-61616}
JAR=${JAR:-target/casebridge.jar}
JAVA_OPTS=${JAVA_OPTS:-}
LAUNCH=${LAUNCH:-runtime}
PROFILE=${PROFILE:-0}
API_KEY=${API_KEY:-demo-key-change-me}
BROKER_NAME=${BROKER_NAME:-casebridge}
# the admin surfaces (Jolokia, read for the queue sizes) always need a login: one made for this run
BENCH_ADMIN_PASSWORD=${BENCH_ADMIN_PASSWORD:-bench-$RANDOM$RANDOM}
LABEL=${LABEL:-}
KEEP_DATA=${KEEP_DATA:-0}

# goals from the issue
GOAL_CASES_PER_S=3000
GOAL_COST_RATIO=1.25
GOAL_STARTUP_S=5
GOAL_IDLE_RSS_MB=350

CHANNEL=${CHANNEL:-api}
SENDERS=${SENDERS:-one}
TELEGRAM_SECRET=bench-telegram-secret
case "$CHANNEL" in
  api) CB_URL_PATH=/api/v1/messages; CB_OK=202 ;;
  telegram) CB_URL_PATH=/webhooks/telegram; CB_OK=200 ;;
  *) echo "CHANNEL must be api or telegram" >&2; exit 2 ;;
esac
CB_QUEUE=casebridge.cases.new
BARE_URL_PATH=/bench/bare
BARE_QUEUE=casebridge.bench.bare

RUN_ID=$(date +%Y-%m-%d_%H%M%S)
RESULTS_FILE="$BENCH_DIR/results/$RUN_ID.md"
LOG_DIR="$BENCH_DIR/results/tmp/$RUN_ID" # git-ignored: app log and raw wrk output
BASE="http://127.0.0.1:$PORT"
CLK_TCK=$(getconf CLK_TCK)
APP_PID=
DATA_DIR=

say() { printf '[bench] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_tools() {
  command -v curl >/dev/null || die "curl is needed"
  command -v java >/dev/null || die "java is needed"
  if ! command -v wrk >/dev/null; then
    say "installing wrk (Debian package)"
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -qq wrk >/dev/null 2>&1 \
      || { $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null; } \
      || die "cannot install wrk (apt-get install wrk)"
  fi
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

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$APP_PID/stat"; } # utime + stime of the app
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$APP_PID/status"; }

# Messages waiting on a queue (nobody consumes them during the run), through Jolokia; 0 before the queue exists.
queue_size() {
  local answer
  answer=$(curl -s -m 5 -u "admin:$BENCH_ADMIN_PASSWORD" "$BASE/actuator/jolokia/read/org.apache.activemq:type=Broker,brokerName=$BROKER_NAME,destinationType=Queue,destinationName=$1/QueueSize") \
    || die "Jolokia does not answer at $BASE/actuator/jolokia"
  if [[ $answer =~ \"value\":([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]}"
  elif [[ $answer == *InstanceNotFoundException* ]]; then
    echo 0
  else
    die "unexpected Jolokia answer for $1: $answer"
  fi
}

# value of key=... in a "BENCH ..." line
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

# run_wrk <url> <api key or empty> <duration> <output file>: prints the BENCH line
run_wrk() {
  BENCH_API_KEY="$2" BENCH_CHANNEL="$5" BENCH_SENDERS="$SENDERS" BENCH_TELEGRAM_SECRET="$TELEGRAM_SECRET" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --timeout "$WRK_TIMEOUT" --latency \
    -s "$BENCH_DIR/wrk/post-message.lua" "$1" >"$4" 2>&1 || { cat "$4" >&2; die "wrk failed"; }
  grep '^BENCH ' "$4" || die "no BENCH line in $4"
}

# ---------------------------------------------------------------------------------------------------------------
ensure_tools
for port in "$PORT" "$BROKER_PORT"; do
  port_busy "$port" && die "port $port is in use (another casebridge?): stop it, or set PORT= and BROKER_PORT="
done
if [ ! -f "$JAR" ] || [ "${REBUILD:-0}" = 1 ]; then
  say "building $JAR (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
fi
[ -f "$JAR" ] || die "no $JAR"
mkdir -p "$LOG_DIR"
DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/casebridge-bench.XXXXXX")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

case "$LAUNCH" in
  runtime)
    RUNTIME_DIR="$LOG_DIR/runtime"
    say "preparing the production runtime layout (bin/build-runtime.sh: extracted jar + CDS archive)"
    "$ROOT/bin/build-runtime.sh" "$JAR" "$RUNTIME_DIR" >/dev/null
    LAUNCH_OPTS="-XX:SharedArchiveFile=$RUNTIME_DIR/casebridge.jsa -Xms64m"
    LAUNCH_JAR="$RUNTIME_DIR/casebridge.jar"
    ;;
  jar) LAUNCH_OPTS=; LAUNCH_JAR="$JAR" ;;
  *) die "LAUNCH must be runtime or jar" ;;
esac

say "starting casebridge ($LAUNCH_JAR, LAUNCH=$LAUNCH) on port $PORT, broker on $BROKER_PORT, data in $DATA_DIR"
START_MS=$(now_ms)
# shellcheck disable=SC2086 # the options are lists
CASEBRIDGE_DATA_DIR="$DATA_DIR" java $LAUNCH_OPTS $JAVA_OPTS -jar "$LAUNCH_JAR" \
  --server.port="$PORT" \
  --casebridge.broker.embedded-bind="tcp://127.0.0.1:$BROKER_PORT" \
  --camel.main.routes-include-pattern='file:routes/*.yaml,file:bench/routes/*.yaml' \
  --casebridge.channels.telegram.enabled=true --casebridge.channels.telegram.secret-token="$TELEGRAM_SECRET" \
  --casebridge.chat.acknowledge=false \
  --casebridge.backoffice.enabled=false \
  --casebridge.admin.password="{noop}$BENCH_ADMIN_PASSWORD" \
  >"$LOG_DIR/app.log" 2>&1 &
APP_PID=$!

until curl -s -m 1 "$BASE/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; do
  kill -0 "$APP_PID" 2>/dev/null || { tail -n 40 "$LOG_DIR/app.log" >&2; APP_PID=; die "the app exited during start-up"; }
  (( $(now_ms) - START_MS < STARTUP_TIMEOUT * 1000 )) || die "not UP after $STARTUP_TIMEOUT s (see $LOG_DIR/app.log)"
  sleep 0.05
done
STARTUP_MS=$(( $(now_ms) - START_MS ))
STARTUP_S=$(awk -v ms="$STARTUP_MS" 'BEGIN { printf "%.2f", ms / 1000 }')
STARTED_LINE=
for _ in $(seq 1 100); do
  STARTED_LINE=$(grep -o 'Started CasebridgeApplication in [0-9.]* seconds (process running for [0-9.]*)' "$LOG_DIR/app.log" || true)
  [ -n "$STARTED_LINE" ] && break
  sleep 0.1
done
SPRING_STARTED_S=$(sed -n 's/.* in \([0-9.]*\) seconds.*/\1/p' <<<"$STARTED_LINE")
JVM_UP_S=$(sed -n 's/.*running for \([0-9.]*\))/\1/p' <<<"$STARTED_LINE")
say "UP after $STARTUP_S s (log: ${STARTED_LINE:-no Started line})"

say "waiting $IDLE_SETTLE s for the idle state"
sleep "$IDLE_SETTLE"
IDLE_RSS_KB=$(rss_kb)
IDLE_RSS_MB=$(awk -v kb="$IDLE_RSS_KB" 'BEGIN { printf "%.0f", kb / 1024 }')
say "idle RSS: $IDLE_RSS_MB MiB"

# one request each, to fail fast with a readable answer rather than a table of errors
declare -A OK_TOTAL=([casebridge]=0 [bare]=0)
for target in casebridge bare; do
  body='{"sender":{"name":"Amira Hassan","email":"amira@example.org"},"subject":"Leaking tap","text":"The kitchen tap leaks."}'
  expected=202
  if [ "$target" = casebridge ]; then path=$CB_URL_PATH; key_header=(-H "X-Api-Key: $API_KEY"); expected=$CB_OK; else path=$BARE_URL_PATH; key_header=(); fi
  if [ "$target" = casebridge ] && [ "$CHANNEL" = telegram ]; then
    key_header=(-H "X-Telegram-Bot-Api-Secret-Token: $TELEGRAM_SECRET")
    body='{"update_id":1,"message":{"message_id":1,"date":1700000000,"from":{"id":99,"first_name":"Amira"},"chat":{"id":99,"type":"private"},"text":"The kitchen tap leaks."}}'
  fi
  answer=$(curl -s -m 10 -w ' HTTP:%{http_code}' -H 'Content-Type: application/json' "${key_header[@]}" -d "$body" "$BASE$path")
  [[ $answer == *HTTP:$expected ]] || die "POST $path answered: $answer"
  OK_TOTAL[$target]=1
  say "POST $path -> $answer"
done

url_of() { if [ "$1" = casebridge ]; then echo "$BASE$CB_URL_PATH"; else echo "$BASE$BARE_URL_PATH"; fi; }
key_of() { if [ "$1" = casebridge ]; then echo "$API_KEY"; else echo ""; fi; }
channel_of() { if [ "$1" = casebridge ]; then echo "$CHANNEL"; else echo api; fi; }
queue_of() { if [ "$1" = casebridge ]; then echo "$CB_QUEUE"; else echo "$BARE_QUEUE"; fi; }

for target in casebridge bare; do
  say "warm-up: $target for $WARMUP"
  line=$(run_wrk "$(url_of "$target")" "$(key_of "$target")" "$WARMUP" "$LOG_DIR/warmup-$target.txt" "$(channel_of "$target")")
  OK_TOTAL[$target]=$(( ${OK_TOTAL[$target]} + $(field "$line" ok) ))
  say "  $line"
done

ROWS="$LOG_DIR/rounds.tsv"
: >"$ROWS"
measure() { # measure <target> <round>
  local target=$1 round=$2 queue q0 q1 c0 c1 line ok enq
  queue=$(queue_of "$target")
  q0=$(queue_size "$queue")
  if [ "$PROFILE" = 1 ] && [ "$target" = casebridge ]; then
    jcmd "$APP_PID" JFR.start name="cb$round" settings=profile filename="$LOG_DIR/casebridge-$round.jfr" >/dev/null
  fi
  c0=$(cpu_ticks)
  line=$(run_wrk "$(url_of "$target")" "$(key_of "$target")" "$DURATION" "$LOG_DIR/round$round-$target.txt" "$(channel_of "$target")")
  c1=$(cpu_ticks)
  if [ "$PROFILE" = 1 ] && [ "$target" = casebridge ]; then
    jcmd "$APP_PID" JFR.stop name="cb$round" >/dev/null
  fi
  sleep 1 # requests still in flight when wrk stopped finish on the server
  q1=$(queue_size "$queue")
  ok=$(field "$line" ok)
  OK_TOTAL[$target]=$(( ${OK_TOTAL[$target]} + ok ))
  enq=$(( q1 - q0 ))
  # target round ok/s p50 p99 ok non2xx socket_errors enqueued cpu_us_per_msg app_cpu_pct statuses
  awk -v t="$target" -v r="$round" -v ok="$ok" -v enq="$enq" -v dc="$(( c1 - c0 ))" -v hz="$CLK_TCK" \
      -v rate="$(field "$line" ok_per_s)" -v p50="$(field "$line" p50_ms)" -v p99="$(field "$line" p99_ms)" \
      -v bad="$(field "$line" non2xx)" -v sock="$(field "$line" socket_errors)" -v secs="$(field "$line" duration_s)" \
      -v st="$(field "$line" statuses)" \
      'BEGIN { cpu = dc / hz; printf "%s\t%s\t%.0f\t%.2f\t%.2f\t%d\t%d\t%d\t%d\t%.0f\t%.0f\t%s\n",
               t, r, rate, p50, p99, ok, bad, sock, enq, (ok > 0 ? cpu * 1e6 / ok : 0), cpu * 100 / secs, st }' >>"$ROWS"
  say "  $target round $round: $line enqueued=$enq"
}

for round in $(seq 1 "$ROUNDS"); do
  # alternate the order (ABBA) so neither route always runs on the warmer, fuller broker
  if (( round % 2 == 1 )); then order="casebridge bare"; else order="bare casebridge"; fi
  for target in $order; do
    say "round $round/$ROUNDS: $target for $DURATION at $CONNECTIONS connections"
    measure "$target" "$round"
  done
done

CB_QUEUE_FINAL=$(queue_size "$CB_QUEUE")
BARE_QUEUE_FINAL=$(queue_size "$BARE_QUEUE")
LOADED_RSS_MB=$(awk -v kb="$(rss_kb)" 'BEGIN { printf "%.0f", kb / 1024 }')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# the most frequent warnings and errors, without their time stamp, pid and thread; Camel's health probes warn
# while the context starts and stops (this script polls /actuator/health during start-up), so they are left out
grep -E '^[^ ]+ +(WARN|ERROR) ' "$LOG_DIR/app.log" | grep -v "Probe in group 'camel'" | sed -E 's/^[^ ]+ +(WARN|ERROR) [0-9]+ --- (\[[^]]*\] )*/\1 /' \
  | sort | uniq -c | sort -rn | head -n 10 >"$LOG_DIR/warnings.txt" || true
stop_app

# ---------------------------------------------------------------------------------------------------------------
# means over the rounds; cost ratio = casebridge cost per message / bare cost per message = bare 2xx/s / casebridge 2xx/s
read -r CB_RATE CB_P50 CB_P99 CB_CPU BARE_RATE BARE_P50 BARE_P99 BARE_CPU BAD SOCK < <(awk -F'\t' '
  { n[$1]++; rate[$1] += $3; p50[$1] += $4; p99[$1] += $5; cpu[$1] += $10; bad += $7; sock += $8 }
  END { printf "%.0f %.2f %.2f %.0f %.0f %.2f %.2f %.0f %d %d\n",
        rate["casebridge"] / n["casebridge"], p50["casebridge"] / n["casebridge"], p99["casebridge"] / n["casebridge"], cpu["casebridge"] / n["casebridge"],
        rate["bare"] / n["bare"], p50["bare"] / n["bare"], p99["bare"] / n["bare"], cpu["bare"] / n["bare"], bad, sock }' "$ROWS")
COST_RATIO=$(awk -v b="$BARE_RATE" -v c="$CB_RATE" 'BEGIN { printf "%.2f", (c > 0 ? b / c : 0) }')
CPU_RATIO=$(awk -v b="$BARE_CPU" -v c="$CB_CPU" 'BEGIN { printf "%.2f", (b > 0 ? c / b : 0) }')
verdict() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN { ok = (op == "ge") ? v >= g : v <= g; print (ok ? "met" : "**missed**") }'; }

# every 202 must have left a message: the queue holds at least as many as the 2xx answers (it may hold a few more:
# requests in flight when a wrk run stopped still completed on the server, unseen by wrk)
durability() { # durability <2xx answers> <queue size>
  local lost=$(( $1 - $2 ))
  if (( lost > 0 )); then echo "**$lost answered 2xx but missing from the queue**"
  else echo "all on the queue ($(( -lost )) more messages than 2xx seen: in flight when wrk stopped)"; fi
}

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
JAR_BUILT=$(date -r "$JAR" '+%Y-%m-%d %H:%M')
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
JAVA_VERSION=$(java -version 2>&1 | head -n 1)
MAX_HEAP_MB=$(java $JAVA_OPTS -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" { printf "%.0f", $4 / 1048576 }')

mkdir -p "$(dirname "$RESULTS_FILE")"
{
  echo "# casebridge benchmark, $RUN_ID"
  echo
  echo "Channel measured: **$CHANNEL** (POST $CB_URL_PATH, success = $CB_OK), against the bare platform-http → JSON → persistent JMS route. Senders: **$SENDERS**."
  echo
  [ -n "$LABEL" ] && { echo "**$LABEL**"; echo; }
  echo "Commit $COMMIT; \`$JAR\` built $JAR_BUILT; $JAVA_VERSION, LAUNCH=$LAUNCH (${LAUNCH_OPTS:-plain java -jar}), JAVA_OPTS='${JAVA_OPTS}' (max heap ${MAX_HEAP_MB} MiB)."
  echo "Machine: $(nproc) cores, $CPU_MODEL, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM;"
  echo "load average $LOAD_BEFORE before the app started, $LOAD_AFTER at the end."
  echo "wrk on the same machine over loopback: $THREADS threads, $CONNECTIONS connections, $DURATION per measured run,"
  echo "$ROUNDS rounds per route alternating (ABBA), after $WARMUP of warm-up per route."
  echo
  echo "| Goal | Measured | Target | |"
  echo "|---|---:|---:|---|"
  echo "| Cases per second (2xx/s, mean of rounds) | $CB_RATE | ≥ $GOAL_CASES_PER_S | $(verdict "$CB_RATE" ge "$GOAL_CASES_PER_S") |"
  echo "| Cost per message vs bare route (bare 2xx/s ÷ casebridge 2xx/s) | $COST_RATIO× | ≤ $GOAL_COST_RATIO× | $(verdict "$COST_RATIO" le "$GOAL_COST_RATIO") |"
  echo "| Start-up, launch to /actuator/health UP | $STARTUP_S s | ≤ $GOAL_STARTUP_S s | $(verdict "$STARTUP_S" le "$GOAL_STARTUP_S") |"
  echo "| Idle resident memory (VmRSS, ${IDLE_SETTLE} s after UP) | $IDLE_RSS_MB MiB | ≤ $GOAL_IDLE_RSS_MB MB | $(verdict "$IDLE_RSS_MB" le "$GOAL_IDLE_RSS_MB") |"
  echo
  echo "Spring's own figure: \"${STARTED_LINE:-no Started line found}\". RSS after the load: $LOADED_RSS_MB MiB."
  echo "App CPU per message (utime+stime of the app ÷ 2xx answers): casebridge $CB_CPU µs, bare $BARE_CPU µs, ratio ${CPU_RATIO}×"
  echo "(wrk shares the 2 cores, so the CPU ratio is a second view of the cost ratio, not a replacement for it)."
  echo
  echo "| Route | Round | 2xx/s | p50 ms | p99 ms | 2xx | non-2xx | socket errors | enqueued | app CPU µs/msg | app CPU % | statuses |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' "$ROWS"
  echo "| **casebridge, mean** | | **$CB_RATE** | **$CB_P50** | **$CB_P99** | | | | | $CB_CPU | | |"
  echo "| **bare, mean** | | **$BARE_RATE** | **$BARE_P50** | **$BARE_P99** | | | | | $BARE_CPU | | |"
  echo
  echo "Non-2xx answers in measured runs: $BAD; socket errors (connect/read/write/timeout): $SOCK."
  echo
  echo "Durability (whole run, warm-up included; nothing consumes the queues):"
  echo "- $CB_QUEUE: ${OK_TOTAL[casebridge]} answered 2xx, $CB_QUEUE_FINAL messages on the queue: $(durability "${OK_TOTAL[casebridge]}" "$CB_QUEUE_FINAL")"
  echo "- $BARE_QUEUE: ${OK_TOTAL[bare]} answered 2xx, $BARE_QUEUE_FINAL messages on the queue: $(durability "${OK_TOTAL[bare]}" "$BARE_QUEUE_FINAL")"
  if [ -s "$LOG_DIR/warnings.txt" ]; then
    echo
    echo "Most frequent WARN/ERROR lines in the app log:"
    echo
    echo '```'
    cut -c1-220 "$LOG_DIR/warnings.txt"
    echo '```'
  fi
  if [ "$PROFILE" = 1 ]; then
    echo
    echo "## Profile of casebridge's measured runs (JFR, round 1)"
    echo
    java "$BENCH_DIR/JfrSummary.java" "$LOG_DIR/casebridge-1.jfr" 25
  fi
} >"$RESULTS_FILE"

cat "$RESULTS_FILE"
say "results: ${RESULTS_FILE#"$ROOT"/}; logs and raw wrk output: ${LOG_DIR#"$ROOT"/}"
