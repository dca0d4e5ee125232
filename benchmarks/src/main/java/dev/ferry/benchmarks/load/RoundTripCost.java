package dev.ferry.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * What one round trip of the load run's one-connection row (a 64-byte binary message sent, its echo awaited, one
 * message in flight) costs the server, counted rather than timed, for a machine shared with other work (run by hand,
 * not part of the load run). The server runs in this JVM; one client thread drives one {@link WireClient}. After a
 * warm-up, each round makes {@code n} round trips and charges the server, per round trip:
 * <ul>
 *   <li>the CPU time and the bytes allocated by its Java threads ({@code com.sun.management.ThreadMXBean}), every
 *       thread but the client's and the main thread;</li>
 *   <li>the context switches of each of its threads ({@code voluntary_ctxt_switches}: the thread blocked, so something
 *       had to wake it; {@code nonvoluntary_ctxt_switches}: it was preempted), and how many times each was scheduled
 *       in ({@code /proc/self/task/<tid>/schedstat}), from {@code /proc/self/task}, grouped by thread name with the
 *       digits taken out (names come from a thread dump, so a Tomcat thread is not cut to the kernel's 15
 *       characters); JVM threads (GC, compiler) are listed on their own, outside the server's total;</li>
 *   <li>how many of its threads ran at all during the round;</li>
 *   <li>apart, the CPU time of the JVM's garbage collection threads (and its VM thread), from {@code schedstat}: what
 *       the server's allocation costs shows up there (the client's too, which allocates little).</li>
 * </ul>
 * A voluntary switch of a server thread per round trip is one wake-up the round trip waited for (or a thread woken
 * that it did not need): on a machine whose cores the client shares, that is what one-connection latency is made
 * of, more than CPU time. Counts and CPU time barely depend on other processes' load (their timing does), so builds
 * can be compared on a busy machine by alternating runs. Prints the median round's figures and each thread group's
 * median per round trip.
 *
 * <pre>
 * java -cp &lt;the class path of one server in run-load.sh, with benchmarks/target/classes&gt; \
 *     dev.ferry.benchmarks.load.RoundTripCost [warm-up round trips] [round trips per round] [rounds] [jetty|tomcat] \
 *     [message bytes]
 * </pre>
 * With a message size of 1048576 (and fewer round trips, say 300 / 200 / 7) it counts the 1 MiB row's echo instead:
 * server CPU and allocation per MiB echoed.
 */
public final class RoundTripCost {

    /** The one-connection row's message size; the fifth argument overrides it (1048576: the 1 MiB row). */
    private static final int PAYLOAD = 64;
    private static final Pattern DUMP_THREAD = Pattern.compile("^\"(.*)\" .*nid=0x([0-9a-f]+)", Pattern.MULTILINE);
    /** Threads of the JVM itself, not of the server: reported apart. */
    private static final Pattern JVM_THREAD = Pattern.compile(
            "GC Thread|G1 |C1 Compiler|C2 Compiler|VM Thread|VM Periodic|Service Thread|Monitor Deflation"
                    + "|Signal Dispatcher|Finalizer|Reference Handler|Common-Cleaner|Notification Thread"
                    + "|Sweeper|Attach Listener|JFR |Java2D|process reaper");

    /** The JVM threads that collect garbage (and the VM thread, which runs the pauses). */
    private static final Pattern GC_THREAD = Pattern.compile("GC Thread|G1 |VM Thread");

    private RoundTripCost() {
    }

    /**
     * One thread's counters from {@code /proc}: voluntary and involuntary switches, times scheduled in, nanoseconds on
     * a CPU.
     */
    private record Task(long voluntary, long involuntary, long scheduled, long runNanos) { }

    public static void main(String[] args) throws Exception {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        String container = args.length > 3 ? args[3] : "jetty";
        int size = args.length > 4 ? Integer.parseInt(args[4]) : PAYLOAD;
        LoadServer.Host host = InProcessServer.start(container);
        long mainTid = nativeTid();
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        Client client = new Client(host.port(), payload);
        client.run(warmUp);

        double[] cpu = new double[rounds];
        double[] allocated = new double[rounds];
        double[] voluntary = new double[rounds];
        double[] involuntary = new double[rounds];
        double[] scheduled = new double[rounds];
        double[] ran = new double[rounds];
        double[] jvmCpu = new double[rounds];
        Map<String, double[]> voluntaryByGroup = new TreeMap<>();
        Map<String, double[]> scheduledByGroup = new TreeMap<>();
        Map<String, double[]> threadsByGroup = new TreeMap<>();
        for (int r = 0; r < rounds; r++) {
            Set<Long> clientThreads = Set.of(client.javaId(), Thread.currentThread().getId());
            Map<Long, long[]> javaBefore = InProcessServer.snapshot(clientThreads);
            Map<Long, Task> before = tasks();
            client.run(perRound);
            Map<Long, Task> after = tasks();
            long[] spent = InProcessServer.spent(javaBefore, InProcessServer.snapshot(clientThreads));
            Map<Long, String> names = threadNames();
            cpu[r] = spent[0] / 1_000.0 / perRound;
            allocated[r] = spent[1] / (double) perRound;
            Map<String, long[]> groups = new HashMap<>(); // voluntary, scheduled, threads that ran
            for (Map.Entry<Long, Task> task : after.entrySet()) {
                long tid = task.getKey();
                if (tid == mainTid || tid == client.nativeTid()) {
                    continue;
                }
                Task start = before.getOrDefault(tid, new Task(0, 0, 0, 0));
                Task end = task.getValue();
                long v = end.voluntary() - start.voluntary();
                long s = end.scheduled() - start.scheduled();
                String name = names.getOrDefault(tid, comm(tid));
                boolean jvm = JVM_THREAD.matcher(name).lookingAt();
                String group = (jvm ? "jvm: " : "") + name.replaceAll("[0-9]+", "#");
                long[] sums = groups.computeIfAbsent(group, g -> new long[3]);
                sums[0] += v;
                sums[1] += s;
                sums[2] += s > 0 ? 1 : 0;
                if (jvm) {
                    if (GC_THREAD.matcher(name).lookingAt()) {
                        jvmCpu[r] += end.runNanos() - start.runNanos();
                    }
                } else {
                    voluntary[r] += v;
                    involuntary[r] += end.involuntary() - start.involuntary();
                    scheduled[r] += s;
                    ran[r] += s > 0 ? 1 : 0;
                }
            }
            voluntary[r] /= perRound;
            jvmCpu[r] /= 1_000.0 * perRound;
            involuntary[r] /= perRound;
            scheduled[r] /= perRound;
            for (Map.Entry<String, long[]> group : groups.entrySet()) {
                if (group.getValue()[1] == 0) {
                    continue;
                }
                voluntaryByGroup.computeIfAbsent(group.getKey(), g -> new double[rounds])[r] =
                        group.getValue()[0] / (double) perRound;
                scheduledByGroup.computeIfAbsent(group.getKey(), g -> new double[rounds])[r] =
                        group.getValue()[1] / (double) perRound;
                threadsByGroup.computeIfAbsent(group.getKey(), g -> new double[rounds])[r] = group.getValue()[2];
            }
        }
        client.close();
        System.out.printf(Locale.ROOT, "%s, %d rounds of %d round trips of %d B; per round trip, median round:%n",
                container, rounds, perRound, size);
        System.out.printf(Locale.ROOT, "  server CPU %.2f us, allocated %.0f B, voluntary switches %.3f,"
                        + " involuntary %.3f, scheduled in %.3f; server threads that ran %.0f%n",
                median(cpu), median(allocated), median(voluntary), median(involuntary), median(scheduled),
                median(ran));
        System.out.printf(Locale.ROOT, "  garbage collection threads (/proc schedstat) CPU %.2f us%n", median(jvmCpu));
        System.out.printf(Locale.ROOT, "  (CPU per round: %s)%n", Arrays.toString(round(cpu)));
        System.out.printf(Locale.ROOT, "  (voluntary switches per round: %s)%n", Arrays.toString(round(voluntary)));
        System.out.println("  by thread group (median per round trip: voluntary switches, scheduled in; threads"
                + " that ran):");
        for (String group : voluntaryByGroup.keySet()) {
            System.out.printf(Locale.ROOT, "    %-40s %.3f  %.3f  %.0f%n", group, median(voluntaryByGroup.get(group)),
                    median(scheduledByGroup.get(group)), median(threadsByGroup.get(group)));
        }
        host.close();
        System.exit(0);
    }

    /** The client: one connection, driven on a thread of its own whose native id is known. */
    private static final class Client implements AutoCloseable {
        private final WireClient connection;
        private final byte[] payload;
        private final Thread thread;
        private volatile long nativeTid;
        private volatile Throwable failure;
        private final java.util.concurrent.SynchronousQueue<Integer> requests =
                new java.util.concurrent.SynchronousQueue<>();
        private final java.util.concurrent.SynchronousQueue<Boolean> done =
                new java.util.concurrent.SynchronousQueue<>();

        Client(int port, byte[] payload) throws IOException {
            this.connection = WireClient.connect(port, "/echo", 11);
            this.payload = payload;
            this.thread = new Thread(this::serve, "round-trip-client");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve() {
            try {
                nativeTid = RoundTripCost.nativeTid();
                while (true) {
                    int count = requests.take();
                    if (count < 0) {
                        return;
                    }
                    for (int i = 0; i < count; i++) {
                        connection.sendBinary(payload, payload.length);
                        connection.flush();
                        if (connection.readMessage() != payload.length) {
                            throw new IOException("expected an echo of " + payload.length + " bytes");
                        }
                    }
                    done.put(true);
                }
            } catch (Throwable t) {
                failure = t;
                done.offer(false);
            }
        }

        /** Makes {@code count} round trips on the client thread and waits for them (at most 10 minutes). */
        void run(int count) throws Exception {
            requests.put(count);
            Boolean ok = done.poll(10, java.util.concurrent.TimeUnit.MINUTES);
            if (!Boolean.TRUE.equals(ok)) {
                throw new IllegalStateException("expected " + count + " round trips, the client failed or hung",
                        failure);
            }
        }

        long javaId() {
            return thread.getId();
        }

        long nativeTid() {
            return nativeTid;
        }

        @Override
        public void close() throws Exception {
            requests.put(-1);
            thread.join(10_000);
            connection.closeHandshake();
        }
    }

    /** The calling thread's kernel thread id, from {@code /proc/thread-self} ({@code <pid>/task/<tid>}). */
    private static long nativeTid() throws IOException {
        return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    }

    /** CPU nanoseconds and allocated bytes of every live Java thread but the client's and this one. */
    /** Every thread of this process, by kernel thread id. A thread that ends while being read is left out. */
    private static Map<Long, Task> tasks() throws IOException {
        Map<Long, Task> tasks = new HashMap<>();
        try (var dirs = Files.list(Path.of("/proc/self/task"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                try {
                    long voluntary = 0;
                    long involuntary = 0;
                    for (String line : Files.readAllLines(dir.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    String[] schedstat = Files.readString(dir.resolve("schedstat")).trim().split(" ");
                    tasks.put(Long.parseLong(dir.getFileName().toString()),
                            new Task(voluntary, involuntary, Long.parseLong(schedstat[2]),
                                    Long.parseLong(schedstat[0])));
                } catch (NoSuchFileException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return tasks;
    }

    /** Thread names by kernel thread id, from a thread dump of this JVM (its {@code nid}s), with JVM threads. */
    private static Map<Long, String> threadNames() throws Exception {
        String dump = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "threadPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<Long, String> names = new HashMap<>();
        Matcher matcher = DUMP_THREAD.matcher(dump);
        while (matcher.find()) {
            names.put(Long.parseLong(matcher.group(2), 16), matcher.group(1));
        }
        return names;
    }

    /** The kernel's name of a thread (at most 15 characters), for a thread the dump did not list. */
    private static String comm(long tid) {
        try {
            return Files.readString(Path.of("/proc/self/task/" + tid + "/comm")).trim();
        } catch (IOException ended) {
            return "?";
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double[] round(double[] values) {
        double[] rounded = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = Math.round(values[i] * 1000) / 1000.0;
        }
        return rounded;
    }
}
