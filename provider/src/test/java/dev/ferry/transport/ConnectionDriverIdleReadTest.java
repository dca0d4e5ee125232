package dev.ferry.transport;

import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.internal.ReceiveMemoryPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;

import static dev.ferry.transport.ServerHandles.maskedText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver returns a read that found nothing (with nothing buffered before it) and asks for a new one when the
 * transport is readable, so an idle connection holds no receive memory; a partial frame keeps its read; nothing
 * already buffered waits for new network input. Server drivers over {@link MemoryTransport}; every callback runs on
 * the test's thread ({@link #runCallbacks()}), so the order of events is fixed.
 */
class ConnectionDriverIdleReadTest {

    private final Queue<Runnable> callbacks = new ArrayDeque<>();
    private final Executor executor = callbacks::add;
    private final List<Connection> connections = new ArrayList<>();

    /** One server driver, the raw client end of its transport, and what its listener saw. */
    private final class Connection implements ConnectionDriver.Listener {
        final MemoryTransport client;
        final CountingTransport server;
        final ConnectionDriver driver;
        final List<String> received = new ArrayList<>();
        boolean pauseAfterEach;
        CloseStatus closed;

        Connection() {
            MemoryTransport.Pair pair = MemoryTransport.pair(executor, 1 << 16);
            client = pair.client();
            server = new CountingTransport(pair.server());
            driver = new ConnectionDriver(ServerHandles.open(), server, new ManualScheduler(), this,
                    ConnectionDriver.Settings.defaults());
            connections.add(this);
            driver.start();
            driver.resumeReceiving();
            runCallbacks();
        }

        void write(byte[] bytes) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            assertEquals(bytes.length, client.write(new ByteBuffer[] {buffer}));
            runCallbacks();
        }

        @Override
        public boolean onReceive(BufferType type, ByteBuffer data) {
            received.add(type + " " + StandardCharsets.UTF_8.decode(data));
            return !pauseAfterEach;
        }

        @Override
        public void onPeerClose(CloseStatus status) {
            driver.close(ConnectionDriver.echo(status));
        }

        @Override
        public void onClosed(CloseStatus status, Throwable failure) {
            closed = status;
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer joined = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            joined.put(part);
        }
        return joined.array();
    }

    private void runCallbacks() {
        for (int i = 0; i < 10_000 && !callbacks.isEmpty(); i++) {
            callbacks.poll().run();
        }
        assertTrue(callbacks.isEmpty(), "expected the callbacks to settle within 10,000 runs");
    }

    @AfterEach
    void closeAll() {
        for (Connection connection : connections) {
            connection.driver.terminate(CloseStatus.NORMAL_CLOSURE, null);
        }
        runCallbacks();
    }

    @Test
    void idleConnectionsHoldNoReceiveMemory() throws IOException {
        long before = ReceiveMemoryPool.lentBuffers();
        for (int i = 0; i < 20; i++) {
            new Connection();
        }
        assertEquals(before, ReceiveMemoryPool.lentBuffers(), "20 idle connections hold no receive buffer");
        for (Connection connection : connections) {
            connection.write(maskedText("hello"));
            assertEquals(List.of("UTF8_MESSAGE hello"), connection.received);
        }
        assertEquals(before, ReceiveMemoryPool.lentBuffers(), "idle again after a message each");
    }

    @Test
    void aPartialFrameKeepsItsReadAndItsMemory() throws IOException {
        long before = ReceiveMemoryPool.lentBuffers();
        Connection connection = new Connection();
        byte[] frame = maskedText("split");
        connection.write(java.util.Arrays.copyOf(frame, 3));
        assertEquals(before + 1, ReceiveMemoryPool.lentBuffers(), "half a header stays buffered");
        connection.write(java.util.Arrays.copyOfRange(frame, 3, frame.length));
        assertEquals(List.of("UTF8_MESSAGE split"), connection.received);
        assertEquals(before, ReceiveMemoryPool.lentBuffers());
    }

    @Test
    void pipelinedMessagesAreDeliveredWithoutNewInput() throws IOException {
        Connection connection = new Connection();
        connection.write(concat(maskedText("one"), maskedText("two"), maskedText("three")));
        assertEquals(List.of("UTF8_MESSAGE one", "UTF8_MESSAGE two", "UTF8_MESSAGE three"), connection.received);
    }

    @Test
    void aPausedListenerGetsTheBufferedMessageWhenItResumes() throws IOException {
        Connection connection = new Connection();
        connection.pauseAfterEach = true;
        long before = ReceiveMemoryPool.lentBuffers();
        connection.write(concat(maskedText("one"), maskedText("two")));
        assertEquals(List.of("UTF8_MESSAGE one"), connection.received);
        assertEquals(before + 1, ReceiveMemoryPool.lentBuffers(), "the second message waits in the handle's memory");
        connection.driver.resumeReceiving();
        runCallbacks();
        assertEquals(List.of("UTF8_MESSAGE one", "UTF8_MESSAGE two"), connection.received);
        connection.pauseAfterEach = false;
        connection.driver.resumeReceiving();
        runCallbacks();
        assertEquals(before, ReceiveMemoryPool.lentBuffers(), "idle once both are delivered");
    }

    @Test
    void aSpuriousReadableCallbackDoesNotSpin() throws IOException {
        Connection connection = new Connection();
        int reads = connection.server.reads;
        connection.server.listener.onReadable();
        runCallbacks();
        assertEquals(reads + 1, connection.server.reads, "one read that finds nothing, then a demand");
        connection.write(maskedText("after"));
        assertEquals(List.of("UTF8_MESSAGE after"), connection.received);
    }

    @Test
    void theEndOfTheStreamIsSeenByAnIdleConnection() {
        Connection connection = new Connection();
        connection.client.close();
        runCallbacks();
        assertEquals(CloseStatus.ABORTED.code(), connection.closed.code(), "1006: no Close frame (RFC 6455 §7.1.5)");
    }
}
