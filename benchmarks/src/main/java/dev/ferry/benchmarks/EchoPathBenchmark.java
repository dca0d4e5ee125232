package dev.ferry.benchmarks;

import dev.ferry.benchmarks.load.EchoEndpoint;
import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.jakarta.server.JakartaServerContainer;
import dev.ferry.jakarta.server.UpgradeRequest;
import dev.ferry.jakarta.server.UpgradeResult;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.transport.ExecutorScheduler;
import dev.ferry.transport.Transport;
import dev.ferry.transport.TransportListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The user-space work of the load run's one-connection round trip on the server, without a socket: one masked
 * binary message "arrives", the transport's read callback runs on the benchmark thread as a servlet container's
 * would, and the load run's {@link EchoEndpoint} echoes it through its basic remote, down to the transport's
 * {@code write}. That is the whole path between the read that brings a request and the {@code writev} of its echo:
 * the connection driver's loop, the protocol handle, the session's delivery, the annotated endpoint's invocation and
 * the blocking send (deferred until the driver's next read finds nothing, as on a real connection), then the read
 * that finds nothing and asks for the next callback. What the transport costs (a servlet container's I/O) is left
 * out: see the load run for that. One operation is one echo; each checks that the echo, and nothing else, was
 * written.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EchoPathBenchmark {

    @Param({"64"})
    public int size;

    private ExecutorService pool;
    private ExecutorScheduler scheduler;
    private JakartaServerContainer container;
    private Looped transport;
    private byte[] frame;
    private long echoBytes;

    @Setup(Level.Trial)
    public void setUp() {
        pool = Executors.newFixedThreadPool(1);
        scheduler = new ExecutorScheduler("echo-path-benchmark");
        container = new JakartaServerContainer(new InstalledExtensions(), () -> null, pool, scheduler);
        try {
            container.addEndpoint(EchoEndpoint.class);
        } catch (jakarta.websocket.DeploymentException e) {
            throw new IllegalStateException(e);
        }
        UpgradeResult result = container.upgrade(UpgradeRequest.get(URI.create("/echo")).headers(List.of(
                new HttpHeader("Host", "127.0.0.1"),
                new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "Upgrade"),
                new HttpHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                new HttpHeader("Sec-WebSocket-Version", "13"))).build());
        if (!(result instanceof UpgradeResult.Accepted accepted)) {
            throw new IllegalStateException("the upgrade was not accepted: " + result);
        }
        frame = maskedBinaryFrame(Inputs.payload(size, 4));
        echoBytes = size + (size < 126 ? 2 : 4);
        transport = new Looped();
        accepted.openOnTransportThread(transport);
        if (!transport.readDemanded) {
            throw new IllegalStateException("the session did not ask to read");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        container.shutdown();
        pool.shutdownNow();
        scheduler.shutdown();
    }

    /** One request read, one echo written; returns the bytes written (checked). */
    @Benchmark
    public long echo() {
        Looped t = transport;
        t.arrive(frame);
        t.listener.onReadable();
        long written = t.takeWritten();
        if (written != echoBytes || !t.readDemanded) {
            written += awaitEcho(t, written);
        }
        return written;
    }

    /**
     * Now and then the driver's deferred-write timer runs its loop just as a request arrives, and that thread (the
     * timer's, then the session's executor) reads and echoes it instead of the benchmark's: waits for it, up to a
     * second, as part of the operation.
     */
    private long awaitEcho(Looped t, long writtenSoFar) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long written = writtenSoFar;
        while ((written < echoBytes || !t.readDemanded) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            written += t.takeWritten();
        }
        if (written != echoBytes || !t.readDemanded) {
            throw new IllegalStateException("wrote " + written + " bytes, expected the " + echoBytes
                    + "-byte echo; read demanded again: " + t.readDemanded);
        }
        return written - writtenSoFar;
    }

    /** A client's binary frame: FIN, opcode 2, masked with a fixed key (RFC 6455 §5.3). */
    static byte[] maskedBinaryFrame(byte[] payload) {
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        int header = payload.length < 126 ? 2 : 4;
        byte[] frame = new byte[header + 4 + payload.length];
        frame[0] = (byte) 0x82;
        if (header == 2) {
            frame[1] = (byte) (0x80 | payload.length);
        } else {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (payload.length >>> 8);
            frame[3] = (byte) payload.length;
        }
        System.arraycopy(mask, 0, frame, header, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[header + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return frame;
    }

    /**
     * A transport whose peer's bytes are put in by the benchmark, whose read callback the benchmark runs, and whose
     * writes are counted and dropped: the benchmark's thread does everything, as a servlet container's read callback
     * does (but see {@link #awaitEcho}).
     */
    static final class Looped implements Transport {
        volatile TransportListener listener;
        volatile boolean readDemanded;
        private volatile ByteBuffer input = ByteBuffer.allocate(0);
        private final AtomicLong written = new AtomicLong();

        void arrive(byte[] bytes) {
            input = ByteBuffer.wrap(bytes);
            readDemanded = false;
        }

        long takeWritten() {
            return written.getAndSet(0);
        }

        @Override
        public void start(TransportListener listener) {
            this.listener = listener;
        }

        @Override
        public int read(ByteBuffer dst) {
            ByteBuffer input = this.input;
            int n = Math.min(dst.remaining(), input.remaining());
            dst.put(dst.position(), input, input.position(), n);
            dst.position(dst.position() + n);
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
            written.addAndGet(total);
            return total;
        }

        @Override
        public void demandRead() {
            readDemanded = true;
        }

        @Override
        public void demandWrite() {
            throw new IllegalStateException("every write is taken whole here");
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isSecure() {
            return false;
        }
    }
}
