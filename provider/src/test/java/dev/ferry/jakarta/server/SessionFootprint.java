package dev.ferry.jakarta.server;

import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.jakarta.JakartaSession;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.transport.ExecutorScheduler;
import dev.ferry.transport.Transport;
import dev.ferry.transport.TransportListener;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * Not a test: a measuring tool for what a server session costs in memory, run by hand (see the main method's
 * Javadoc). The server side only: each connection goes through {@link JakartaServerContainer#upgrade} with a canned
 * request, then {@link UpgradeResult.Accepted#openOnTransportThread} over a scripted transport whose "client" bytes
 * (a masked text message and a masked Close) arrive together once the server first asks to read, as the load
 * run's handshake row sends them.
 * Everything the server allocates is counted, on every thread ({@code ThreadMXBean#getThreadAllocatedBytes}), so the
 * figure does not depend on how busy the machine is.
 */
public final class SessionFootprint {

    private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};
    private static final byte[] TEXT_AND_CLOSE = concat(frame(0x81, "hello".getBytes()),
            frame(0x88, new byte[] {0x03, (byte) 0xE8}));

    /** The load run's echo endpoint, restated here (the provider cannot see the benchmarks module). */
    @ServerEndpoint("/echo")
    public static final class Echo {
        @OnOpen
        public void onOpen(Session session) {
            session.setMaxBinaryMessageBufferSize(2 << 20);
            session.setMaxTextMessageBufferSize(2 << 20);
        }

        @OnMessage(maxMessageSize = 2 << 20)
        public void onText(String message, Session session) throws IOException {
            session.getBasicRemote().sendText(message);
        }

        @OnMessage(maxMessageSize = 2 << 20)
        public void onBinary(ByteBuffer message, Session session) throws IOException {
            session.getBasicRemote().sendBinary(message);
        }
    }

    /**
     * Usage: {@code java -cp ... dev.ferry.jakarta.server.SessionFootprint [lifecycles] [idle] [histogram]}.
     * Prints the bytes allocated per session lifecycle (upgrade, open, one echo, close handshake) split into the
     * upgrade and the rest, and the heap retained per idle open session (heap after full GCs with {@code idle}
     * sessions open, minus before, divided). With {@code histogram}, also the top classes of both (live-object
     * histograms through the DiagnosticCommand MBean; for allocation, run with a young generation big enough that
     * no GC happens during the lifecycles, e.g. {@code -Xmn2g}, and {@code -all} histograms are compared).
     */
    public static void main(String[] args) throws Exception {
        int lifecycles = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int idle = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        boolean histogram = args.length > 2 && args[2].equals("histogram");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ExecutorService io = Executors.newFixedThreadPool(2);
        ExecutorScheduler scheduler = new ExecutorScheduler("footprint");
        JakartaServerContainer container = new JakartaServerContainer(new InstalledExtensions(), () -> null, pool,
                scheduler);
        container.addEndpoint(Echo.class);
        List<HttpHeader> headers = List.of(
                new HttpHeader("Host", "127.0.0.1"),
                new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "Upgrade"),
                new HttpHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                new HttpHeader("Sec-WebSocket-Version", "13"));

        // Warm up, then measure the lifecycles.
        for (int i = 0; i < lifecycles; i++) {
            lifecycle(container, headers, io, null);
        }
        long[] split = new long[2];
        String before = histogram ? histogram(true) : null;
        long start = allocatedEverywhere();
        for (int i = 0; i < lifecycles; i++) {
            lifecycle(container, headers, io, split);
        }
        long total = allocatedEverywhere() - start;
        String after = histogram ? histogram(true) : null;
        System.out.printf("lifecycle (upgrade+open+echo+close): %,d bytes allocated per session%n",
                total / lifecycles);
        System.out.printf("  upgrade (handle, handshake, endpoint instance), main thread: %,d%n",
                split[0] / lifecycles);
        System.out.printf("  openOnTransportThread (JakartaSession.open, onOpen), main thread: %,d%n",
                split[1] / lifecycles);
        System.out.printf("  the rest (echo, close; I/O and pool threads): %,d%n",
                (total - split[0] - split[1]) / lifecycles);
        if (histogram) {
            System.out.println("allocated per lifecycle, by class:");
            diff(before, after, lifecycles);
        }

        // Idle sessions: opened, nothing to read.
        List<Scripted> open = new ArrayList<>();
        settle();
        long heapBefore = usedAfterGc();
        String liveBefore = histogram ? histogram(false) : null;
        for (int i = 0; i < idle; i++) {
            Scripted transport = new Scripted(io, new byte[0]);
            accept(container, headers).openOnTransportThread(transport);
            open.add(transport);
        }
        settle();
        long heapAfter = usedAfterGc();
        String liveAfter = histogram ? histogram(false) : null;
        System.out.printf("idle open session: %,d bytes retained each (%d sessions, scripted transport included:"
                + " %d bytes each)%n", (heapAfter - heapBefore) / idle, idle, Scripted.SHALLOW);
        if (histogram) {
            System.out.println("retained per idle session, by class:");
            diff(liveBefore, liveAfter, idle);
        }
        for (Scripted transport : open) {
            transport.endOfStream();
        }
        for (Scripted transport : open) {
            transport.closed.await(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        io.shutdown();
        scheduler.shutdown();
        System.exit(0);
    }

    private static UpgradeResult.Accepted accept(JakartaServerContainer container, List<HttpHeader> headers) {
        UpgradeResult result = container.upgrade(UpgradeRequest.get(URI.create("/echo")).headers(headers).build());
        return (UpgradeResult.Accepted) result;
    }

    private static void lifecycle(JakartaServerContainer container, List<HttpHeader> headers, ExecutorService io,
                                  long[] split) throws InterruptedException {
        long a = split == null ? 0 : allocatedHere();
        UpgradeResult.Accepted accepted = accept(container, headers);
        long b = split == null ? 0 : allocatedHere();
        Scripted transport = new Scripted(io, TEXT_AND_CLOSE);
        accepted.openOnTransportThread(transport);
        if (split != null) {
            long c = allocatedHere();
            split[0] += b - a;
            split[1] += c - b;
        }
        if (!transport.closed.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the session did not end");
        }
    }

    /** A transport whose peer's bytes all arrive at the first demand for them; what the server writes is dropped. */
    private static final class Scripted implements Transport {
        /** Rough shallow size of this object, its latch and its input wrapper, to subtract mentally. */
        static final int SHALLOW = 150;
        private final ExecutorService io;
        private final ByteBuffer input;
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile TransportListener listener;
        private volatile boolean eof;
        private boolean readDemanded;
        /** The peer's bytes arrive once the server first asks for them, as after a real 101 response. */
        private boolean arrived;

        Scripted(ExecutorService io, byte[] input) {
            this.io = io;
            this.input = ByteBuffer.wrap(input);
        }

        @Override
        public void start(TransportListener listener) {
            this.listener = listener;
        }

        @Override
        public synchronized int read(ByteBuffer dst) {
            if (!arrived || !input.hasRemaining()) {
                return eof ? -1 : 0;
            }
            int n = Math.min(dst.remaining(), input.remaining());
            dst.put(input.slice(input.position(), n));
            input.position(input.position() + n);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            long total = 0;
            for (ByteBuffer src : srcs) {
                total += src.remaining();
                src.position(src.limit());
            }
            return total;
        }

        @Override
        public void demandRead() {
            synchronized (this) {
                arrived = true;
                if (!input.hasRemaining() && !eof) {
                    readDemanded = true;
                    return;
                }
            }
            io.execute(() -> listener.onReadable());
        }

        void endOfStream() {
            boolean fire;
            synchronized (this) {
                eof = true;
                fire = readDemanded;
                readDemanded = false;
            }
            if (fire) {
                io.execute(() -> listener.onReadable());
            }
        }

        @Override
        public void demandWrite() {
            io.execute(() -> listener.onWritable());
        }

        @Override
        public void close() {
            closed.countDown();
        }

        @Override
        public boolean isSecure() {
            return false;
        }
    }

    private static byte[] frame(int first, byte[] payload) {
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) first;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(MASK, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ MASK[i & 3]);
        }
        return frame;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static long allocatedHere() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static long allocatedEverywhere() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(500); // lets the I/O threads finish the last callbacks before the heap is read
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            Runtime runtime = Runtime.getRuntime();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    private static String histogram(boolean all) throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {all ? new String[] {"-all"} : new String[0]}, new String[] {String[].class.getName()});
    }

    /** Prints the classes whose byte totals grew most between two histograms, per {@code count}. */
    private static void diff(String before, String after, int count) {
        java.util.Map<String, long[]> was = parse(before);
        java.util.Map<String, long[]> now = parse(after);
        List<java.util.Map.Entry<String, long[]>> grown = new ArrayList<>();
        now.forEach((name, v) -> {
            long[] old = was.getOrDefault(name, new long[2]);
            grown.add(java.util.Map.entry(name, new long[] {v[0] - old[0], v[1] - old[1]}));
        });
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        for (var entry : grown.subList(0, Math.min(40, grown.size()))) {
            System.out.printf("  %8.2f objects %9.1f bytes  %s%n", entry.getValue()[0] / (double) count,
                    entry.getValue()[1] / (double) count, entry.getKey());
        }
    }

    private static java.util.Map<String, long[]> parse(String histogram) {
        java.util.Map<String, long[]> classes = new java.util.HashMap<>();
        for (String line : histogram.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 4 && parts[0].endsWith(":")) {
                classes.put(parts[3], new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
            }
        }
        return classes;
    }
}
