#!/usr/bin/env bash
# Benchmarks imsa's metadata endpoint against nginx serving the identical bytes, then measures
# refresh under load and idle memory (issue 8, part 1); at the end it runs cli.sh, which times
# the command line (`imsa status` among it) and start-up with and without a session bus.
# Usage: tests/bench/run.sh BUILD_DIR   (loopback only; stops everything it started by PID)
# Environment: BENCH_SECONDS (wrk duration, default 10), BENCH_IDLE_SECONDS (default 60),
# BENCH_THREADS (imsa's serving threads, default nproc), BENCH_BURST (connections, default 2000),
# BENCH_PAIR_ROUNDS (odd; how often the compared servers take turns, default 3).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/common.sh
source "$here/common.sh"
bench_init "$@"
seconds=${BENCH_SECONDS:-10}
idle_seconds=${BENCH_IDLE_SECONDS:-60}
serving_threads=${BENCH_THREADS:-$(nproc)}
burst_size=${BENCH_BURST:-2000}
pair_rounds=${BENCH_PAIR_ROUNDS:-3}
for tool in wrk nginx curl ab; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/imsa-bench.XXXXXX)
pids=()
homes=()
cleanup() {
    local pid name
    # Each app through `imsa stop` as its user first, then everything by pid.
    for name in "${homes[@]}"; do
        in_home "$name" timeout 10 "$imsa" stop >/dev/null 2>&1 || true
    done
    [[ -s $tmp/trayer.pid ]] && pids+=("$(cat "$tmp/trayer.pid")")
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        # Bounded wait: a process that ignores SIGTERM for 2 s gets SIGKILL.
        for _ in $(seq 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "== $*" >&2; }

# --- helpers -------------------------------------------------------------------------------

# A free loopback port for nginx (it cannot report the port it got for :0).
free_port() {
    "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# make_home NAME STS_PORT [VAR=VALUE...]: a throwaway HOME with the e2e tests' config; writes
# NAME.env, with the extra variables at its end.
make_home() {
    local name=$1 port=$2
    shift 2
    local root="$tmp/$name"
    homes+=("$name")
    mkdir -p "$root/home" "$root/run" "$root/state" "$root/config"
    chmod 700 "$root/run"
    write_profiles "$root/home/.imsa"
    cat >"$root.env" <<EOF
HOME=$root/home
IMSA_RUNTIME_DIR=$root/run
XDG_STATE_HOME=$root/state
XDG_CONFIG_HOME=$root/config
IMSA_CONFIG=$root/home/.imsa
IMSA_KEYSTORE=file
IMSA_HELPER=$root/no-helper
AWS_CONFIG_FILE=$root/home/.aws/config
AWS_SHARED_CREDENTIALS_FILE=$root/home/.aws/credentials
AWS_DEFAULT_REGION=eu-west-1
AWS_ENDPOINT_URL_STS=http://127.0.0.1:$port/
AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9/
LANG=C.UTF-8
IMSA_THREADS=$serving_threads
EOF
    (($#)) && printf '%s\n' "$@" >>"$root.env"
    return 0
}

# in_home NAME COMMAND...: runs COMMAND with only that home's environment (plus PATH).
in_home() {
    local name=$1
    shift
    local vars=()
    mapfile -t vars <"$tmp/$name.env"
    env -i PATH="$PATH" "${vars[@]}" "$@"
}

json_field() {
    "$python" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# start_app NAME: `imsa start` (detached, headless) and `assume dev`; sets app_pid, app_url.
start_app() {
    local name=$1 status
    # stderr: the IMSA_KEYSTORE=file warning, expected here.
    in_home "$name" "$imsa" start --headless --listen 127.0.0.1:0 >/dev/null 2>>"$tmp/$name.start.log"
    status=$(in_home "$name" "$imsa" status --json)
    app_pid=$(json_field pid <<<"$status")
    pids+=("$app_pid")
    app_url=$(json_field endpoint <<<"$status")
    app_url=${app_url%/}
    in_home "$name" "$imsa" assume dev --mfa-code 123456 >/dev/null
}

# start_nginx WORKERS BODY_FILE ROLE: serves BODY_FILE at the credentials path; sets nginx_url.
start_nginx() {
    local workers=$1 body=$2 role=$3 port user_line=""
    local dir="$tmp/nginx-$workers"
    port=$(free_port)
    mkdir -p "$dir/logs" "$dir/temp" "$dir/www/latest/meta-data/iam/security-credentials"
    cp "$body" "$dir/www/latest/meta-data/iam/security-credentials/$role"
    chmod -R a+rX "$dir/www"
    chmod a+x "$tmp"
    # As root, nginx's workers would otherwise run as nobody, who cannot read the temp dir.
    [[ $(id -u) -eq 0 ]] && user_line="user root;"
    cat >"$dir/nginx.conf" <<EOF
$user_line
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    keepalive_requests 1000000;
    server_tokens off;
    etag off;
    server {
        # The same backlog as imsa's listening socket (GuardedTcpServer::listenBacklog).
        listen 127.0.0.1:$port backlog=4096;
        root $dir/www;
        location / {
            default_type application/json;
            # Response headers like imsa's: its Cache-Control, and no Last-Modified/ETag/ranges
            # a static server adds. nginx still sends Date, Connection and "Server: nginx".
            add_header Cache-Control no-store always;
            add_header Last-Modified "" always;
            add_header Accept-Ranges "" always;
            max_ranges 0;
            if_modified_since off;
        }
    }
}
EOF
    nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' 2>"$dir/logs/stderr" &
    nginx_pid=$!
    pids+=("$nginx_pid")
    nginx_url="http://127.0.0.1:$port"
    for _ in $(seq 100); do
        curl -sf -o /dev/null "$nginx_url/latest/meta-data/iam/security-credentials/$role" && return 0
        sleep 0.05
    done
    echo "nginx did not start:" >&2
    cat "$dir/logs/stderr" "$dir/logs/error.log" >&2
    exit 1
}

stop_pid() {
    kill "$1" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null || true
}

# bench LABEL CONNECTIONS URL [WRK OPTIONS...] [-- SCRIPT ARGS...]: runs wrk (with report.lua
# unless -s names another script), stores LABEL's BENCH line in result.
declare -A result
bench() {
    local label=$1 connections=$2 url=$3 threads=2 script="$here/report.lua" out
    local options=()
    shift 3
    while (($#)) && [[ $1 != -- ]]; do
        if [[ $1 == -s ]]; then
            script=$2
            shift 2
        else
            options+=("$1")
            shift
        fi
    done
    ((connections < threads)) && threads=$connections
    log "wrk -c$connections $label"
    out=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$script" "${options[@]}" "$url" "$@")
    echo "$out" >>"$tmp/wrk.log"
    result[$label]=$(grep '^BENCH ' <<<"$out")
}

# burst LABEL URL: ab opens burst_size connections at once (-c equal to -n: every connection
# carries one request, without keep-alive, as SDK processes do) and stores a BENCH line like
# wrk's for LABEL; ab's failed requests (connect, receive, length, exceptions) count as connect
# errors.
burst() {
    local label=$1 url=$2 out csv="$tmp/ab.csv" complete failed non2xx seconds
    log "ab -n$burst_size -c$burst_size $label"
    out=$(ab -q -r -s 10 -n "$burst_size" -c "$burst_size" -H 'Connection: close' -e "$csv" "$url" 2>&1)
    echo "$out" >>"$tmp/ab.log"
    complete=$(sed -n 's/^Complete requests: *\([0-9]*\).*/\1/p' <<<"$out")
    failed=$(sed -n 's/^Failed requests: *\([0-9]*\).*/\1/p' <<<"$out")
    non2xx=$(sed -n 's/^Non-2xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
    seconds=$(sed -n 's/^Time taken for tests: *\([0-9.]*\).*/\1/p' <<<"$out")
    percentile() { awk -F, -v p="$1" '$1 == p { printf "%d", $2 * 1000 }' "$csv"; }
    result[$label]="BENCH requests=${complete:-0} seconds=${seconds:-1} p50=$(percentile 50) p99=$(percentile 99) max=$(percentile 100) non2xx=${non2xx:-0} connect=$((${failed:-0} + burst_size - ${complete:-0})) read=0 write=0 timeout=0"
}

# field LABEL NAME: one number from a stored BENCH line.
field() {
    sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<" ${result[$1]}"
}

rps() { awk -v r="$(field "$1" requests)" -v s="$(field "$1" seconds)" 'BEGIN { printf "%.0f", r / s }'; }
ms() { awk -v us="$(field "$1" "$2")" 'BEGIN { printf "%.3f", us / 1000 }'; }
socket_errors() {
    echo $(($(field "$1" connect) + $(field "$1" read) + $(field "$1" write) + $(field "$1" timeout)))
}

# median_run LABEL: result[LABEL] becomes the run among "LABEL #1".."LABEL #pair_rounds" with
# the median req/s; LABEL joins paired_labels, whose every run the report lists.
paired_labels=()
median_run() {
    local label=$1 run chosen
    chosen=$(for run in $(seq "$pair_rounds"); do
        echo "$(rps "$label #$run") $run"
    done | sort -n | sed -n "$(((pair_rounds + 1) / 2))p" | cut -d' ' -f2)
    result[$label]=${result[$label #$chosen]}
    paired_labels+=("$label")
}

ratio() { awk -v a="$(rps "$1")" -v b="$(rps "$2")" 'BEGIN { printf "%.2f", a / b }'; }

# row LABEL [VERSUS [VERSUS_AUTO]]: one table row; the ratios of LABEL's req/s to VERSUS's
# (nginx with one worker, or the quiet run) and to VERSUS_AUTO's (nginx, one worker per CPU).
row() {
    local label=$1 versus=${2:-} versus_auto=${3:-} ratio1="-" ratio_auto="-"
    [[ -n $versus ]] && ratio1=$(ratio "$label" "$versus")
    [[ -n $versus_auto ]] && ratio_auto=$(ratio "$label" "$versus_auto")
    printf '| %-34s | %8s | %8s | %8s | %9s | %7s | %7s | %5s | %5s |\n' "$label" "$(rps "$label")" \
        "$(ms "$label" p50)" "$(ms "$label" p99)" "$(ms "$label" max)" \
        "$(field "$label" non2xx)" "$(socket_errors "$label")" "$ratio1" "$ratio_auto"
}


# --- set-up --------------------------------------------------------------------------------

# Other work on the machine skews every figure: the report shows the load averages.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "starting the stand-in STS and imsa (headless, 127.0.0.1:0)"
start_sts sts
make_home main "$sts_port"
start_app main
main_url=$app_url
main_pid=$app_pid
role=$(curl -sf "$main_url/latest/meta-data/iam/security-credentials/")
cred_path="/latest/meta-data/iam/security-credentials/$role"
curl -sf -o "$tmp/body.json" "$main_url$cred_path"
token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "$main_url/latest/api/token")

# Instances left idle for the memory figures; started first so their minute of idling overlaps
# the load runs (they are separate processes and get no requests).
make_home idle "$sts_port"
start_app idle
idle_pid=$app_pid
idle_started=$(now_ms)
tray_pid=""
# `imsa` is the small launcher; the tray is imsa-tray beside it, which `imsa start` runs.
if [[ -x $build/bin/imsa-tray ]] && command -v xvfb-run >/dev/null && command -v trayer >/dev/null; then
    make_home tray "$sts_port"
    # imsa starts once trayer owns the tray selection; trayer's pid is for cleanup.
    cat >"$tmp/tray.sh" <<'EOF'
trayer_pid_file=$1 tray_host_ready=$2
shift 2
trayer --edge top --align right --widthtype pixel --width 120 --height 32 &
echo $! >"$trayer_pid_file"
for _ in $(seq 150); do
    /usr/bin/python3 "$tray_host_ready" && break
    sleep 0.2
done
exec "$@"
EOF
    in_home tray xvfb-run -a bash "$tmp/tray.sh" "$tmp/trayer.pid" "$here/../gui/tray_host_ready.py" \
        "$imsa" start --foreground --listen 127.0.0.1:0 >"$tmp/tray.log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 300); do
        tray_pid=$(in_home tray "$imsa" status --json 2>/dev/null | json_field pid 2>/dev/null) && break
        tray_pid=""
        sleep 0.1
    done
    if [[ -n $tray_pid ]]; then
        pids+=("$tray_pid")
        in_home tray "$imsa" assume dev --mfa-code 123456 >/dev/null
    fi
fi
sleep 2

# --- throughput and latency ----------------------------------------------------------------

start_nginx 1 "$tmp/body.json" "$role"
nginx1_pid=$nginx_pid
nginx1_url=$nginx_url
if ! cmp -s "$tmp/body.json" <(curl -sf "$nginx1_url$cred_path"); then
    echo "nginx does not serve the same bytes as imsa" >&2
    exit 1
fi
curl -si "$main_url$cred_path" | sed 's/"SecretAccessKey".*/(body)/' >"$tmp/imsa.headers"
curl -si "$nginx1_url$cred_path" | sed 's/"SecretAccessKey".*/(body)/' >"$tmp/nginx.headers"
start_nginx auto "$tmp/body.json" "$role"
nginxauto_pid=$nginx_pid
nginxauto_url=$nginx_url

# One 10-s run moves by up to 20 % between two runs of this script on a 2-core machine, where wrk
# shares the cores (2026-12-04): so imsa and the two nginx take turns $pair_rounds times, and
# each row is the run with the median req/s.
# turn LABEL RUNNER [ARGS...]: RUNNER (bench or burst) for "LABEL #$round", $round being the
# caller's loop variable; the first round lists LABEL in turn_labels.
turn_labels=()
turn() {
    local label=$1 runner=$2
    shift 2
    ((round == 1)) && turn_labels+=("$label")
    "$runner" "$label #$round" "$@"
}
for round in $(seq "$pair_rounds"); do
    turn "imsa c1" bench 1 "$main_url$cred_path"
    turn "nginx-1 c1" bench 1 "$nginx1_url$cred_path"
    for c in 64 512; do
        turn "imsa c$c" bench "$c" "$main_url$cred_path"
        turn "nginx-1 c$c" bench "$c" "$nginx1_url$cred_path"
        turn "nginx-auto c$c" bench "$c" "$nginxauto_url$cred_path"
    done
    turn "imsa v2 GET+token c64" bench 64 "$main_url$cred_path" \
        -H "X-aws-ec2-metadata-token: $token"
    turn "nginx-1 GET+header c64" bench 64 "$nginx1_url$cred_path" \
        -H "X-aws-ec2-metadata-token: $token"
    turn "imsa burst $burst_size" burst "$main_url$cred_path"
    turn "nginx-1 burst $burst_size" burst "$nginx1_url$cred_path"
    turn "nginx-auto burst $burst_size" burst "$nginxauto_url$cred_path"
done
for label in "${turn_labels[@]}"; do
    median_run "$label"
done
bench "imsa v2 PUT/GET c64" 64 "$main_url$cred_path" -s "$here/imdsv2.lua" -- "$token"
stop_pid "$nginx1_pid"
stop_pid "$nginxauto_pid"
# --- the access log's cost (issue 16) -------------------------------------------------------

# The same load on an app that finds no peers and writes no access log, back to back with the
# main app (which does both): each connection's program is looked up once, then its repeats are
# counted, so the burst of fresh connections is where the lookup shows.
make_home nolog "$sts_port" IMSA_ACCESS_LOG=off
start_app nolog
nolog_pid=$app_pid
nolog_url=$app_url
# log_on_off NAME RUNNER [ARGS...]: RUNNER (bench or burst) with "imsa log on NAME #i", ARGS
# and the main app's URL, then with "off" and the log-free app's, pair_rounds times.
log_on_off() {
    local name=$1 runner=$2 round
    shift 2
    for round in $(seq "$pair_rounds"); do
        turn "imsa log on $name" "$runner" "$@" "$main_url$cred_path"
        turn "imsa log off $name" "$runner" "$@" "$nolog_url$cred_path"
    done
    median_run "imsa log on $name"
    median_run "imsa log off $name"
}
# On and off alternate $pair_rounds times too; the effect is smaller than the spread of one run.
log_on_off c64 bench 64
log_on_off c512 bench 512
log_on_off "burst $burst_size" burst
access_lines=$(wc -l <"$tmp/main/state/imsa/access.log")
stop_pid "$nolog_pid"

# The app that took all of the load, as it stays afterwards.
main_pss=$(awk '$1 == "Pss:" { printf "%.1f", $2 / 1024 }' "/proc/$main_pid/smaps_rollup")
main_rss=$(awk '$1 == "VmRSS:" { printf "%.1f", $2 / 1024 }' "/proc/$main_pid/status")

# --- load during refreshes -----------------------------------------------------------------

# 1205 s credentials are due for refresh (20 min left) 5 s after they arrive, and the renew
# loop forces one every 2 s on top: the broker replaces the served credentials all the time.
log "refresh under load: second stand-in with --role-duration 1205, renew every 2 s"
start_sts sts-short --role-duration 1205
short_sts_port=$sts_port
make_home short "$short_sts_port"
start_app short
short_pid=$app_pid
short_url=$app_url
short_role=$(curl -sf "$short_url/latest/meta-data/iam/security-credentials/")
calls_before=$(curl -sf "http://127.0.0.1:$short_sts_port/_calls")
bench "imsa quiet c64 (short creds)" 64 "$short_url/latest/meta-data/iam/security-credentials/$short_role"
"$python" "$here/renewloop.py" "$tmp/short/run/control.sock" "$seconds" 2 >"$tmp/renew.out" &
renew_pid=$!
pids+=("$renew_pid")
bench "imsa refreshing c64" 64 "$short_url/latest/meta-data/iam/security-credentials/$short_role"
wait "$renew_pid" || true
calls_after=$(curl -sf "http://127.0.0.1:$short_sts_port/_calls")
assume_calls() {
    "$python" -c 'import json,sys; print(json.load(sys.stdin)["counts"].get("AssumeRole", 0))'
}
refreshes=$(($(assume_calls <<<"$calls_after") - $(assume_calls <<<"$calls_before")))
stop_pid "$short_pid"

# --- idle memory ---------------------------------------------------------------------------

remaining=$((idle_seconds * 1000 - ($(now_ms) - idle_started)))
if ((remaining > 0)); then
    log "waiting $((remaining / 1000)) s more for the idle minute"
    sleep "$(awk -v ms="$remaining" 'BEGIN { print ms / 1000 }')"
fi
idle_age=$((($(now_ms) - idle_started) / 1000))
# RSS counts the resident pages of shared libraries too; RssAnon is the process's own memory.
status_mb() { awk -v key="$2:" '$1 == key { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
idle_rss=$(status_mb "$idle_pid" VmRSS)
idle_anon=$(status_mb "$idle_pid" RssAnon)
# PSS shares each library page among the processes mapping it: the fairer figure on a desktop.
idle_pss=$(awk '$1 == "Pss:" { printf "%.1f", $2 / 1024 }' "/proc/$idle_pid/smaps_rollup")
tray_rss="-" tray_anon="-"
if [[ -n $tray_pid ]]; then
    tray_rss=$(status_mb "$tray_pid" VmRSS)
    tray_anon=$(status_mb "$tray_pid" RssAnon)
fi
# The five mappings with the most resident pages in the headless app, to say what RSS is made of.
idle_top=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { file = (NF >= 6 ? $6 : "[anon]") }
                $1 == "Rss:" { rss[file] += $2 }
                END { for (f in rss) printf "%d %s\n", rss[f], f }' "/proc/$idle_pid/smaps" \
    | sort -rn | head -5 | awk '{ n = split($2, p, "/"); printf "%s%s %.1f MB", sep, p[n], $1 / 1024; sep = ", " }')

# --- report --------------------------------------------------------------------------------

echo
echo "imsa benchmark, $(date -u +%Y-%m-%d), $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
    "kernel $(uname -r), wrk ${seconds}s per run, -t2 (-t1 for -c1), nginx $(nginx -v 2>&1 | sed 's/.*\///')," \
    "imsa serving threads: $serving_threads, burst: ab -n$burst_size -c$burst_size"
echo "Load average (1/5/15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| run                                | req/s    | p50 ms   | p99 ms   | max ms    | non-2xx | sockerr | ratio | /auto |"
echo "|------------------------------------|----------|----------|----------|-----------|---------|---------|-------|-------|"
row "imsa c1" "nginx-1 c1"
row "nginx-1 c1"
for c in 64 512; do
    row "imsa c$c" "nginx-1 c$c" "nginx-auto c$c"
    row "nginx-1 c$c"
    row "nginx-auto c$c"
done
row "imsa v2 GET+token c64" "nginx-1 GET+header c64"
row "nginx-1 GET+header c64"
row "imsa v2 PUT/GET c64"
row "imsa burst $burst_size" "nginx-1 burst $burst_size" "nginx-auto burst $burst_size"
row "nginx-1 burst $burst_size"
row "nginx-auto burst $burst_size"
for c in 64 512; do
    row "imsa log on c$c" "imsa log off c$c"
    row "imsa log off c$c"
done
row "imsa log on burst $burst_size" "imsa log off burst $burst_size"
row "imsa log off burst $burst_size"
row "imsa quiet c64 (short creds)"
row "imsa refreshing c64" "imsa quiet c64 (short creds)"
echo
echo "ratio: imsa req/s divided by the row below it (nginx, one worker; refreshing vs quiet);"
echo "/auto: divided by nginx with worker_processes auto. Burst rows: ab, one request per fresh"
echo "connection, all $burst_size connections opened at once; sockerr there is ab's failed requests."
echo "Log on/off: the main app (access log on) against one with IMSA_ACCESS_LOG=off; the main"
echo "app's access log had $access_lines lines at the end of those runs. All rows but the PUT/GET"
echo "mix and the refresh runs are the median of $pair_rounds runs, the servers taking turns; every"
echo "run's req/s:"
for label in "${paired_labels[@]}"; do
    echo "    $label: $(for round in $(seq "$pair_rounds"); do rps "$label #$round"; echo; done | paste -sd' ')"
done
echo "Refresh run: $(cat "$tmp/renew.out"); AssumeRole calls during the two runs: $refreshes."
echo "Idle RSS after ${idle_age} s: headless $idle_rss MB ($idle_anon MB anonymous, PSS $idle_pss MB), tray $tray_rss MB ($tray_anon MB anonymous)."
echo "Largest resident mappings of the headless app: $idle_top."
echo "The app under load, after the load: PSS $main_pss MB, RSS $main_rss MB."
echo

for c in 64 512; do
    r=$(ratio "imsa c$c" "nginx-1 c$c")
    verdict "req/s imsa/nginx-1 >= 1.0 at $c connections" "$(ge "$r" 1.0)" "$r"
    r=$(ratio "imsa c$c" "nginx-auto c$c")
    verdict "req/s imsa/nginx-auto >= 0.9 at $c connections" "$(ge "$r" 0.9)" "$r"
done
for c in 1 64 512; do
    verdict "p99 imsa <= nginx at $c connection(s)" "$(le "$(field "imsa c$c" p99)" "$(field "nginx-1 c$c" p99)")" \
        "$(ms "imsa c$c" p99) vs $(ms "nginx-1 c$c" p99) ms"
done
verdict "max latency at 512 connections <= 50 ms" "$(le "$(ms "imsa c512" max)" 50)" "$(ms "imsa c512" max) ms"
for c in 64 512; do
    r=$(ratio "imsa log on c$c" "imsa log off c$c")
    verdict "access log on >= 0.95x off at $c connections (issue 16)" "$(ge "$r" 0.95)" "$r"
done
r=$(ratio "imsa v2 GET+token c64" "imsa c64")
verdict "v2 GET with token >= 0.95x v1 GET (c64)" "$(ge "$r" 0.95)" \
    "$r ($(rps "imsa v2 GET+token c64") vs $(rps "imsa c64") req/s; PUT/GET mix $(rps "imsa v2 PUT/GET c64") req/s)"
burst_errors=$(($(field "imsa burst $burst_size" non2xx) + $(socket_errors "imsa burst $burst_size")))
verdict "burst of $burst_size fresh connections: 0 failures" "$((burst_errors == 0 ? 1 : 0))" \
    "$burst_errors failures, max $(ms "imsa burst $burst_size" max) ms (nginx-1 $(ms "nginx-1 burst $burst_size" max) ms)"
refresh_errors=$(($(field "imsa refreshing c64" non2xx) + $(socket_errors "imsa refreshing c64")))
verdict "refreshing: no non-2xx, no socket errors" "$((refresh_errors == 0 ? 1 : 0))" "$refresh_errors errors"
verdict "refreshing: p99 within 2x of the quiet run" \
    "$(le "$(field "imsa refreshing c64" p99)" "$(awk -v q="$(field "imsa quiet c64 (short creds)" p99)" 'BEGIN { print 2 * q }')")" \
    "$(ms "imsa refreshing c64" p99) vs $(ms "imsa quiet c64 (short creds)" p99) ms"
verdict "headless PSS after the load <= 5 MB" "$(le "$main_pss" 5)" "$main_pss MB"
verdict "idle RSS headless <= 15 MB (issue 8)" "$(le "$idle_rss" 15)" "$idle_rss MB"
if [[ $tray_rss != "-" ]]; then
    verdict "idle RSS tray <= 40 MB (issue 8)" "$(le "$tray_rss" 40)" "$tray_rss MB"
fi
print_verdicts
echo
echo "Response headers (imsa, then nginx):"
sed 's/^/    /' "$tmp/imsa.headers" "$tmp/nginx.headers"
echo
"$here/cli.sh" "$build"
