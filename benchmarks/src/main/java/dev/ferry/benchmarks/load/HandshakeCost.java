package dev.ferry.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What one handshake (connect, upgrade, close handshake, as the load run's handshake row does) costs the server, for a
 * machine shared with other work (run by hand, not part of the load run). The server runs in this JVM, driven by 4
 * client threads; after a warm-up, each round makes {@code n} handshakes and charges the server the CPU time and the
 * bytes allocated by every thread but the clients' ({@code com.sun.management.ThreadMXBean}), so time lost to other
 * processes does not count as the server's. A thread that ends within a round is not counted (the containers' pools
 * keep theirs). Prints the smallest and the median round, per handshake. Compare builds by alternating runs.
 *
 * <p>Over the same rounds it prints the process's CPU time less the client threads', per handshake: the server's
 * threads and the JVM's own (the garbage collector's above all: a server that allocates more per handshake pays for it
 * there, as the load run's server CPU figure does), and the client threads' CPU per handshake (the client shares the
 * machine's cores with the server in the load run).
 *
 * <p>It also prints what the whole run cost from the server's start, as a freshly started server pays it (the load
 * run's handshake row alone): the process's CPU time less the client threads' (so it includes the JIT compiler's and
 * the garbage collector's threads, which {@code ThreadMXBean} does not list) per handshake over every handshake made,
 * and the JIT's total compilation time ({@code CompilationMXBean}). The client's own compilation is in both, the same
 * for every build; use the same arguments for the runs you compare.
 *
 * <pre>
 * java -cp &lt;the ferry-on-jetty class path of run-load.sh&gt; dev.ferry.benchmarks.load.HandshakeCost \
 *     [warm-up handshakes] [handshakes per round] [rounds] [jetty|tomcat]
 * </pre>
 */
public final class HandshakeCost {

    private static final int CLIENTS = 4;

    private HandshakeCost() {
    }

    public static void main(String[] args) throws Exception {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 6_000;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        String container = args.length > 3 ? args[3] : "jetty";
        LoadServer.Host host = InProcessServer.start(container);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Set<Long> clientThreads = ConcurrentHashMap.newKeySet();
        clientThreads.add(Thread.currentThread().getId());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS, task -> {
            Thread thread = new Thread(task, "handshake-client");
            thread.setDaemon(true);
            return thread;
        });
        long processStart = processCpuNanos() - threadCpu(threads, clientThreads); // the clients' pool starts later
        long compileStart = compilationMillis();
        long compilerCpuStart = compilerThreadsCpuMillis();
        handshakes(clients, clientThreads, host.port(), warmUp);
        long clientCpuStart = threadCpu(threads, clientThreads);
        long roundsProcessStart = processCpuNanos();
        double[] cpuMicros = new double[rounds];
        double[] allocated = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            Map<Long, long[]> before = InProcessServer.snapshot(clientThreads);
            handshakes(clients, clientThreads, host.port(), perRound);
            Thread.sleep(50); // a bounded pause for the server to finish the last closes
            long[] spent = InProcessServer.spent(before, InProcessServer.snapshot(clientThreads));
            cpuMicros[r] = spent[0] / 1_000.0 / perRound;
            allocated[r] = spent[1] / (double) perRound;
        }
        long clientCpu = threadCpu(threads, clientThreads) - clientCpuStart;
        long roundsProcessCpu = processCpuNanos() - roundsProcessStart - clientCpu;
        long processCpu = processCpuNanos() - processStart - threadCpu(threads, clientThreads);
        long compiled = compilationMillis() - compileStart;
        long compilerCpu = compilerThreadsCpuMillis() - compilerCpuStart;
        Arrays.sort(cpuMicros);
        Arrays.sort(allocated);
        System.out.printf("%s, per handshake: server CPU %.1f us (median %.1f), allocated %.0f B (median %.0f)%n",
                container, cpuMicros[0], cpuMicros[rounds / 2], allocated[0], allocated[rounds / 2]);
        long measured = (long) perRound * rounds;
        System.out.printf("%s, per handshake over the rounds: process CPU less the clients' %.1f us (with the garbage"
                + " collector's and the JIT compiler's threads), the clients' CPU %.1f us%n", container,
                roundsProcessCpu / 1_000.0 / measured, clientCpu / 1_000.0 / measured);
        System.out.printf("%s, from the start: process CPU less the clients' %.1f us per handshake (%d handshakes),"
                + " JIT compilation %d ms (its threads' CPU %d ms)%n", container,
                processCpu / 1_000.0 / (warmUp + (long) perRound * rounds), warmUp + perRound * rounds, compiled,
                compilerCpu);
        host.close();
        System.exit(0);
    }

    /** The CPU time of this whole process (every thread, the JVM's own included), nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long compilationMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /**
     * The CPU time of the JIT compiler threads now alive, from {@code /proc/self/task} (Linux; -1 elsewhere), in
     * milliseconds: {@code CompilationMXBean} counts the compilers' elapsed time, which a busy machine inflates.
     */
    private static long compilerThreadsCpuMillis() {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return -1;
        }
        long ticks = 0;
        try (var threads = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) threads::iterator) {
                try {
                    if (!java.nio.file.Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                } catch (java.io.IOException ended) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return ticks * 10; // USER_HZ is 100 on Linux
    }

    /** The CPU nanoseconds of the client threads (and this one) so far; they all live to the end. */
    private static long threadCpu(com.sun.management.ThreadMXBean threads, Set<Long> clients) {
        long total = 0;
        for (long id : clients) {
            total += Math.max(0, threads.getThreadCpuTime(id));
        }
        return total;
    }

    /** CPU nanoseconds and allocated bytes of every live thread but the clients'. */
    private static void handshakes(ExecutorService clients, Set<Long> clientThreads, int port, int count)
            throws Exception {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            long seed = t * 1_000_003L;
            running.add(clients.submit(() -> {
                clientThreads.add(Thread.currentThread().getId());
                for (int i = 0; i < count / CLIENTS; i++) {
                    WireClient.connect(port, "/echo", seed + i).closeHandshake();
                }
                return null;
            }));
        }
        for (Future<?> client : running) {
            client.get();
        }
    }
}
