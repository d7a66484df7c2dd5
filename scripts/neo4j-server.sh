#!/usr/bin/env bash
# Assemble, start, wait for, and stop a real Neo4j Community server without Docker.
#
# The jars come from Maven Central (scripts/neo4j/pom.xml); the server runs in the
# background on 127.0.0.1 with its home in .neo4j/ at the repository root (git-ignored).
# See docs/neo4j-without-docker.md for the verified steps, timings and pitfalls.
#
# Usage: scripts/neo4j-server.sh {install|start|wait|stop|status|restart|reset|env|admin-import}
#
#   install  Gather the jars into $NEO4J_HOME/lib with Maven (skipped if already
#            assembled for the same version). Needs java (17 or 21) and mvn.
#   start    Write conf/neo4j.conf from the environment, set the initial password
#            (before the first start only), start the server in the background.
#            Runs `install` first if needed. Fails if the bolt (or http) port is taken.
#   wait     Block until the process is alive AND `RETURN 1` succeeds on database
#            neo4j through the Python driver; on timeout or crash print the last
#            50 log lines and exit non-zero.
#   stop     SIGTERM, then wait for the process to exit (SIGKILL + non-zero exit
#            after SURVGRAPH_NEO4J_STOP_TIMEOUT seconds).
#   status   Print whether it runs; exit 0 if running, 3 if not.
#   restart  stop + start.
#   reset    Delete data/ and logs/ (server must be stopped); keeps the jars.
#   env      Print the connection settings as shell assignments.
#   admin-import DATABASE ARGS...
#            Run `neo4j-admin database import full DATABASE ARGS...` of this home (the
#            org.neo4j:neo4j-import-tool jar, through the admin launcher), server stopped.
#            Refuses --overwrite-destination and an existing database: it only creates one.
#            `survgraph neo4j-import` writes the files and runs the same tool.
#
# Environment (all optional):
#   SURVGRAPH_NEO4J_VERSION       Neo4j version (default 5.26.28)
#   SURVGRAPH_NEO4J_HOME          NEO4J_HOME (default <repo>/.neo4j)
#   SURVGRAPH_NEO4J_BOLT_PORT     bolt port on 127.0.0.1 (default 7687)
#   SURVGRAPH_NEO4J_HTTP_PORT     http port on 127.0.0.1; empty or 0 = http disabled (default)
#   SURVGRAPH_NEO4J_USER          always "neo4j" (the only user Community's initial password sets)
#   SURVGRAPH_NEO4J_PASSWORD      password of user neo4j (default survgraph-test, >= 8 chars)
#   SURVGRAPH_NEO4J_AUTH          "true" (default) or "false" (auth disabled, password unused)
#   SURVGRAPH_NEO4J_HEAP          JVM heap, -Xms and -Xmx (default 1g)
#   SURVGRAPH_NEO4J_PAGECACHE     page cache (default 256m)
#   SURVGRAPH_NEO4J_WAIT_TIMEOUT  seconds for `wait` (default 120)
#   SURVGRAPH_NEO4J_STOP_TIMEOUT  seconds for `stop` before SIGKILL (default 60)
#   PYTHON                        interpreter with the `neo4j` driver (default python3)
#   JAVA_HOME / MAVEN             java is $JAVA_HOME/bin/java if set, else `java` on PATH;
#                                 Maven is $MAVEN if set, else `mvn` on PATH
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
POM="$SCRIPT_DIR/neo4j/pom.xml"

NEO4J_VERSION="${SURVGRAPH_NEO4J_VERSION:-5.26.28}"
NEO4J_HOME="${SURVGRAPH_NEO4J_HOME:-$REPO_ROOT/.neo4j}"
BOLT_PORT="${SURVGRAPH_NEO4J_BOLT_PORT:-7687}"
HTTP_PORT="${SURVGRAPH_NEO4J_HTTP_PORT:-}"
NEO4J_USER="neo4j"
PASSWORD="${SURVGRAPH_NEO4J_PASSWORD:-survgraph-test}"
AUTH="${SURVGRAPH_NEO4J_AUTH:-true}"
HEAP="${SURVGRAPH_NEO4J_HEAP:-1g}"
PAGECACHE="${SURVGRAPH_NEO4J_PAGECACHE:-256m}"
WAIT_TIMEOUT="${SURVGRAPH_NEO4J_WAIT_TIMEOUT:-120}"
STOP_TIMEOUT="${SURVGRAPH_NEO4J_STOP_TIMEOUT:-60}"
PYTHON="${PYTHON:-python3}"

LIB_DIR="$NEO4J_HOME/lib"
CONF_DIR="$NEO4J_HOME/conf"
LOG_DIR="$NEO4J_HOME/logs"
RUN_DIR="$NEO4J_HOME/run"
DATA_DIR="$NEO4J_HOME/data"
VERSION_MARKER="$NEO4J_HOME/.assembled-version"
PID_FILE="$RUN_DIR/neo4j.pid"
CONN_FILE="$RUN_DIR/connection.env"
CONSOLE_LOG="$LOG_DIR/console.log"
PASSWORD_MARKER="$DATA_DIR/dbms/.survgraph-password.sha256"
MAIN_CLASS="org.neo4j.server.CommunityEntryPoint"

# JVM options Neo4j's own launcher would add from the distribution's neo4j.conf
# (server.jvm.additional); starting the entry class directly makes them ours to pass.
# -XX:+AlwaysPreTouch is left out on purpose: it only slows start-up for tests.
JVM_ADDITIONAL=(
  -XX:+UseG1GC
  -XX:-OmitStackTraceInFastThrow
  -XX:+UnlockExperimentalVMOptions
  -XX:+TrustFinalNonStaticFields
  -XX:+DisableExplicitGC
  -Djdk.nio.maxCachedBufferSize=1024
  -Dio.netty.tryReflectionSetAccessible=true
  -Djdk.tls.ephemeralDHKeySize=2048
  -Djdk.tls.rejectClientInitiatedRenegotiation=true
  -XX:FlightRecorderOptions=stackdepth=256
  -XX:+UnlockDiagnosticVMOptions
  -XX:+DebugNonSafepoints
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
  -Dlog4j2.disable.jmx=true
  -Dfile.encoding=UTF-8
)

log() { printf '[neo4j-server] %s\n' "$*" >&2; }
die() { printf '[neo4j-server] ERROR: %s\n' "$*" >&2; exit 1; }

now() { date +%s; }

# ---------------------------------------------------------------- prerequisites

JAVA=""
find_java() {
  if [[ -n "${JAVA_HOME:-}" ]]; then
    JAVA="$JAVA_HOME/bin/java"
    [[ -x "$JAVA" ]] || die "JAVA_HOME=$JAVA_HOME has no executable bin/java. Neo4j $NEO4J_VERSION needs Java 17 or 21."
  else
    JAVA="$(command -v java || true)"
    [[ -n "$JAVA" ]] || die "java not found on PATH (and JAVA_HOME unset). Neo4j $NEO4J_VERSION needs Java 17 or 21 (apt-get install openjdk-17-jre-headless)."
  fi
  local line major
  line="$("$JAVA" -version 2>&1 | head -n 1)" || die "'$JAVA -version' failed: $line"
  major="$(sed -E -n 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/p' <<<"$line")"
  read -r major minor <<<"$major"
  [[ "$major" == 1 ]] && major="${minor:-0}"   # "1.8.0_x" style
  [[ "$major" =~ ^[0-9]+$ ]] || die "cannot read the Java version from: $line"
  if (( major < 17 )); then
    die "$JAVA is Java $major; Neo4j $NEO4J_VERSION needs Java 17 or 21 (set JAVA_HOME)."
  fi
  if [[ "$NEO4J_VERSION" == 5.* ]] && (( major != 17 && major != 21 )); then
    log "WARNING: $JAVA is Java $major; Neo4j 5.x supports only Java 17 and 21. Set JAVA_HOME if start-up fails."
  fi
}

find_maven() {
  MVN="${MAVEN:-$(command -v mvn || true)}"
  [[ -n "$MVN" ]] || die "mvn (Maven) not found on PATH; it is needed to gather the Neo4j jars (apt-get install maven)."
}

check_python_driver() {
  command -v "$PYTHON" >/dev/null 2>&1 || die "python interpreter '$PYTHON' not found (set PYTHON)."
  "$PYTHON" -c 'import neo4j' 2>/dev/null \
    || die "'$PYTHON' cannot import the neo4j driver: run '$PYTHON -m pip install neo4j' (or set PYTHON)."
}

is_installed() {
  [[ -f "$VERSION_MARKER" && "$(cat "$VERSION_MARKER")" == "$NEO4J_VERSION" ]] \
    && compgen -G "$LIB_DIR/neo4j-server-$NEO4J_VERSION.jar" >/dev/null
}

# pid of our server if it runs, else empty (stale pid files are tolerated)
running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  # guard against pid reuse: the process must be our entry point with our home dir
  if [[ -r "/proc/$pid/cmdline" ]]; then
    local cmd
    cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    [[ "$cmd" == *"$MAIN_CLASS"* && "$cmd" == *"--home-dir=$NEO4J_HOME"* ]] || return 0
  fi
  printf '%s\n' "$pid"
}

port_free() {  # port_free PORT -> 0 if 127.0.0.1:PORT can be bound
  "$PYTHON" - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # like Netty: TIME_WAIT is fine
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError as e:
    print(e, file=sys.stderr)
    sys.exit(1)
finally:
    s.close()
PY
}

jar_count() { find "$LIB_DIR" -maxdepth 1 -name '*.jar' | wc -l; }

http_enabled() { [[ -n "$HTTP_PORT" && "$HTTP_PORT" != 0 ]]; }

print_log_tail() {
  if [[ -f "$CONSOLE_LOG" ]]; then
    echo "----- last 50 lines of $CONSOLE_LOG -----" >&2
    tail -n 50 "$CONSOLE_LOG" >&2 || true
    echo "----- end of $CONSOLE_LOG -----" >&2
  else
    echo "(no $CONSOLE_LOG yet)" >&2
  fi
  [[ -f "$LOG_DIR/debug.log" ]] && echo "(more detail in $LOG_DIR/debug.log)" >&2
  return 0
}

# Serialise install/start/stop on one NEO4J_HOME (several shells or test runs may share it).
take_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$NEO4J_HOME"
  exec 9>"$NEO4J_HOME/.lock"
  flock -w 600 9 || die "could not lock $NEO4J_HOME/.lock within 600 s (another install/start/stop is stuck?)"
}

# ---------------------------------------------------------------- subcommands

cmd_install() {
  find_java
  if is_installed; then
    log "Neo4j $NEO4J_VERSION already assembled in $NEO4J_HOME ($(jar_count) jars); skipping."
    return 0
  fi
  find_maven
  [[ -f "$POM" ]] || die "missing $POM"
  mkdir -p "$NEO4J_HOME"
  local tmp_lib="$NEO4J_HOME/lib.partial"
  rm -rf "$tmp_lib"
  log "gathering Neo4j $NEO4J_VERSION jars with Maven into $LIB_DIR ..."
  local t0; t0="$(now)"
  # (Maven 3.8's -q still prints bare ANSI resets; strip them. pipefail keeps mvn's status.)
  if ! "$MVN" -B -q -f "$POM" \
        -Dneo4j.version="$NEO4J_VERSION" -Dneo4j.lib="$tmp_lib" \
        dependency:copy-dependencies 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' >&2; then
    rm -rf "$tmp_lib"
    die "Maven failed to gather the Neo4j $NEO4J_VERSION jars (see above). Is Maven Central reachable, and does version $NEO4J_VERSION exist?"
  fi
  compgen -G "$tmp_lib/neo4j-server-$NEO4J_VERSION.jar" >/dev/null \
    || die "Maven ran but $tmp_lib has no neo4j-server-$NEO4J_VERSION.jar"
  rm -rf "$LIB_DIR"
  mv "$tmp_lib" "$LIB_DIR"
  mkdir -p "$CONF_DIR" "$LOG_DIR" "$RUN_DIR" "$DATA_DIR" "$NEO4J_HOME/plugins" "$NEO4J_HOME/import"
  printf '%s\n' "$NEO4J_VERSION" >"$VERSION_MARKER"
  log "assembled Neo4j $NEO4J_VERSION: $(jar_count) jars, $(du -sh "$LIB_DIR" | cut -f1), in $(( $(now) - t0 )) s"
}

write_conf() {
  mkdir -p "$CONF_DIR"
  local conf="$CONF_DIR/neo4j.conf"
  {
    echo "# Generated by scripts/neo4j-server.sh on every start; edits are overwritten."
    echo "server.default_listen_address=127.0.0.1"
    echo "server.default_advertised_address=127.0.0.1"
    echo "server.bolt.enabled=true"
    echo "server.bolt.listen_address=127.0.0.1:$BOLT_PORT"
    echo "server.bolt.advertised_address=127.0.0.1:$BOLT_PORT"
    echo "server.bolt.tls_level=DISABLED"
    if http_enabled; then
      echo "server.http.enabled=true"
      echo "server.http.listen_address=127.0.0.1:$HTTP_PORT"
    else
      echo "server.http.enabled=false"
    fi
    echo "server.https.enabled=false"
    echo "dbms.security.auth_enabled=$AUTH"
    echo "server.memory.heap.initial_size=$HEAP"
    echo "server.memory.heap.max_size=$HEAP"
    echo "server.memory.pagecache.size=$PAGECACHE"
    echo "dbms.usage_report.enabled=false"
    echo "# Transaction logs kept after a checkpoint (every 15 min): 5.x keeps 2 days' worth by"
    echo "# default, 15 GB after one 1M-row LOAD CSV here, which filled the disk. Community's"
    echo "# recovery needs only the logs since the last checkpoint."
    echo "db.tx_log.rotation.retention_policy=1G size"
    echo "server.directories.logs=$LOG_DIR"
    echo "server.directories.run=$RUN_DIR"
    echo "server.directories.data=$DATA_DIR"
    echo "# Bolt's Netty shutdown waits a 5 s quiet period per connector (bolt + bolt-local),"
    echo "# which made every stop take >10 s. Nothing is in flight once the databases are down."
    echo "internal.dbms.bolt.netty_server_shutdown_quiet_period=0"
    echo "# JVM options: passed by the script itself; listed so that Neo4j's own launcher"
    echo "# (Neo4jCommand console --dry-run) would build the same command line."
    local opt
    for opt in "${JVM_ADDITIONAL[@]}"; do echo "server.jvm.additional=$opt"; done
  } >"$conf"
}

java_cmd() {  # fills JAVA_CMD with the full command line of the server
  JAVA_CMD=(
    "$JAVA"
    -cp "$NEO4J_HOME/plugins/*:$CONF_DIR/*:$LIB_DIR/*"
    "-Xms$HEAP" "-Xmx$HEAP"
    "${JVM_ADDITIONAL[@]}"
    "$MAIN_CLASS"
    "--home-dir=$NEO4J_HOME"
    "--config-dir=$CONF_DIR"
    --console-mode
  )
}

ensure_password() {
  # The initial password is set before the very first start even when auth is disabled,
  # so that a later start with auth enabled on the same data still knows the password.
  (( ${#PASSWORD} >= 8 )) || die "SURVGRAPH_NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum)."
  local want; want="$(printf '%s' "$PASSWORD" | sha256sum | cut -d' ' -f1)"
  if [[ -d "$DATA_DIR/databases/system" ]]; then
    # the system database exists: the password was fixed at its first start
    [[ "$AUTH" == true ]] || return 0
    if [[ ! -f "$PASSWORD_MARKER" ]]; then
      die "the database in $DATA_DIR was not created by this script with a known password; run '$0 reset' to start afresh."
    fi
    if [[ "$(cat "$PASSWORD_MARKER")" != "$want" ]]; then
      die "the database in $DATA_DIR was created with a different SURVGRAPH_NEO4J_PASSWORD; use that one, or run '$0 reset' to start afresh."
    fi
    return 0
  fi
  log "setting the initial password of user neo4j (neo4j-admin dbms set-initial-password)"
  if ! NEO4J_HOME="$NEO4J_HOME" NEO4J_CONF="$CONF_DIR" \
       "$JAVA" -cp "$LIB_DIR/*" org.neo4j.server.startup.Neo4jAdminCommand \
       dbms set-initial-password "$PASSWORD" >&2; then
    die "neo4j-admin dbms set-initial-password failed"
  fi
  mkdir -p "$(dirname "$PASSWORD_MARKER")"
  printf '%s\n' "$want" >"$PASSWORD_MARKER"
}

write_conn_file() {
  {
    echo "SURVGRAPH_NEO4J_URI=bolt://127.0.0.1:$BOLT_PORT"
    echo "SURVGRAPH_NEO4J_BOLT_PORT=$BOLT_PORT"
    echo "SURVGRAPH_NEO4J_USER=$NEO4J_USER"
    if [[ "$AUTH" == true ]]; then
      echo "SURVGRAPH_NEO4J_PASSWORD=$PASSWORD"
    else
      echo "SURVGRAPH_NEO4J_PASSWORD="
    fi
    echo "SURVGRAPH_NEO4J_AUTH=$AUTH"
    echo "SURVGRAPH_NEO4J_DATABASE=neo4j"
    http_enabled && echo "SURVGRAPH_NEO4J_HTTP_URI=http://127.0.0.1:$HTTP_PORT"
    true
  } >"$CONN_FILE"
}

cmd_start() {
  [[ "$AUTH" == true || "$AUTH" == false ]] || die "SURVGRAPH_NEO4J_AUTH must be 'true' or 'false', not '$AUTH'"
  [[ "$BOLT_PORT" =~ ^[0-9]+$ ]] || die "SURVGRAPH_NEO4J_BOLT_PORT must be a number, not '$BOLT_PORT'"
  [[ -z "$HTTP_PORT" || "$HTTP_PORT" =~ ^[0-9]+$ ]] || die "SURVGRAPH_NEO4J_HTTP_PORT must be a number or empty, not '$HTTP_PORT'"
  find_java
  local pid; pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    local running_uri running_auth
    running_uri="$(sed -n 's/^SURVGRAPH_NEO4J_URI=//p' "$CONN_FILE" 2>/dev/null || true)"
    running_auth="$(sed -n 's/^SURVGRAPH_NEO4J_AUTH=//p' "$CONN_FILE" 2>/dev/null || true)"
    if [[ "$running_uri" != "bolt://127.0.0.1:$BOLT_PORT" || "$running_auth" != "$AUTH" ]]; then
      die "Neo4j already runs from $NEO4J_HOME (pid $pid, ${running_uri:-unknown uri}, auth ${running_auth:-unknown}) with other settings than requested (bolt://127.0.0.1:$BOLT_PORT, auth $AUTH). Stop it first, or use another SURVGRAPH_NEO4J_HOME."
    fi
    log "already running (pid $pid) on $running_uri; not starting another. Use 'restart' to apply new settings."
    return 0
  fi
  is_installed || cmd_install
  command -v "$PYTHON" >/dev/null 2>&1 || die "python interpreter '$PYTHON' not found (set PYTHON)."
  port_free "$BOLT_PORT" 2>/dev/null || die "bolt port 127.0.0.1:$BOLT_PORT is already in use ($(port_free "$BOLT_PORT" 2>&1 || true)). Stop what uses it or set SURVGRAPH_NEO4J_BOLT_PORT."
  if http_enabled; then
    port_free "$HTTP_PORT" 2>/dev/null || die "http port 127.0.0.1:$HTTP_PORT is already in use. Set SURVGRAPH_NEO4J_HTTP_PORT (empty disables http)."
  fi
  mkdir -p "$LOG_DIR" "$RUN_DIR" "$DATA_DIR" "$NEO4J_HOME/plugins" "$NEO4J_HOME/import"
  rm -f "$PID_FILE"
  write_conf
  ensure_password
  [[ -f "$CONSOLE_LOG" ]] && mv -f "$CONSOLE_LOG" "$CONSOLE_LOG.previous"
  java_cmd
  local where="bolt://127.0.0.1:$BOLT_PORT" auth_desc="disabled"
  if http_enabled; then where+=" and http://127.0.0.1:$HTTP_PORT"; fi
  if [[ "$AUTH" == true ]]; then auth_desc="user neo4j, password from SURVGRAPH_NEO4J_PASSWORD"; fi
  log "starting Neo4j $NEO4J_VERSION on $where (auth: $auth_desc)"
  {
    echo "# $(date -u +%FT%TZ) $(printf '%q ' "${JAVA_CMD[@]}")"
  } >"$CONSOLE_LOG"
  # 9>&-: the server must not inherit (and so hold) the lock taken by take_lock
  nohup "${JAVA_CMD[@]}" >>"$CONSOLE_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  write_conn_file
  # catch immediate failures (bad JVM option, unknown setting, bind error) here
  local _
  for _ in 1 2 3 4; do
    sleep 0.5
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      print_log_tail
      die "Neo4j exited right after start (see the log above)."
    fi
  done
  log "started (pid $pid); logs: $CONSOLE_LOG; run '$0 wait' to block until it answers queries."
}

cmd_wait() {
  check_python_driver
  local pid; pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    print_log_tail
    die "Neo4j is not running (no live process in $PID_FILE); run '$0 start' first."
  fi
  local uri user pw auth
  # prefer the settings the server was started with
  if [[ -f "$CONN_FILE" ]]; then
    uri="$(sed -n 's/^SURVGRAPH_NEO4J_URI=//p' "$CONN_FILE")"
    auth="$(sed -n 's/^SURVGRAPH_NEO4J_AUTH=//p' "$CONN_FILE")"
    pw="$(sed -n 's/^SURVGRAPH_NEO4J_PASSWORD=//p' "$CONN_FILE")"
  else
    uri="bolt://127.0.0.1:$BOLT_PORT"; auth="$AUTH"; pw="$PASSWORD"
  fi
  user="$NEO4J_USER"
  log "waiting up to ${WAIT_TIMEOUT}s for $uri (pid $pid) to answer RETURN 1 on database neo4j ..."
  local rc=0
  "$PYTHON" - "$pid" "$uri" "$auth" "$user" "$pw" "$WAIT_TIMEOUT" <<'PY' || rc=$?
import os, sys, time
import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

pid, uri, auth, user, pw, timeout = sys.argv[1:7]
pid, timeout = int(pid), float(timeout)
creds = (user, pw) if auth == "true" else None
t0 = time.monotonic()
last = "no attempt yet"

def alive():
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child counts as dead
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True

while True:
    if not alive():
        print(f"Neo4j process {pid} exited before it became ready (last error: {last})", file=sys.stderr)
        sys.exit(2)
    try:
        with GraphDatabase.driver(uri, auth=creds, connection_timeout=3,
                                  connection_acquisition_timeout=5) as driver:
            with driver.session(database="neo4j") as session:
                value = session.run("RETURN 1 AS ok").single()["ok"]
        if value == 1:
            print(f"ready after {time.monotonic() - t0:.1f}s (driver {neo4j.__version__})", file=sys.stderr)
            sys.exit(0)
    except AuthError as e:
        print(f"authentication failed: {e}. The database was probably created with another password "
              f"(scripts/neo4j-server.sh reset starts afresh).", file=sys.stderr)
        sys.exit(4)
    except Exception as e:  # not up yet: connection refused, database unavailable, ...
        last = f"{type(e).__name__}: {e}".replace("\n", " ")[:300]
    if time.monotonic() - t0 >= timeout:
        print(f"timed out after {timeout:.0f}s (last error: {last})", file=sys.stderr)
        sys.exit(3)
    time.sleep(0.5)
PY
  if (( rc != 0 )); then
    print_log_tail
    case "$rc" in
      2) die "Neo4j died during start-up (see the log above)." ;;
      3) die "Neo4j did not answer RETURN 1 within ${WAIT_TIMEOUT}s (see the log above; raise SURVGRAPH_NEO4J_WAIT_TIMEOUT if the machine is slow)." ;;
      4) die "Neo4j is up but rejected the credentials." ;;
      *) die "readiness check failed (exit $rc)." ;;
    esac
  fi
  log "Neo4j is ready at $uri"
}

cmd_stop() {
  local pid; pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    log "not running."
    rm -f "$PID_FILE"
    return 0
  fi
  log "stopping pid $pid (SIGTERM) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( $(now) + STOP_TIMEOUT ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(now) >= deadline )); then
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      print_log_tail
      die "Neo4j (pid $pid) did not stop within ${STOP_TIMEOUT}s after SIGTERM; killed it with SIGKILL (the store will recover on next start)."
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  log "stopped."
}

cmd_status() {
  local pid; pid="$(running_pid)"
  local ver="not assembled"
  [[ -f "$VERSION_MARKER" ]] && ver="$(cat "$VERSION_MARKER")"
  if [[ -n "$pid" ]]; then
    echo "running: pid $pid, Neo4j $ver, home $NEO4J_HOME"
    [[ -f "$CONN_FILE" ]] && sed 's/^SURVGRAPH_NEO4J_PASSWORD=.*/SURVGRAPH_NEO4J_PASSWORD=<set>/' "$CONN_FILE"
    return 0
  fi
  echo "stopped: Neo4j $ver, home $NEO4J_HOME"
  return 3
}

cmd_reset() {
  [[ -z "$(running_pid)" ]] || die "Neo4j is running; stop it first."
  log "deleting $DATA_DIR and $LOG_DIR"
  rm -rf "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
}

cmd_env() {
  if [[ -f "$CONN_FILE" ]]; then
    cat "$CONN_FILE"
  else
    echo "SURVGRAPH_NEO4J_URI=bolt://127.0.0.1:$BOLT_PORT"
    echo "SURVGRAPH_NEO4J_USER=$NEO4J_USER"
    if [[ "$AUTH" == true ]]; then echo "SURVGRAPH_NEO4J_PASSWORD=$PASSWORD"; else echo "SURVGRAPH_NEO4J_PASSWORD="; fi
    echo "SURVGRAPH_NEO4J_AUTH=$AUTH"
    echo "SURVGRAPH_NEO4J_DATABASE=neo4j"
  fi
}

cmd_admin_import() {
  local database="${1:-}"
  [[ "$database" =~ ^[A-Za-z0-9][A-Za-z0-9.-]*$ ]] || die "admin-import needs a database name first (e.g. neo4j), not '${database}'"
  shift
  local arg report=("--report-file=$LOG_DIR/import.report")
  for arg in "$@"; do
    [[ "$arg" != --overwrite-destination* ]] || die "admin-import never overwrites a database (--overwrite-destination refused)"
    [[ "$arg" != --report-file* ]] || report=()   # else neo4j-admin writes it in the current folder
  done
  [[ -z "$(running_pid)" ]] || die "Neo4j is running from $NEO4J_HOME; stop it first (the import writes the store offline)."
  if [[ -e "$DATA_DIR/databases/$database" || -e "$DATA_DIR/transactions/$database" ]]; then
    die "database '$database' already exists in $DATA_DIR; the import only creates a new one (never overwrites)."
  fi
  find_java
  is_installed || cmd_install
  compgen -G "$LIB_DIR/neo4j-import-tool-$NEO4J_VERSION.jar" >/dev/null \
    || die "$LIB_DIR has no neo4j-import-tool-$NEO4J_VERSION.jar; run '$0 install' again"
  mkdir -p "$DATA_DIR" "$LOG_DIR" "$NEO4J_HOME/plugins"
  [[ -f "$CONF_DIR/neo4j.conf" ]] || write_conf
  NEO4J_HOME="$NEO4J_HOME" NEO4J_CONF="$CONF_DIR" \
    "$JAVA" -cp "$LIB_DIR/*" org.neo4j.server.startup.Neo4jAdminCommand \
    database import full "$database" "${report[@]}" "$@"
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

main() {
  local sub="${1:-}"
  case "$sub" in
    install) take_lock; cmd_install ;;
    start)   take_lock; cmd_start ;;
    wait)    cmd_wait ;;
    stop)    take_lock; cmd_stop ;;
    status)  cmd_status ;;
    restart) take_lock; cmd_stop; cmd_start ;;
    reset)   take_lock; cmd_reset ;;
    env)     cmd_env ;;
    admin-import) shift; take_lock; cmd_admin_import "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; die "unknown or missing subcommand '${sub}'" ;;
  esac
}

main "$@"
