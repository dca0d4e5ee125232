package dev.ferry.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A companion to JMH for a machine shared with other work (not a JMH benchmark). JMH measures wall-clock
 * time, so when other processes take the CPU away its error bars get wider than the differences being
 * measured. This probe runs the same benchmark methods, on the same JMH state objects, but charges each
 * only the CPU time of its own thread ({@link ThreadMXBean#getCurrentThreadCpuTime()}); the variants of one
 * parameter set take turns in short rounds, and each keeps its best round, so time lost to other processes
 * and one-off stalls drops out. It reports nanoseconds of CPU per operation and Ferry's throughput relative
 * to Jetty's. All variants share one JVM (one JIT profile): read it next to JMH's numbers, not instead.
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.ferry.benchmarks.CpuTimeProbe messages   # the message benchmarks, no deflate
 * java -cp target/benchmarks.jar dev.ferry.benchmarks.CpuTimeProbe messages deflate   # with permessage-deflate
 * java -cp target/benchmarks.jar dev.ferry.benchmarks.CpuTimeProbe messages receive CLIENT 64   # one case (a filter)
 * java -cp target/benchmarks.jar dev.ferry.benchmarks.CpuTimeProbe idle       # IdleWakeBenchmark
 * </pre>
 *
 * <p>After {@code messages}, the words {@code receive} or {@code send}, {@code SERVER} or {@code CLIENT}, and
 * {@code 64} or {@code 65536} keep only the cases they name (any order, with or without {@code deflate}). One case
 * per JVM keeps the JIT profile that of that case alone, as in a JMH fork.
 */
public final class CpuTimeProbe {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int WARMUP_ROUNDS = 15;
    private static final int ROUNDS = 40;
    private static final long ROUND_NANOS = 10_000_000;

    private static long sink;

    private CpuTimeProbe() {
    }

    public static void main(String[] args) {
        String what = args.length == 0 ? "messages" : args[0];
        List<String> words = List.of(args).subList(Math.min(1, args.length), args.length);
        boolean deflate = words.contains("deflate");
        if (what.equals("idle")) {
            IdleWakeBenchmark b = new IdleWakeBenchmark();
            b.setUp();
            Map<String, LongSupplier> variants = new LinkedHashMap<>();
            variants.put("awake", b::awake);
            variants.put("idleThenWake", b::idleThenWake);
            double[] ns = measure(variants);
            b.tearDown();
            System.out.println("| 64 B message, server | awake ns/op | idle then wake ns/op | going idle costs ns |");
            System.out.println("|---|---:|---:|---:|");
            System.out.printf("| IdleWakeBenchmark | %.1f | %.1f | %.1f |%n", ns[0], ns[1], ns[1] - ns[0]);
            return;
        }
        System.out.println("| benchmark | role | size | Ferry ns/op | Jetty ns/op | Ferry / Jetty (throughput) "
                + "| Ferry without lock ns/op | Ferry unfused ns/op | unfused / Jetty |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|");
        for (String benchmark : only(words, List.of("MessageReceiveBenchmark", "MessageSendBenchmark"),
                List.of("receive", "send"))) {
            for (String role : only(words, List.of("SERVER", "CLIENT"), List.of("SERVER", "CLIENT"))) {
                for (int size : only(words, List.of(64, 65536), List.of("64", "65536"))) {
                    MessageBenchmark b = benchmark.equals("MessageReceiveBenchmark")
                            ? new MessageReceiveBenchmark() : new MessageSendBenchmark();
                    b.setUp(role, size, deflate);
                    Map<String, LongSupplier> variants = new LinkedHashMap<>();
                    variants.put("ferry", b::ferry);
                    variants.put("jetty", b::jetty);
                    variants.put("ferryUnlocked", b::ferryUnlocked);
                    variants.put("ferryUnfused", b::ferryUnfused);
                    double[] ns = measure(variants);
                    b.tearDown();
                    System.out.printf("| %s | %s | %d | %.1f | %.1f | **%.2f** | %.1f | %.1f | %.2f |%n", benchmark,
                            role, size, ns[0], ns[1], ns[1] / ns[0], ns[2], ns[3], ns[1] / ns[3]);
                }
            }
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    /** The values whose word is among {@code words}, or all of them when {@code words} names none. */
    private static <T> List<T> only(List<String> words, List<T> values, List<String> names) {
        List<T> kept = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (words.contains(names.get(i))) {
                kept.add(values.get(i));
            }
        }
        return kept.isEmpty() ? values : kept;
    }

    /** The best CPU nanoseconds per operation of each variant, in the map's order. */
    private static double[] measure(Map<String, LongSupplier> variants) {
        List<LongSupplier> ops = new ArrayList<>(variants.values());
        double[] best = new double[ops.size()];
        long[] perRound = new long[ops.size()];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        java.util.Arrays.fill(perRound, 1_000);
        for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
            for (int v = 0; v < ops.size(); v++) {
                LongSupplier op = ops.get(v);
                long n = perRound[v];
                long start = THREADS.getCurrentThreadCpuTime();
                for (long i = 0; i < n; i++) {
                    sink += op.getAsLong();
                }
                long spent = Math.max(1, THREADS.getCurrentThreadCpuTime() - start);
                double ns = spent / (double) n;
                perRound[v] = Math.max(1, (long) (ROUND_NANOS / ns));
                if (round >= WARMUP_ROUNDS) {
                    best[v] = Math.min(best[v], ns);
                }
            }
        }
        return best;
    }
}
