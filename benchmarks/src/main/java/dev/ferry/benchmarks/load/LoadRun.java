package dev.ferry.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The loopback load run: starts each server in its own JVM (its own class path, so each has only its own
 * WebSocket implementation), drives it with the same {@link WireClient} load, and prints one table with
 * every row's ratio against the server named {@code jetty}.
 *
 * <p>All servers run at once and take turns: each timed row is measured in {@code R} rounds, and every round visits the
 * servers in a rotated order ({@link #order}), so each server is measured first, second and third equally often. Before
 * its recorded rounds each row runs warm-up rounds whose figures are dropped, until the servers' CPU time per operation
 * has settled ({@link WarmUp}; at least {@code W} rounds, 1 by default, and at most {@code M}, 6 by default): a
 * server's first rounds of a row are also those in which its JIT compiles that row's path (a fresh server's first
 * handshake round costs it two and a half to five times the CPU per handshake of its later ones), and a round that
 * measures the compiler is not a sample of the server. What a row leaves behind for the next one (the TIME-WAIT
 * sockets of a handshake row, a warmer or colder CPU) then falls on every server alike, and the table shows each row's
 * median over the rounds, with the rounds' lowest and highest value beside it.
 *
 * <p>Usage: {@code LoadRun [--seconds S] [--rounds R] [--warm-up-rounds W] [--max-warm-up-rounds M] [--log DIR]
 * name=container=classpath ...},
 * where container is {@code jetty} or {@code tomcat} (a {@link LoadServer}), or {@code bare}: the control,
 * {@link BareEcho}, measured on the one-connection rows only, to show the latency the machine itself allows. Every row
 * is bounded in time (warm-up plus {@code S} seconds) and count. The system property {@code load.rows} limits the run
 * to some rows (see {@link #runs}).
 */
public final class LoadRun {

    private static final int CONNECTIONS = 64;
    private static final int IN_FLIGHT = 16;
    private static final int SMALL = 64;
    private static final int LARGE = 1 << 20;
    private static final int HANDSHAKE_THREADS = 4;
    private static final int IDLE_CONNECTIONS = 2_000;
    private static final int MAX_LATENCY_SAMPLES = 5_000_000;
    private static final int DEFAULT_MAX_WARM_UP_ROUNDS = 6;

    private final double seconds;
    private final Path logs;
    /** The server being measured, for the CPU time it spends per operation (a diagnostic on stderr). */
    private ServerProcess measured;
    /** The CPU time per operation of the last measurement, for {@link WarmUp}; NaN when not known. */
    private double lastCpuPerOperation = Double.NaN;

    private LoadRun(double seconds, Path logs) {
        this.seconds = seconds;
        this.logs = logs;
    }

    record Server(String name, String container, String classPath) {

        /** Whether this server takes part in a group of rows: the bare control only in the one-connection rows. */
        boolean measures(String group) {
            return !container.equals("bare") || group.equals("one");
        }
    }

    static final String[] ROWS = {
        "1 connection, 64 B: round trips/s",
        "1 connection, 64 B: p50 latency (us)",
        "1 connection, 64 B: p99 latency (us)",
        CONNECTIONS + " connections x " + IN_FLIGHT + " in flight, 64 B: messages/s",
        "1 connection, 1 MiB messages: MB/s echoed",
        HANDSHAKE_THREADS + " threads: handshakes/s (open, close handshake)",
        IDLE_CONNECTIONS + " idle connections: heap after GC per connection (bytes)",
        IDLE_CONNECTIONS + " idle connections: RSS per connection (bytes)",
    };
    /** For each of {@link #ROWS}: whether a higher value is the better one (rates) or a lower one (latency, memory). */
    static final boolean[] HIGHER_IS_BETTER = {true, false, false, true, true, true, false, false};

    public static void main(String[] args) throws Exception {
        double seconds = 5;
        int rounds = 4;
        int warmUpRounds = 1;
        int maxWarmUpRounds = -1;
        Path logs = Path.of("benchmarks/target/load-logs");
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warm-up-rounds" -> warmUpRounds = Integer.parseInt(args[++i]);
                case "--max-warm-up-rounds" -> maxWarmUpRounds = Integer.parseInt(args[++i]);
                case "--log" -> logs = Path.of(args[++i]);
                default -> {
                    String[] parts = args[i].split("=", 3);
                    if (parts.length != 3) {
                        throw new IllegalArgumentException("expected name=container=classpath, got " + args[i]);
                    }
                    servers.add(new Server(parts[0], parts[1], parts[2]));
                }
            }
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("expected at least one name=container=classpath server");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("expected at least one round, got " + rounds);
        }
        if (maxWarmUpRounds < 0) {
            maxWarmUpRounds = Math.max(warmUpRounds, DEFAULT_MAX_WARM_UP_ROUNDS);
        }
        if (warmUpRounds < 0 || maxWarmUpRounds < warmUpRounds) {
            throw new IllegalArgumentException("expected 0 <= --warm-up-rounds <= --max-warm-up-rounds, got "
                    + warmUpRounds + " and " + maxWarmUpRounds);
        }
        java.nio.file.Files.createDirectories(logs);
        new LoadRun(seconds, logs).run(servers, warmUpRounds, maxWarmUpRounds, rounds, System.out);
    }

    private void run(List<Server> servers, int warmUpRounds, int maxWarmUpRounds, int rounds, PrintStream out)
            throws Exception {
        Map<String, LoadTable.Result> results = new LinkedHashMap<>();
        Map<String, WarmUp.Outcome> warmedUp = new LinkedHashMap<>();
        Map<String, ServerProcess> running = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        try {
            for (Server server : servers) {
                results.put(server.name(), LoadTable.Result.empty(server.name()));
                try {
                    running.put(server.name(), ServerProcess.start(server, logs));
                } catch (Exception e) {
                    // One server that cannot be measured must not hide the others' numbers.
                    failures.add(server.name() + ": " + e);
                }
            }
            // Memory first, on fresh servers: after the load rows the heap's pages are resident already.
            if (runs("memory")) {
                for (ServerProcess server : taking(running.values(), "memory")) {
                    measure(server, failures, () -> {
                        double[] memory = idleMemory(server);
                        record(results, server, 6, memory[0]);
                        record(results, server, 7, memory[1]);
                    });
                }
            }
            for (String group : List.of("one", "many", "large", "handshakes")) {
                if (!runs(group)) {
                    continue;
                }
                List<ServerProcess> taking = taking(running.values(), group);
                WarmUp warmUp = new WarmUp(warmUpRounds, maxWarmUpRounds);
                while (warmUp.wantsAnother()) {
                    Map<String, Double> cost = new LinkedHashMap<>();
                    for (ServerProcess server : order(taking, warmUp.rounds())) {
                        System.err.println("== " + group + ", warm-up round " + (warmUp.rounds() + 1) + ": "
                                + server.server().name());
                        measure(server, failures, () -> measureGroup(group, server, scratch(running.keySet())));
                        cost.put(server.server().name(), lastCpuPerOperation);
                    }
                    warmUp.record(cost);
                }
                warmedUp.put(group, warmUp.outcome());
                for (int round = 0; round < rounds; round++) {
                    for (ServerProcess server : order(taking, round)) {
                        System.err.println("== " + group + ", round " + (round + 1) + ": " + server.server().name());
                        measure(server, failures, () -> measureGroup(group, server, results));
                    }
                }
            }
        } finally {
            for (ServerProcess server : running.values()) {
                server.close();
            }
        }
        LoadTable.print(new ArrayList<>(results.values()), warmedUp, rounds, out);
        for (String failure : failures) {
            out.println("NOT MEASURED " + failure);
        }
    }

    private static List<ServerProcess> taking(Iterable<ServerProcess> running, String group) {
        List<ServerProcess> taking = new ArrayList<>();
        for (ServerProcess server : running) {
            if (server.server().measures(group)) {
                taking.add(server);
            }
        }
        return taking;
    }

    /** Where a warm-up round's figures go: an empty result for every server, dropped afterwards. */
    private static Map<String, LoadTable.Result> scratch(Iterable<String> names) {
        Map<String, LoadTable.Result> scratch = new LinkedHashMap<>();
        for (String name : names) {
            scratch.put(name, LoadTable.Result.empty(name));
        }
        return scratch;
    }

    /**
     * The order in which {@code round} visits {@code servers}: rotated by one place a round, so over as many rounds as
     * there are servers each one comes at every position once.
     */
    static <T> List<T> order(List<T> servers, int round) {
        List<T> rotated = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++) {
            rotated.add(servers.get((i + round) % servers.size()));
        }
        return rotated;
    }

    private interface Measurement {
        void run() throws Exception;
    }

    private void measure(ServerProcess server, List<String> failures, Measurement measurement) {
        measured = server;
        lastCpuPerOperation = Double.NaN;
        try {
            measurement.run();
        } catch (Exception e) {
            failures.add(server.server().name() + ": " + e);
        }
    }

    private void measureGroup(String group, ServerProcess server, Map<String, LoadTable.Result> results)
            throws Exception {
        int port = server.port();
        switch (group) {
            case "one" -> {
                double[] latency = oneConnection(port);
                for (int row = 0; row < 3; row++) {
                    record(results, server, row, latency[row]);
                }
            }
            case "many" -> record(results, server, 3, manyConnections(port));
            case "large" -> record(results, server, 4, largeMessages(port));
            case "handshakes" -> record(results, server, 5, handshakes(port));
            default -> throw new IllegalArgumentException("expected a row group, got " + group);
        }
    }

    private static void record(Map<String, LoadTable.Result> results, ServerProcess server, int row, double value) {
        results.get(server.server().name()).rounds().get(row).add(value);
    }

    /**
     * Whether to measure a group of rows: all of them unless the system property {@code load.rows} names some
     * ({@code memory}, {@code one}, {@code many}, {@code large}, {@code handshakes}, comma separated), for example to
     * profile one row; rows not measured print as NaN.
     */
    private static boolean runs(String group) {
        String only = System.getProperty("load.rows", "").trim();
        return only.isEmpty() || Arrays.asList(only.split(",")).contains(group);
    }

    private long warmUpNanos() {
        return (long) (Math.min(seconds, 2) * 1e9);
    }

    private long measureNanos() {
        return (long) (seconds * 1e9);
    }

    /** Round trips of one 64-byte message on one connection: [round trips/s, p50 us, p99 us]. */
    private double[] oneConnection(int port) throws IOException {
        byte[] payload = payload(SMALL, 1);
        long[] samples = new long[MAX_LATENCY_SAMPLES];
        int count = 0;
        try (WireClient client = WireClient.connect(port, "/echo", 11)) {
            long warmUpEnd = System.nanoTime() + warmUpNanos();
            while (System.nanoTime() < warmUpEnd) {
                roundTrip(client, payload);
            }
            long cpuBefore = measured.cpuNanos();
            long[] switchesBefore = measured.contextSwitches();
            long start = System.nanoTime();
            long end = start + measureNanos();
            long now = start;
            while (now < end && count < samples.length) {
                roundTrip(client, payload);
                long after = System.nanoTime();
                samples[count++] = after - now;
                now = after;
            }
            long cpu = measured.cpuNanos() - cpuBefore;
            long[] switchesAfter = measured.contextSwitches();
            long blocked = switchesAfter[0] - switchesBefore[0];
            long preempted = switchesAfter[1] - switchesBefore[1];
            double rate = count / ((now - start) / 1e9);
            lastCpuPerOperation = cpu / 1e3 / Math.max(1, count);
            Arrays.sort(samples, 0, count);
            if (Boolean.getBoolean("load.percentiles")) { // for diagnosis: where the fast and slow round trips part
                StringBuilder line = new StringBuilder("  latency (us):");
                for (double q : new double[] {0.1, 0.25, 0.5, 0.75, 0.8, 0.9, 0.95, 0.99, 0.999}) {
                    line.append(String.format(Locale.ROOT, " p%s %.1f", q * 100, samples[(int) (count * q)] / 1e3));
                }
                System.err.println(line);
            }
            System.err.printf(Locale.ROOT, "  round trips: %d in %.1f s; server CPU %.2f us, %.2f thread switches each"
                    + " (%.2f blocked, %.2f preempted)%n", count, (now - start) / 1e9, cpu / 1e3 / count,
                    (double) (blocked + preempted) / count, (double) blocked / count, (double) preempted / count);
            return new double[] {rate, samples[count / 2] / 1e3, samples[(int) (count * 0.99)] / 1e3};
        }
    }

    private static void roundTrip(WireClient client, byte[] payload) throws IOException {
        client.sendBinary(payload, payload.length);
        client.flush();
        if (client.readMessage() != payload.length) {
            throw new IOException("expected an echo of " + payload.length + " bytes");
        }
    }

    /** 64 connections, each keeping 16 messages of 64 bytes in flight: echoes per second. */
    private double manyConnections(int port) throws Exception {
        byte[] payload = payload(SMALL, 2);
        return timed(CONNECTIONS, 1, "each", (c, stop, echoes) -> {
            try (WireClient client = WireClient.connect(port, "/echo", 100 + c)) {
                for (int i = 0; i < IN_FLIGHT; i++) {
                    client.sendBinary(payload, payload.length);
                }
                client.flush();
                int outstanding = IN_FLIGHT;
                while (outstanding > 0) {
                    client.readMessage();
                    echoes.increment();
                    outstanding--;
                    if (!stop.get()) {
                        client.sendBinary(payload, payload.length);
                        client.flush();
                        outstanding++;
                    }
                }
            }
        });
    }

    /** One client thread of a timed row: works until {@code stop} is set, counting what it did in {@code counter}. */
    private interface Worker {
        void run(int index, AtomicBoolean stop, LongAdder counter) throws Exception;
    }

    /**
     * Runs {@code workers} copies of {@code worker}, each on a thread of its own (numbered from 0), counts their work
     * over the measured window ({@link #window(LongAdder, long, String)}), then stops them and waits for each to end.
     *
     * @return the count per second over the window
     */
    private double timed(int workers, long unit, String unitName, Worker worker) throws Exception {
        LongAdder counter = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                int index = i;
                work.add(threads.submit(() -> {
                    worker.run(index, stop, counter);
                    return null;
                }));
            }
            double rate = window(counter, unit, unitName);
            stop.set(true);
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
            return rate;
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Waits out the warm-up, then counts {@code counter}'s increments over the measured window, per second, printing
     * the server's CPU time per {@code unit} counts of the counter (for a counter of bytes, per MiB), named
     * {@code unitName}.
     */
    private double window(LongAdder counter, long unit, String unitName) throws InterruptedException {
        Thread.sleep(warmUpNanos() / 1_000_000);
        long before = counter.sum();
        long cpuBefore = measured.cpuNanos();
        long start = System.nanoTime();
        Thread.sleep(measureNanos() / 1_000_000);
        long after = counter.sum();
        long cpu = measured.cpuNanos() - cpuBefore;
        double elapsed = (System.nanoTime() - start) / 1e9;
        lastCpuPerOperation = cpu / 1e3 / Math.max(1, after - before);
        System.err.printf(Locale.ROOT, "  %d in %.1f s; server CPU %.3f us %s%n", after - before, elapsed,
                lastCpuPerOperation * unit, unitName);
        return (after - before) / elapsed;
    }

    /** 1 MiB binary messages echoed one at a time on one connection: MB (10^6 bytes) echoed per second. */
    private double largeMessages(int port) throws Exception {
        byte[] payload = payload(LARGE, 3);
        return timed(1, 1 << 20, "per MiB", (i, stop, bytes) -> {
            try (WireClient client = WireClient.connect(port, "/echo", 12)) {
                while (!stop.get()) {
                    client.sendBinary(payload, payload.length);
                    client.flush();
                    bytes.add(client.readMessage());
                }
            }
        }) / 1e6;
    }

    /** Opening handshake, then the closing handshake, over and over from 4 threads: handshakes per second. */
    private double handshakes(int port) throws Exception {
        return timed(HANDSHAKE_THREADS, 1, "each", (t, stop, done) -> {
            long seed = 1000L * t;
            for (long n = 0; !stop.get() && n < 200_000; n++) {
                WireClient.connect(port, "/echo", seed + n).closeHandshake();
                done.increment();
            }
        });
    }

    /** Heap after GC and RSS of the server, before and with 2,000 idle connections: [heap, RSS] bytes each. */
    private double[] idleMemory(ServerProcess server) throws Exception {
        int port = server.port();
        long[] before = server.memory();
        List<WireClient> idle = new ArrayList<>(IDLE_CONNECTIONS);
        try {
            ExecutorService threads = Executors.newFixedThreadPool(HANDSHAKE_THREADS);
            try {
                List<Future<WireClient>> opening = new ArrayList<>();
                for (int i = 0; i < IDLE_CONNECTIONS; i++) {
                    long seed = 50_000 + i;
                    opening.add(threads.submit(() -> WireClient.connect(port, "/echo", seed)));
                }
                for (Future<WireClient> f : opening) {
                    idle.add(f.get(60, TimeUnit.SECONDS));
                }
            } finally {
                threads.shutdownNow();
            }
            Thread.sleep(1000);
            long[] after = server.memory();
            System.err.printf(Locale.ROOT, "  heap %d -> %d, RSS kB %d -> %d%n", before[0], after[0], before[1],
                    after[1]);
            return new double[] {(after[0] - before[0]) / (double) IDLE_CONNECTIONS,
                (after[1] - before[1]) * 1024.0 / IDLE_CONNECTIONS};
        } finally {
            for (WireClient client : idle) {
                client.close();
            }
        }
    }

    private static byte[] payload(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
