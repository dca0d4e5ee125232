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
 * java -cp target/benchmarks.jar dev.ferry.benchmarks.CpuTimeProbe locks      # LockVariantsBenchmark
 * java -cp target/benchmarks.jar dev.ferry.benchmarks.CpuTimeProbe idle       # IdleWakeBenchmark
 * </pre>
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
        boolean deflate = args.length > 1 && args[1].equals("deflate");
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
        if (what.equals("locks")) {
            System.out.println("| path | role | ReentrantLock ns | monitor ns | HandleLock ns | no lock ns |");
            System.out.println("|---|---|---:|---:|---:|---:|");
            for (String path : List.of("SEND", "RECEIVE")) {
                for (String role : List.of("SERVER", "CLIENT")) {
                    LockVariantsBenchmark b = new LockVariantsBenchmark();
                    b.path = path;
                    b.role = role;
                    b.setUp();
                    Map<String, LongSupplier> variants = new LinkedHashMap<>();
                    variants.put("reentrantLock", b::reentrantLock);
                    variants.put("monitor", b::monitor);
                    variants.put("handleLock", b::handleLock);
                    variants.put("none", b::none);
                    double[] ns = measure(variants);
                    b.tearDown();
                    System.out.printf("| %s | %s | %.1f | %.1f | %.1f | %.1f |%n", path, role, ns[0], ns[1], ns[2], ns[3]);
                }
            }
            return;
        }
        System.out.println("| benchmark | role | size | Ferry ns/op | Jetty ns/op | Ferry / Jetty (throughput) "
                + "| Ferry without lock ns/op | Ferry unfused ns/op | unfused / Jetty |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|");
        for (String benchmark : List.of("MessageReceiveBenchmark", "MessageSendBenchmark")) {
            for (String role : List.of("SERVER", "CLIENT")) {
                for (int size : List.of(64, 65536)) {
                    Map<String, LongSupplier> variants = new LinkedHashMap<>();
                    Runnable tearDown;
                    if (benchmark.equals("MessageReceiveBenchmark")) {
                        MessageReceiveBenchmark b = new MessageReceiveBenchmark();
                        b.role = role;
                        b.size = size;
                        b.deflate = deflate;
                        b.setUp();
                        variants.put("ferry", b::ferry);
                        variants.put("jetty", b::jetty);
                        variants.put("ferryUnlocked", b::ferryUnlocked);
                        variants.put("ferryUnfused", b::ferryUnfused);
                        tearDown = b::tearDown;
                    } else {
                        MessageSendBenchmark b = new MessageSendBenchmark();
                        b.role = role;
                        b.size = size;
                        b.deflate = deflate;
                        b.setUp();
                        variants.put("ferry", b::ferry);
                        variants.put("jetty", b::jetty);
                        variants.put("ferryUnlocked", b::ferryUnlocked);
                        variants.put("ferryUnfused", b::ferryUnfused);
                        tearDown = b::tearDown;
                    }
                    double[] ns = measure(variants);
                    tearDown.run();
                    System.out.printf("| %s | %s | %d | %.1f | %.1f | **%.2f** | %.1f | %.1f | %.2f |%n", benchmark,
                            role, size, ns[0], ns[1], ns[1] / ns[0], ns[2], ns[3], ns[1] / ns[3]);
                }
            }
        }
        if (sink == 42) {
            System.out.println();
        }
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
