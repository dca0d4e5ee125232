package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.Scheduler;
import dev.ferry.transport.TransportListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The servlet transport against scripted non-blocking streams that follow the servlet contract: a callback comes
 * only after {@code isReady()} returned false. No container, no threads: the "executor" is a queue the test runs.
 * The input stream fails any use while its callback is armed but for the callback itself (after {@code isReady()}
 * said false, only the container's {@code onDataAvailable} may read); the Tomcat-like stream fails reads off its
 * dispatch that would touch its socket.
 */
class WebConnectionTransportTest {

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private final Input in = new Input();
    private final Output out = new Output();
    private final Connection connection = new Connection();
    private final Queue<Runnable> executor = new ArrayDeque<>();
    private final Recorder listener = new Recorder();
    private final Timers timers = new Timers();
    private WebConnectionTransport transport;

    @BeforeEach
    void open() throws IOException {
        transport = new WebConnectionTransport(connection, null, null, false, executor::add,
                ContainerTraits.SERVLET_CONTRACT, timers, CLOSE_GRACE);
        transport.start(listener);
    }

    @Test
    void readsWhatIsThereThenWaitsForTheContainer() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        assertEquals(0, transport.read(buffer), "nothing yet: isReady() said false and armed the callback");
        transport.demandRead();
        in.deliver("abc");
        assertEquals(List.of("readable"), listener.events, "the container's onDataAvailable answers the demand");
        assertEquals(3, transport.read(buffer));
        assertEquals(0, transport.read(buffer));
        transport.demandRead();
        assertEquals(List.of("readable"), listener.events);
        in.deliver("de");
        assertEquals(List.of("readable", "readable"), listener.events);
        assertEquals(2, transport.read(buffer));
        assertEquals("abcde", new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
        assertTrue(executor.isEmpty(), "every readiness came from the container's own callback");
    }

    @Test
    void readinessFoundByTheDemandItselfComesFromTheExecutor() throws IOException {
        in.deliver("abc"); // the container's first onDataAvailable: nobody demanded yet
        assertEquals(List.of(), listener.events);
        transport.demandRead();
        assertEquals(List.of(), listener.events, "never on the demanding thread");
        executor.remove().run();
        assertEquals(List.of("readable"), listener.events);
        assertEquals(3, transport.read(ByteBuffer.allocate(8)));
    }

    @Test
    void bytesArrivingBeforeTheDriverAsksKeepTheirOrderAcrossSmallReads() throws IOException {
        String text = "h\u00e9llo w\u00f6rld \u20ac\uD83D\uDE00 ";
        in.deliver(text); // container callbacks with nobody waiting: the transport takes the bytes in them
        in.deliver(text);
        assertEquals(List.of(), listener.events);
        transport.demandRead();
        executor.remove().run();
        assertEquals(List.of("readable"), listener.events);
        assertEquals(text + text, drain(3)); // 3-byte reads split the multi-byte characters
        transport.demandRead();
        assertTrue(executor.isEmpty(), "nothing buffered: the demand waits for the container's next callback");
        in.deliver("\u00e9");
        assertEquals(List.of("readable", "readable"), listener.events);
        assertEquals("\u00e9", drain(1));
    }

    @Test
    void aBurstIsReadOneArrayAtATimeAsTheDriverAsksThenEveryByteArrivesInOrder() throws IOException {
        byte[] burst = burst(1024 * 1024 + 7);
        in.deliver(burst); // nobody reads meanwhile: the application is slower than the peer
        assertTrue(in.position <= ScratchPool.SIZE,
                "the callback reads one array, so the container stops reading the socket; it took " + in.position);
        assertFalse(in.armed, "stopped without asking isReady(): no callback is armed");
        transport.demandRead();
        executor.remove().run();
        assertEquals(List.of("readable"), listener.events);
        ByteBuffer got = ByteBuffer.allocate(burst.length);
        ByteBuffer chunk = ByteBuffer.allocate(8 * 1024);
        for (int rounds = 0; got.hasRemaining() && rounds < 10_000; rounds++) {
            assertTrue(transport.read(chunk.clear()) > 0, "the stream is ready: the driver's read reads it itself");
            got.put(chunk.flip());
            assertTrue(in.position - got.position() <= ScratchPool.SIZE, "never more than one array unread");
        }
        assertArrayEquals(burst, got.array());
        assertEquals(1, in.callbacks, "one container callback for the whole burst");
        assertTrue(executor.isEmpty());
        assertEquals(0, transport.read(chunk.clear()));
        assertTrue(in.armed, "everything taken: the next read asked isReady(), which armed the callback");
    }

    @Test
    void theDriverReadsOnWithoutACallbackWhileTheStreamIsReady() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8);
        assertEquals(0, transport.read(buffer), "the container's first callback is still to come");
        transport.demandRead();
        in.deliver("a");
        assertEquals(List.of("readable"), listener.events);
        assertEquals(1, transport.read(buffer));
        in.deliver("b"); // no callback: isReady() has not said false since the last one
        assertEquals(1, in.callbacks);
        assertEquals(1, transport.read(buffer), "read on the driver's thread, without a callback or the executor");
        assertEquals(0, transport.read(buffer));
        assertTrue(in.armed, "nothing more: isReady() said false and armed the callback");
        transport.demandRead();
        assertTrue(executor.isEmpty(), "an armed callback answers the demand, not the executor");
        in.deliver("c");
        assertEquals(List.of("readable", "readable"), listener.events);
        assertEquals(1, transport.read(buffer));
        assertEquals("abc", new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
        assertEquals(2, in.callbacks);
    }

    @Test
    void onARedispatchingContainerAPauseLeavesTheBytesInTheContainerAndReadsOnlyWhatItOffered() throws IOException {
        TomcatLikeInput tomcat = new TomcatLikeInput();
        Queue<Runnable> tasks = new ArrayDeque<>();
        WebConnectionTransport redispatched = new WebConnectionTransport(new Connection(tomcat), null, null, false,
                tasks::add, ContainerTraits.TOMCAT, timers, CLOSE_GRACE);
        redispatched.start(new Recorder());
        byte[] burst = burst(300 * 1024 + 11);
        tomcat.socket.writeBytes(burst);
        tomcat.dispatch(); // the first callback pulls until the pause mark
        int pulled = tomcat.taken;
        assertTrue(pulled >= UpgradedInput.PAUSE_AT && pulled <= UpgradedInput.PAUSE_AT
                + ScratchPool.SIZE, "paused near the mark, took " + pulled);
        tomcat.dispatch(); // the socket still has bytes: Tomcat calls again; the paused transport leaves them
        assertEquals(pulled, tomcat.taken, "nothing more taken while paused");
        assertTrue(tomcat.buffered() > 0, "the container's prelude filled its buffer, and the bytes wait there");
        ByteBuffer got = ByteBuffer.allocate(burst.length);
        ByteBuffer chunk = ByteBuffer.allocate(4 * 1024);
        for (int rounds = 0; got.hasRemaining() && rounds < 10_000; rounds++) {
            if (redispatched.read(chunk.clear()) == 0) {
                if (!tasks.isEmpty()) {
                    tasks.remove().run(); // the one read of what the container offered, off its thread
                } else {
                    tomcat.dispatch(); // what the poller does while the socket has bytes
                }
            }
            got.put(chunk.flip());
        }
        assertArrayEquals(burst, got.array());
    }

    private static byte[] burst(int length) {
        byte[] burst = new byte[length];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = (byte) (i * 31 + i / 251);
        }
        return burst;
    }

    private String drain(int readSize) throws IOException {
        ByteBuffer got = ByteBuffer.allocate(256);
        ByteBuffer small = ByteBuffer.allocate(readSize);
        int n;
        while ((n = transport.read(small.clear())) > 0) {
            got.put(small.flip());
        }
        assertEquals(0, n, "all read, no end of stream");
        return new String(got.array(), 0, got.position(), StandardCharsets.UTF_8);
    }

    @Test
    void theEndOfTheStreamReadsAsMinusOne() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8);
        assertEquals(0, transport.read(buffer));
        transport.demandRead();
        in.end();
        assertEquals(List.of("readable"), listener.events);
        assertEquals(-1, transport.read(buffer));
    }

    @Test
    void writesStopWhenTheStreamIsNotReadyAndGoOnWhenItIs() throws IOException {
        out.acceptBeforeBlocking = 1;
        byte[] bytes = burst(2 * 9_000); // two buffers too large to gather
        ByteBuffer first = ByteBuffer.allocateDirect(9_000).put(bytes, 0, 9_000).flip(); // copied: taken at once
        ByteBuffer second = ByteBuffer.wrap(bytes, 9_000, 9_000);
        assertEquals(9_000, transport.write(new ByteBuffer[] {first, second}), "the first write blocks the stream");
        assertEquals(9_000, second.remaining());
        transport.demandWrite();
        assertEquals(List.of(), listener.events);
        out.unblock();
        assertEquals(List.of("writable"), listener.events);
        assertEquals(9_000, transport.write(new ByteBuffer[] {first, second}));
        assertArrayEquals(bytes, out.written.toByteArray());
        assertEquals(1, out.flushes, "flushed once the stream allowed");
    }

    @Test
    void aHeapArrayTheContainerMayStillHoldCountsOnlyOnceItIsDone() throws IOException {
        out.acceptBeforeBlocking = 1;
        byte[] payload = new byte[20_000]; // past the gathering size: written from its own array
        ByteBuffer source = ByteBuffer.wrap(payload);
        assertEquals(0, transport.write(new ByteBuffer[] {source}), "the container holds the array: not taken yet");
        assertSame(payload, out.arrays.get(0), "no copy");
        assertEquals(0, source.position(), "the caller keeps its buffer");
        transport.demandWrite();
        out.unblock();
        assertEquals(List.of("writable"), listener.events);
        assertEquals(payload.length, transport.write(new ByteBuffer[] {source}), "done: now counted");
        assertEquals(1, out.arrays.size(), "and not written twice");
        assertFalse(source.hasRemaining());
    }

    @Test
    void aSmallFrameIsOneWriteAndOneFlush() throws IOException {
        ByteBuffer header = ByteBuffer.wrap(new byte[] {(byte) 0x82, 3});
        ByteBuffer payload = ByteBuffer.allocateDirect(3).put(new byte[] {7, 8, 9}).flip();
        assertEquals(5, transport.write(new ByteBuffer[] {header, payload}));
        assertEquals(1, out.arrays.size(), "header and payload gathered");
        assertArrayEquals(new byte[] {(byte) 0x82, 3, 7, 8, 9}, out.written.toByteArray());
        assertEquals(1, out.flushes);
    }

    @Test
    void aLargeDirectBufferIsCopiedThroughAPooledArray() throws IOException {
        byte[] payload = burst(40_000);
        ByteBuffer direct = ByteBuffer.allocateDirect(payload.length).put(payload).flip();
        assertEquals(payload.length, transport.write(new ByteBuffer[] {direct}));
        assertArrayEquals(payload, out.written.toByteArray());
        assertEquals(1, out.flushes, "one flush per call");
    }

    @Test
    void aFailureBeforeAnyDemandSurfacesAtTheNextCall() {
        IOException broken = new IOException("connection reset");
        in.listener.onError(broken);
        assertEquals(List.of(), listener.events, "no callback before the driver asks");
        IOException seen = assertThrows(IOException.class, () -> transport.read(ByteBuffer.allocate(8)));
        assertSame(broken, seen);
        transport.demandWrite();
        executor.remove().run();
        assertEquals(List.of("error"), listener.events);
    }

    @Test
    void aFailureWhileWaitingIsReportedAtOnce() throws IOException {
        assertEquals(0, transport.read(ByteBuffer.allocate(8)));
        transport.demandRead();
        in.listener.onError(new IOException("reset"));
        assertEquals(List.of("error"), listener.events);
    }

    @Test
    void onAContainerWhoseCloseSendsWhatItHoldsTheLastWriteIsLeftToTheClose() throws IOException {
        WebConnectionTransport jetty = new WebConnectionTransport(connection, null, null, false, executor::add,
                ContainerTraits.JETTY, timers, CLOSE_GRACE);
        jetty.start(listener);
        byte[] close = {(byte) 0x88, 2, 0x03, (byte) 0xE8};
        assertEquals(4, jetty.writeLast(new ByteBuffer[] {ByteBuffer.wrap(close)}));
        assertArrayEquals(close, out.written.toByteArray());
        assertEquals(0, out.flushes, "no flush of its own: the close sends it with the end of the stream");
        jetty.close();
        assertTrue(connection.closed);
    }

    @Test
    void onAContainerWhoseCloseSendsWhatItHoldsAPendingLastWriteStillEndsBeforeTheClose() throws IOException {
        WebConnectionTransport jetty = new WebConnectionTransport(connection, null, null, false, executor::add,
                ContainerTraits.JETTY, timers, CLOSE_GRACE);
        jetty.start(listener);
        out.acceptBeforeBlocking = 1;
        ByteBuffer last = ByteBuffer.wrap(burst(20_000));
        assertEquals(0, jetty.writeLast(new ByteBuffer[] {last}), "the container holds the array");
        jetty.demandWrite();
        jetty.close();
        assertFalse(connection.closed, "the last write is still pending");
        out.unblock();
        assertTrue(connection.closed, "closed once the container is done with it");
        assertEquals(0, out.flushes);
    }

    @Test
    void elsewhereTheLastWriteIsFlushedLikeAnyOther() throws IOException {
        assertEquals(4, transport.writeLast(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {(byte) 0x88, 2, 3, 1})}));
        assertEquals(1, out.flushes, "the container's close would not wait for what the socket cannot take yet");
        transport.close();
        assertTrue(connection.closed);
    }

    @Test
    void closeWaitsForAPendingWrite() throws IOException {
        out.acceptBeforeBlocking = 1;
        transport.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[10])});
        transport.close();
        assertFalse(connection.closed, "a write is still pending");
        out.unblock();
        assertTrue(connection.closed);
        assertEquals(List.of(), listener.events);
        assertEquals(List.of(), timers.tasks, "the close grace is called off once the write is done");
    }

    @Test
    void aWriteThatStaysPendingGetsTheCloseGraceThenTheConnectionIsClosedAnyway() throws IOException {
        out.acceptBeforeBlocking = 1;
        transport.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[10])});
        transport.close();
        assertFalse(connection.closed, "a write is still pending");
        assertEquals(List.of(CLOSE_GRACE), timers.delays, "the pending write gets the close grace");
        timers.runAll(); // the peer never read
        assertTrue(connection.closed);
        transport.close();
        assertEquals(1, timers.delays.size(), "closed once");
    }

    @Test
    void aConnectionTheContainerEndedIsNotKeptByTheCloseGrace() throws IOException {
        out.acceptBeforeBlocking = 1;
        transport.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[10])});
        transport.close();
        assertEquals(1, timers.tasks.size());
        transport.destroyed();
        assertEquals(List.of(), timers.tasks, "the scheduler holds no ended connection");
    }

    @Test
    void aFailedConnectionIsClosedAtOnceEvenWithAWritePending() throws IOException {
        out.acceptBeforeBlocking = 1;
        transport.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[10])});
        out.listener.onError(new IOException("reset by peer")); // the container reports the failed write
        transport.close();
        assertTrue(connection.closed, "no write will finish on a failed stream");
        assertEquals(List.of(), timers.delays);
    }

    /** Timers the test runs by hand. */
    static final class Timers implements Scheduler {
        final List<Duration> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            delays.add(delay);
            tasks.add(task);
            return () -> tasks.remove(task);
        }

        void runAll() {
            List<Runnable> due = new ArrayList<>(tasks);
            tasks.clear();
            due.forEach(Runnable::run);
        }
    }

    /** Records the transport's callbacks in order. */
    static final class Recorder implements TransportListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onReadable() {
            events.add("readable");
        }

        @Override
        public void onWritable() {
            events.add("writable");
        }

        @Override
        public void onTransportError(Throwable cause) {
            events.add("error");
        }
    }

    final class Connection implements WebConnection {
        private final ServletInputStream input;
        boolean closed;

        Connection() {
            this.input = in;
        }

        Connection(ServletInputStream input) {
            this.input = input;
        }

        @Override
        public ServletInputStream getInputStream() {
            return input;
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return out;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Input that is ready while it holds bytes; {@code isReady() == false} arms one onDataAvailable. */
    static final class Input extends ScriptedStreams.ArrayInput {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int position;
        private boolean ended;
        boolean armed = true; // the container's first callback comes when data first arrives
        int callbacks;
        private boolean inCallback;
        private byte[] snapshot = new byte[0];

        void deliver(String text) {
            deliver(text.getBytes(StandardCharsets.UTF_8));
        }

        void deliver(byte[] bytes) {
            pending.writeBytes(bytes);
            fire(false);
        }

        void end() {
            ended = true;
            fire(true);
        }

        private void fire(boolean end) {
            if (armed) {
                armed = false;
                callbacks++;
                inCallback = true;
                try {
                    if (end) {
                        listener.onAllDataRead();
                    } else {
                        listener.onDataAvailable();
                    }
                } catch (IOException e) {
                    listener.onError(e); // what containers do with an exception from the callback
                } finally {
                    inCallback = false;
                }
            }
        }

        private void insideCallback() {
            if (armed && !inCallback) {
                throw new AssertionError("expected no use of the input stream while its callback is armed (isReady()"
                        + " said false) but by that callback, got one from the driver's side");
            }
        }

        @Override
        public boolean isFinished() {
            insideCallback();
            return ended && position == pending.size();
        }

        @Override
        public boolean isReady() {
            insideCallback();
            boolean ready = position < pending.size() || ended;
            armed |= !ready;
            return ready;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            insideCallback();
            if (position == pending.size()) {
                return ended ? -1 : 0;
            }
            int n = Math.min(len, pending.size() - position);
            if (snapshot.length != pending.size()) {
                snapshot = pending.toByteArray();
            }
            System.arraycopy(snapshot, position, b, off, n);
            position += n;
            return n;
        }
    }

    /**
     * Input modelled on Tomcat 11's upgraded stream: a dispatch (what the poller starts while the socket has bytes)
     * first fills the container's 8 KiB buffer from the socket when it is empty, marks the stream ready and calls
     * {@code onDataAvailable}, whatever {@code isReady()} said before. Off the dispatch, the stream may only be read
     * from that buffer after a dispatch marked it ready: touching the socket there is what races with the next
     * dispatch.
     */
    static final class TomcatLikeInput extends ScriptedStreams.ArrayInput {
        final ByteArrayOutputStream socket = new ByteArrayOutputStream();
        private final ByteBuffer buffer = ByteBuffer.allocate(8 * 1024).flip();
        private int socketPosition;
        private Boolean ready = Boolean.TRUE;
        private boolean inDispatch;
        int taken;

        int buffered() {
            return buffer.remaining();
        }

        void dispatch() throws IOException {
            inDispatch = true;
            try {
                if (fill()) {
                    ready = Boolean.TRUE;
                    listener.onDataAvailable();
                }
            } finally {
                inDispatch = false;
            }
        }

        private boolean fill() {
            if (!buffer.hasRemaining()) {
                byte[] bytes = socket.toByteArray();
                int n = Math.min(buffer.capacity(), bytes.length - socketPosition);
                buffer.clear();
                buffer.put(bytes, socketPosition, n).flip();
                socketPosition += n;
            }
            return buffer.hasRemaining();
        }

        @Override
        public boolean isFinished() {
            return false;
        }

        @Override
        public boolean isReady() {
            if (ready == null) {
                if (!inDispatch) {
                    throw new AssertionError("expected no socket read off Tomcat's dispatch, got isReady() with an"
                            + " unknown state (it fills from the socket, racing with the next dispatch)");
                }
                ready = fill();
            }
            return ready;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (ready == null || !ready) {
                throw new IllegalStateException("read while not ready (Tomcat's upgrade.sis.read.ise)");
            }
            ready = null;
            if (!buffer.hasRemaining()) {
                if (!inDispatch) {
                    throw new AssertionError("expected no socket read off Tomcat's dispatch");
                }
                fill();
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            taken += n;
            return n;
        }
    }

    /** Output that turns not-ready after a number of writes, until the test unblocks it; keeps what was written. */
    static final class Output extends ScriptedStreams.BlockingOutput {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<byte[]> arrays = new ArrayList<>();
        int flushes;

        @Override
        public void write(int b) {
            throw new AssertionError("the transport writes arrays");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            checkReady();
            arrays.add(java.util.Arrays.copyOfRange(b, off, off + len));
            if (off == 0 && len == b.length) {
                arrays.set(arrays.size() - 1, b); // keep the very array, as a pending write may
            }
            written.write(b, off, len);
            accepted();
        }

        @Override
        public void flush() {
            if (blocked) {
                throw new IllegalStateException("flush while not ready (servlet contract)");
            }
            flushes++;
        }
    }
}
