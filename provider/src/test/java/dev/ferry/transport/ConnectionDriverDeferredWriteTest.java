package dev.ferry.transport;

import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deferred writes: the small replies a connection's own callback thread sends while it handles one read go out in
 * one transport write, before the connection reads again; nothing deferred waits past the next read, the owner's
 * flush, a frame that is not deferred, or the deferred-write timer. Frames are held while the listener has paused
 * reading (as the Jakarta layer does while a message handler runs): {@link #handlerRuns()}. A server driver over
 * {@link MemoryTransport}; every callback runs on the test's thread, so the order of events is fixed.
 */
class ConnectionDriverDeferredWriteTest {

    private final Queue<Runnable> callbacks = new ArrayDeque<>();
    private final Executor executor = callbacks::add;
    private final ManualScheduler scheduler = new ManualScheduler();
    private final MemoryTransport client;
    private final CountingTransport server;
    private final ConnectionDriver driver;
    /**
     * The message handler: null for none; else each message pauses reading and the handler runs once the transport
     * callback has left the loop, then resumes reading, as the Jakarta layer runs handlers inline.
     */
    private Reply reply;
    private final Queue<String> toHandle = new ArrayDeque<>();
    /** Whether the listener pauses reading after each message, as the Jakarta layer does while a handler runs. */
    private boolean pause;

    @FunctionalInterface
    private interface Reply {
        void to(BufferType type, String text) throws IOException, InterruptedException;
    }

    ConnectionDriverDeferredWriteTest() {
        MemoryTransport.Pair pair = MemoryTransport.pair(executor, 1 << 16);
        client = pair.client();
        server = new CountingTransport(pair.server());
        driver = new ConnectionDriver(ServerHandles.open(), server, scheduler, new ConnectionDriver.Listener() {
            @Override
            public boolean onReceive(BufferType type, ByteBuffer data) {
                if (reply == null) {
                    return !pause;
                }
                toHandle.add(StandardCharsets.UTF_8.decode(data).toString());
                return false;
            }

            @Override
            public void afterTransportCallback() {
                for (String message; (message = toHandle.poll()) != null; ) {
                    try {
                        reply.to(BufferType.UTF8_MESSAGE, message);
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    driver.resumeReceiving(); // delivers the next buffered message, if any, into toHandle
                }
                driver.flushDeferred();
            }

            @Override
            public void onPeerClose(CloseStatus status) {
                driver.close(ConnectionDriver.echo(status));
            }

            @Override
            public void onClosed(CloseStatus status, Throwable failure) {
            }
        }, ConnectionDriver.Settings.defaults());
        driver.start();
        driver.resumeReceiving();
        runCallbacks();
    }

    private void send(SendRequest request) {
        try {
            driver.send(request, 0);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static SendRequest deferrable(String text) {
        return SendRequest.deferrable(BufferType.UTF8_MESSAGE, utf8(text), failure -> { });
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the peer's (masked) text frames in one write. */
    private void peerSends(String... texts) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        int total = 0;
        for (String text : texts) {
            byte[] frame = ServerHandles.maskedText(text);
            frames.add(frame);
            total += frame.length;
        }
        ByteBuffer joined = ByteBuffer.allocate(total);
        frames.forEach(joined::put);
        joined.flip();
        assertEquals(total, client.write(new ByteBuffer[] {joined}));
        runCallbacks();
    }

    /** The server's frames the peer can read now, as "opcode payload" (unmasked, payloads under 126 bytes). */
    private List<String> peerReceives() throws IOException {
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        client.read(in);
        in.flip();
        List<String> frames = new ArrayList<>();
        while (in.hasRemaining()) {
            int opcode = in.get() & 0x0f;
            int length = in.get() & 0x7f;
            byte[] payload = new byte[length];
            in.get(payload);
            frames.add(opcode + " " + new String(payload, StandardCharsets.UTF_8));
        }
        return frames;
    }

    /** The peer sends a message and the listener pauses after it: a message handler is running. */
    private void handlerRuns() throws IOException {
        pause = true;
        peerSends("go");
    }

    private void runCallbacks() {
        for (int i = 0; i < 10_000 && !callbacks.isEmpty(); i++) {
            callbacks.poll().run();
        }
        assertTrue(callbacks.isEmpty(), "expected the callbacks to settle within 10,000 runs");
    }

    @AfterEach
    void end() {
        driver.terminate(CloseStatus.NORMAL_CLOSURE, null);
        runCallbacks();
    }

    @Test
    void theRepliesToTheMessagesOfOneReadShareOneWrite() throws IOException {
        reply = (type, text) -> send(deferrable("re " + text));
        peerSends("one", "two", "three");
        assertEquals(1, server.writes, "three replies, one write before the next read");
        assertEquals(List.of("1 re one", "1 re two", "1 re three"), peerReceives());
    }

    @Test
    void theReadRightAfterTheRepliesTellsTheTransportItFollowsAReply() throws IOException {
        peerSends("unanswered");
        assertEquals(0, server.readsAfterReply, "no reply was written: the next read is a plain one");
        reply = (type, text) -> send(deferrable("re " + text));
        int before = server.reads;
        peerSends("one", "two");
        assertEquals(1, server.writes, "both replies in one write");
        assertEquals(1, server.readsAfterReply, "the read that follows that write, and only it");
        assertEquals(2, server.reads - before, "the read that brought both messages, then the one after the replies");
        assertEquals(List.of("1 re one", "1 re two"), peerReceives());
    }

    @Test
    void repliesThatAreNotDeferrableAreWrittenOneByOne() throws IOException {
        reply = (type, text) -> send(SendRequest.of(BufferType.UTF8_MESSAGE, utf8("re " + text), failure -> { }));
        peerSends("one", "two", "three");
        assertEquals(3, server.writes);
        assertEquals(List.of("1 re one", "1 re two", "1 re three"), peerReceives());
    }

    @Test
    void aDeferredFrameOfAnIdleConnectionGoesOutAtOnce() throws IOException {
        send(deferrable("now"));
        runCallbacks();
        assertEquals(List.of("1 now"), peerReceives(), "the connection waits for its peer: nothing to wait for");
    }

    @Test
    void aDeferredFrameWaitsForTheNextRead() throws IOException {
        handlerRuns();
        send(deferrable("held"));
        runCallbacks();
        assertEquals(0, server.writes, "the handler may send more");
        pause = false;
        driver.resumeReceiving();
        runCallbacks();
        assertEquals(List.of("1 held"), peerReceives(), "written before the connection reads again");
    }

    @Test
    void aDeferredFrameWaitsForTheOwnersFlush() throws IOException {
        handlerRuns();
        send(deferrable("held"));
        runCallbacks();
        assertEquals(0, server.writes, "no read follows it, nothing else is written: it waits");
        driver.flushDeferred();
        runCallbacks();
        assertEquals(1, server.writes);
        assertEquals(List.of("1 held"), peerReceives());
    }

    @Test
    void theTimerWritesADeferredFrameWhenNobodyElseDoes() throws IOException {
        handlerRuns();
        send(deferrable("held"));
        runCallbacks();
        scheduler.advance(ConnectionDriver.DEFERRED_WAIT.minusNanos(1));
        assertEquals(0, server.writes);
        scheduler.advance(Duration.ofNanos(1));
        runCallbacks();
        assertEquals(List.of("1 held"), peerReceives(), "written within the deferred-write bound (an application"
                + " blocking in its callback after a send)");
    }

    @Test
    void aSlowSenderIsNotHeldBack() throws IOException {
        handlerRuns();
        send(deferrable("first"));
        scheduler.advance(Duration.ofNanos(WritePath.DEFERRED_AGE));
        send(deferrable("second"));
        runCallbacks();
        assertEquals(List.of(), peerReceives(), "the age is counted from the second frame held (a lone reply, the"
                + " common case, reads no clock)");
        scheduler.advance(Duration.ofNanos(WritePath.DEFERRED_AGE - 1));
        send(deferrable("third"));
        runCallbacks();
        assertEquals(List.of(), peerReceives(), "not yet that old");
        scheduler.advance(Duration.ofNanos(1));
        send(deferrable("fourth"));
        runCallbacks();
        assertEquals(1, server.writes, "held long enough: written in one write when the next frame comes");
        assertEquals(List.of("1 first", "1 second", "1 third"), peerReceives(), "the next one waits");
        driver.flushDeferred();
        runCallbacks();
        assertEquals(List.of("1 fourth"), peerReceives());
    }

    @Test
    void framesThatAreNotDeferredGoAfterTheHeldOnesInOrder() throws IOException {
        handlerRuns();
        send(deferrable("a"));
        send(SendRequest.of(BufferType.PING, utf8("p"), failure -> { }));
        send(deferrable("b"));
        send(SendRequest.of(BufferType.UTF8_MESSAGE, utf8("c"), failure -> { }));
        runCallbacks();
        assertEquals(List.of("1 a", "9 p", "1 b", "1 c"), peerReceives(), "b is written before c, not held");
    }

    @Test
    void aLargeFrameIsNeverDeferred() throws IOException {
        handlerRuns();
        byte[] large = new byte[WritePath.DEFERRED_FRAME + 1];
        send(SendRequest.deferrable(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(large), failure -> { }));
        runCallbacks();
        assertEquals(1, server.writes, "written at once, without a flush");
        assertEquals(WritePath.DEFERRED_FRAME + 1 + 4, peerBytes(), "payload and a 4-byte header");
    }

    @Test
    void theCloseGoesAfterHeldFrames() throws IOException {
        handlerRuns();
        send(deferrable("last words"));
        driver.close(CloseStatus.NORMAL_CLOSURE);
        runCallbacks();
        List<String> frames = peerReceives();
        assertEquals("1 last words", frames.get(0));
        assertEquals(8, Integer.parseInt(frames.get(1).split(" ")[0]), "then the Close");
    }

    @Test
    void onlyDataFramesMayBeDeferred() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SendRequest.deferrable(BufferType.PING, utf8("p"), failure -> { }));
    }

    @Test
    void aLentPayloadIsCopiedAsideBeforeItsSendReturnsAndNotCopiedAgain() throws IOException {
        handlerRuns();
        ByteBuffer payload = utf8("lent");
        List<Throwable> outcomes = new ArrayList<>();
        SendRequest request = SendRequest.lent(BufferType.UTF8_MESSAGE, payload, outcomes::add);
        send(request); // runs the loop on this thread, the sender's
        assertEquals(java.util.Collections.singletonList(null), outcomes, "copied aside (held) before send returned");
        request.settle();
        assertSame(payload, request.data(), "no copy of the payload: the frame is in the held batch already");
        payload.put(0, (byte) 'X'); // the sender may change its buffer once its call has returned
        driver.flushDeferred();
        runCallbacks();
        assertEquals(List.of("1 lent"), peerReceives());
    }

    @Test
    void aLentPayloadQueuedBehindAFrameBeingWrittenIsCopiedWhenItsSenderReturns() throws IOException {
        handlerRuns();
        int large = 100_000; // more than the transport takes before the peer reads (64 KiB)
        send(SendRequest.of(BufferType.BINARY_MESSAGE, ByteBuffer.allocate(large), failure -> { }));
        ByteBuffer payload = utf8("lent");
        SendRequest request = SendRequest.lent(BufferType.UTF8_MESSAGE, payload, failure -> { });
        send(request);
        request.settle();
        assertNotSame(payload, request.data(), "copied: the frame still waits for the large one");
        payload.put(0, (byte) 'X');
        ByteBuffer wire = ByteBuffer.allocate(large + 10 + 6); // the large frame has a 10-byte header, then "lent"
        for (int i = 0; i < 100 && wire.hasRemaining(); i++) {
            client.read(wire);
            runCallbacks();
            driver.flushDeferred();
            runCallbacks();
        }
        assertEquals(0, wire.remaining(), "every byte of both frames arrived");
        assertEquals("\u0081\u0004lent", new String(wire.array(), large + 10, 6, StandardCharsets.ISO_8859_1));
    }

    @Test
    void aLentPayloadThatALoopOnAnotherThreadReachesIsCopiedThere() throws Exception {
        handlerRuns();
        ByteBuffer payload = utf8("lent");
        SendRequest request = SendRequest.lent(BufferType.UTF8_MESSAGE, payload, failure -> { });
        driver.enqueue(request); // queued without running the loop
        Thread other = new Thread(driver::drive, "another-sender");
        other.start();
        other.join(10_000);
        assertNotSame(payload, request.data(), "copied by the other thread before the handle got it");
        request.settle();
        payload.put(0, (byte) 'X');
        driver.flushDeferred();
        runCallbacks();
        assertEquals(List.of("1 lent"), peerReceives());
    }

    @Test
    void aLentPayloadIsSmallAndSettledByItsSender() throws Exception {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SendRequest.lent(
                BufferType.BINARY_MESSAGE, ByteBuffer.allocate(SendRequest.LENDABLE + 1), failure -> { }));
        SendRequest request = SendRequest.lent(BufferType.BINARY_MESSAGE, ByteBuffer.allocate(1), failure -> { });
        Throwable[] thrown = new Throwable[1];
        Thread other = new Thread(() -> {
            try {
                request.settle();
            } catch (IllegalStateException expected) {
                thrown[0] = expected;
            }
        });
        other.start();
        other.join(10_000);
        assertTrue(thrown[0] instanceof IllegalStateException, "settled by another thread: " + thrown[0]);
    }

    /** Bytes the peer can read now (and drops). */
    private long peerBytes() throws IOException {
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        return client.read(in);
    }
}
