package dev.ferry.transport;

import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.WebSocketHandle;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The close timer of a peer's Close: an owner that answers at once (as a servlet session does, on the thread that read
 * the Close) ends the connection without any timer being scheduled; an owner that never answers has the connection
 * ended by the close timeout all the same (RFC 6455 §7.1.1 leaves the server to close TCP). A server driver over
 * {@link MemoryTransport}, every callback on the test's thread.
 */
class ConnectionDriverCloseTimerTest {

    /** A masked Close 1000 as a client sends it (mask key 0). */
    private static final byte[] CLOSE_1000 = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8};

    private final Queue<Runnable> callbacks = new ArrayDeque<>();
    private final Executor executor = callbacks::add;
    private final ManualScheduler clock = new ManualScheduler();
    private int scheduled;
    private final Scheduler counting = new Scheduler() {
        @Override
        public long nanoTime() {
            return clock.nanoTime();
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            scheduled++;
            return clock.schedule(task, delay);
        }
    };

    /** When the owner answers the peer's Close. */
    private enum Answer { IN_THE_LISTENER_CALL, AFTER_THE_TRANSPORT_CALLBACK, NEVER }

    private MemoryTransport client;
    private MemoryTransport server;
    private ConnectionDriver driver;
    private Answer answer;
    private CloseStatus peerClose;
    private boolean answerDue;
    private CloseStatus closed;

    @Test
    void anOwnerAnsweringAfterTheTransportCallbackEndsTheConnectionWithNoTimerScheduled() throws IOException {
        // What a servlet session does: onClose and the answer run on the thread that read the Close, after the loop.
        closeByPeer(Answer.AFTER_THE_TRANSPORT_CALLBACK);
        assertEquals(1000, closed.code(), "the Close was answered and the connection ended");
        assertTrue(server.isClosed());
        assertEquals(0, scheduled, "no close timer for a handshake that finished at once");
        assertEquals(4, server.lastWriteBytes(), "the answer (header and code 1000) went out as the last write");
    }

    @Test
    void anOwnerAnsweringInTheListenerCallEndsTheConnectionWithNoTimerScheduled() throws IOException {
        closeByPeer(Answer.IN_THE_LISTENER_CALL);
        assertEquals(1000, closed.code());
        assertTrue(server.isClosed());
        assertEquals(0, scheduled);
        assertEquals(4, server.lastWriteBytes(), "the answer went out as the last write");
    }

    @Test
    void ourOwnCloseIsNotTheLastWriteSinceThePeersCloseIsStillToCome() throws IOException {
        answer = Answer.NEVER;
        open();
        driver.close(CloseStatus.ENDPOINT_UNAVAILABLE);
        runCallbacks();
        assertEquals(4, server.bytesWritten(), "our Close is written");
        assertEquals(0, server.lastWriteBytes(), "written as any other: the peer must see it before its answer");
        assertFalse(server.isClosed(), "waiting for the peer's Close");
        assertEquals(CLOSE_1000.length, client.write(new ByteBuffer[] {ByteBuffer.wrap(CLOSE_1000)}));
        runCallbacks();
        assertEquals(1001, closed.code(), "ended with the Close we sent");
        assertTrue(server.isClosed(), "the server closes TCP first (RFC 6455 §7.1.1)");
        assertEquals(0, server.lastWriteBytes());
    }

    @Test
    void anOwnerThatNeverAnswersHasTheConnectionEndedByTheCloseTimeout() throws IOException {
        closeByPeer(Answer.NEVER);
        assertNull(closed, "the owner's answer is still awaited");
        assertEquals(1, clock.pending(), "the close timer is armed once the loop run that saw the Close is over");
        Duration timeout = ConnectionDriver.Settings.defaults().closeTimeout();
        clock.advance(timeout.minusMillis(1));
        assertNull(closed);
        clock.advance(Duration.ofMillis(1));
        runCallbacks();
        assertEquals(1000, closed.code(), "ended with the peer's Close when no answer came");
        assertTrue(server.isClosed());
    }

    private void closeByPeer(Answer when) throws IOException {
        answer = when;
        open();
        assertEquals(CLOSE_1000.length, client.write(new ByteBuffer[] {ByteBuffer.wrap(CLOSE_1000)}));
        runCallbacks();
        assertEquals(1000, peerClose.code());
    }

    private void open() {
        MemoryTransport.Pair pair = MemoryTransport.pair(executor, 1 << 16);
        client = pair.client();
        WebSocketHandle handle = ServerHandles.open();
        server = pair.server();
        driver = new ConnectionDriver(handle, server, counting, new ConnectionDriver.Listener() {
            @Override
            public boolean onReceive(BufferType type, ByteBuffer data) {
                return true;
            }

            @Override
            public void onPeerClose(CloseStatus status) {
                peerClose = status;
                if (answer == Answer.IN_THE_LISTENER_CALL) {
                    driver.close(ConnectionDriver.echo(status));
                }
                answerDue = answer == Answer.AFTER_THE_TRANSPORT_CALLBACK;
            }

            @Override
            public void afterTransportCallback() {
                if (answerDue) {
                    answerDue = false;
                    driver.close(ConnectionDriver.echo(peerClose));
                }
            }

            @Override
            public void onClosed(CloseStatus status, Throwable failure) {
                closed = status;
            }
        }, ConnectionDriver.Settings.defaults());
        driver.start();
        driver.resumeReceiving();
        runCallbacks();
    }

    private void runCallbacks() {
        for (Runnable callback = callbacks.poll(); callback != null; callback = callbacks.poll()) {
            callback.run();
        }
    }
}
