#!/bin/sh
# The loopback load comparison in one command (see README.md, "Load run"):
#   benchmarks/run-load.sh [seconds per row, default 5] [servers, default ferry,jetty,tomcat,bare] [rounds, default 4]
#                          [least warm-up rounds, default 1] [most warm-up rounds, default 6]
#   Warm-up rounds run before each row's recorded rounds and their figures are dropped; they go on until no
#   server's CPU time per operation fell by more than 10% from one to the next (LoadRun's WarmUp), within those bounds.
# Builds Ferry, resolves one class path per server from load/*.xml, then runs LoadRun, which starts each
# server in its own JVM on 127.0.0.1 and drives them in turn with the same JDK-only client, every timed row
# in rounds whose server order rotates. "bare" is the control (BareEcho: a blocking echo with no
# framework), measured on the one-connection rows only, for the latency the machine itself allows. The
# table of medians goes to stdout and to benchmarks/results/load-<UTC time>.md, with the date, the
# machine and the load average.
# LOAD_BUSY_CPUS=1 keeps every CPU busy with a spinner of the lowest priority (SCHED_IDLE, `chrt -i 0`), which
# gives way at once to any other thread: no CPU ever goes idle, so on a virtual machine no vCPU halts and has to be
# woken through the hypervisor. The one-connection rows then show what the servers themselves cost, as on a busy
# server or a machine kept out of deep idle states, instead of this VM's wake-up latency, which every server pays.
set -eu
cd "$(dirname "$0")/.."
SECONDS_PER_ROW="${1:-5}"
ONLY="${2:-ferry,jetty,tomcat,bare}"   # which servers to run, for example "ferry" while diagnosing
ROUNDS="${3:-4}"   # 4: on the one-connection rows, each of the four servers comes at every position once
WARM_UP_ROUNDS="${4:-1}"   # a server's first rounds of a row, while its JIT compiles that row's path, are not recorded
MAX_WARM_UP_ROUNDS="${5:-6}"   # a bound: a row that keeps getting cheaper still ends its warm-up here

mvn -B -q -pl benchmarks,examples -am package -DskipTests
for server in ferry-on-jetty jetty tomcat; do
    mvn -B -q -f "benchmarks/load/$server.xml" dependency:build-classpath \
        -Dmdep.outputFile="$PWD/benchmarks/target/classpath-$server.txt" -Dmdep.includeScope=runtime
done

load_classes="$PWD/benchmarks/target/classes"
# Ferry on Jetty as its launcher serves it (with dev.ferry.servlet.jetty.UpgradedInputFix, see JettyHost).
ferry_classes="$PWD/provider/target/classes:$PWD/servlet-container-integration/target/classes:$PWD/examples/target/classes"
cp_of() { cat "$PWD/benchmarks/target/classpath-$1.txt"; }

busy=""
if [ "${LOAD_BUSY_CPUS:-0}" = 1 ]; then
    for _ in $(seq "$(nproc)"); do chrt -i 0 sh -c 'while :; do :; done' & busy="$busy $!"; done
    trap 'kill $busy 2>/dev/null' EXIT INT TERM
fi

out="benchmarks/results/load-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p benchmarks/results
{
    echo "Load run of $(date -u '+%Y-%m-%d %H:%M UTC'), $SECONDS_PER_ROW s per row after a warm-up, $ROUNDS rounds after $WARM_UP_ROUNDS to $MAX_WARM_UP_ROUNDS warm-up rounds"
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB, $(java -version 2>&1 | head -1)"
    echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    [ -z "$busy" ] || echo "CPUs kept busy: $(nproc) spinners at SCHED_IDLE (LOAD_BUSY_CPUS=1), so no vCPU halts"
    echo
} > "$out"
java -Xmx1g ${LOAD_JAVA_OPTS:-} -cp "$load_classes" dev.ferry.benchmarks.load.LoadRun --seconds "$SECONDS_PER_ROW" --rounds "$ROUNDS" --warm-up-rounds "$WARM_UP_ROUNDS" \
    --max-warm-up-rounds "$MAX_WARM_UP_ROUNDS" \
    --log benchmarks/target/load-logs \
    $(case ",$ONLY," in *,ferry,*) echo "ferry=jetty=$load_classes:$ferry_classes:$(cp_of ferry-on-jetty)";; esac) \
    $(case ",$ONLY," in *,jetty,*) echo "jetty=jetty=$load_classes:$(cp_of jetty)";; esac) \
    $(case ",$ONLY," in *,tomcat,*) echo "tomcat=tomcat=$load_classes:$(cp_of tomcat)";; esac) \
    $(case ",$ONLY," in *,bare,*) echo "bare=bare=$load_classes";; esac) | tee -a "$out"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"
echo "Written to $out"
