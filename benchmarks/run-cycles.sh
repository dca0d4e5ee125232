#!/bin/sh
# How one server's one-connection round trips are scheduled (see README.md, "Busy CPUs, one connection"):
#   benchmarks/run-cycles.sh <ferry|jetty|tomcat> [busy: 0 or 1, default 1]
# Runs the load run's one-connection row against that server alone for 10 s, records 1 s of scheduler and
# system-call events system-wide in its middle (perf, as root), and prints what cycles.py makes of them: the share of
# "direct" round trips, the server's sleeps, preemptions, epoll and futex calls per round trip, and the most frequent
# patterns. busy=1 keeps every CPU busy with SCHED_IDLE spinners, as LOAD_BUSY_CPUS=1 benchmarks/run-load.sh does.
# Uses the class paths benchmarks/run-load.sh resolved and the classes it built: run that once first.
set -eu
cd "$(dirname "$0")/.."
server="$1"
busy_cpus="${2:-1}"
load_classes="$PWD/benchmarks/target/classes"
ferry_classes="$PWD/provider/target/classes:$PWD/servlet-container-integration/target/classes:$PWD/examples/target/classes"
cp_of() {
    [ -f "$PWD/benchmarks/target/classpath-$1.txt" ] || { echo "no class path for $1: run benchmarks/run-load.sh once first" >&2; exit 1; }
    cat "$PWD/benchmarks/target/classpath-$1.txt"
}
case "$server" in
    ferry) arg="ferry=jetty=$load_classes:$ferry_classes:$(cp_of ferry-on-jetty)" ;;
    jetty) arg="jetty=jetty=$load_classes:$(cp_of jetty)" ;;
    tomcat) arg="tomcat=tomcat=$load_classes:$(cp_of tomcat)" ;;
    *) echo "usage: $0 <ferry|jetty|tomcat> [busy: 0 or 1]" >&2; exit 2 ;;
esac

work="benchmarks/target/cycles"
mkdir -p "$work"
busy=""
if [ "$busy_cpus" = 1 ]; then
    for _ in $(seq "$(nproc)"); do chrt -i 0 sh -c 'while :; do :; done' & busy="$busy $!"; done
fi
trap 'kill $busy 2>/dev/null || true' EXIT INT TERM
java -Xmx1g -Dload.rows=one -cp "$load_classes" dev.ferry.benchmarks.load.LoadRun --seconds 10 --rounds 1 \
    --log benchmarks/target/load-logs "$arg" > "$work/$server.out" 2>&1 &
run=$!
server_pid=""
for _ in $(seq 300); do
    server_pid=$(pgrep -P "$run" java | head -1 || true)
    [ -n "$server_pid" ] && grep -q "== one" "$work/$server.out" && break
    sleep 0.2
done
[ -n "$server_pid" ] || { echo "the $server server did not start: see $work/$server.out" >&2; exit 1; }
sleep 5   # the row's 2 s warm-up and then some
perf record -q -a -o "$work/$server.data" \
    -e sched:sched_switch,sched:sched_wakeup \
    -e syscalls:sys_exit_read,syscalls:sys_enter_write,syscalls:sys_enter_writev \
    -e syscalls:sys_enter_epoll_wait,syscalls:sys_exit_epoll_wait,syscalls:sys_enter_epoll_ctl \
    -e syscalls:sys_enter_futex sleep 1 > /dev/null 2>&1
server_tids=$(ls "/proc/$server_pid/task" | paste -sd,)
client_tids=$(ls "/proc/$run/task" | paste -sd,)
echo "$server_tids $client_tids" > "$work/$server.tids"   # for a second look: perf script ... | cycles.py $(cat ...)
wait "$run"
grep "round trips:" "$work/$server.out"
perf script -i "$work/$server.data" -F comm,tid,cpu,time,event,trace 2>/dev/null \
    | python3 benchmarks/cycles.py "$server_tids" "$client_tids" 6
