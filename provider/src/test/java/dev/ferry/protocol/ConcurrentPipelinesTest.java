package dev.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * J9: a client handle whose send pipeline and receive pipeline are driven by two threads at once, while
 * the server pings it after every message, so automatic pongs (receive thread) and data frames (send
 * thread) compete for the one wire writer (R5). Once with the calls of spec §8.1, once with the fused calls
 * ({@code completeAndGetAction}, {@code completeAndReceive}) on every thread. Bounded in count; timeouts are
 * only a safety net.
 */
class ConcurrentPipelinesTest {

    private static final int MESSAGES = 2000;

    /** A byte pipe both threads of one side write to; it also checks that writes never overlap. */
    private static final class Wire {
        private final ByteQueue bytes = new ByteQueue();
        private final AtomicBoolean writing = new AtomicBoolean();
        private final AtomicBoolean overlapped = new AtomicBoolean();

        /** Writes the frame; the caller completes the action. */
        void write(Action.SendToNetwork s) {
            if (!writing.compareAndSet(false, true)) {
                overlapped.set(true);
            }
            synchronized (bytes) {
                for (ByteBuffer b : s.buffers()) {
                    bytes.add(b);
                }
            }
            writing.set(false);
        }

        int read(ByteBuffer dst) {
            synchronized (bytes) {
                return bytes.read(dst, Integer.MAX_VALUE);
            }
        }
    }

    @org.junit.jupiter.api.RepeatedTest(5)
    void sendAndReceivePipelinesOnTwoThreads() throws Exception {
        run(false);
    }

    @org.junit.jupiter.api.RepeatedTest(5)
    void sendAndReceivePipelinesOnTwoThreadsWithFusedCalls() throws Exception {
        run(true);
    }

    /** With {@code fused}, every completion that is followed by a poll of the same queue is one fused call. */
    private static void run(boolean fused) throws Exception {
        WebSocketHandle client = Handles.client(HandleProperties.defaults(), 21);
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 22);
        Wire toServer = new Wire();
        Wire toClient = new Wire();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger autoPongs = new AtomicInteger();
        List<byte[]> sent = new ArrayList<>();
        Random random = new Random(23);
        for (int i = 0; i < MESSAGES; i++) {
            byte[] m = new byte[random.nextInt(3000)];
            random.nextBytes(m);
            sent.add(m);
        }
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                for (byte[] m : sent) {
                    client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(m), m);
                    Action a = client.getAction(ActionQueue.SEND);
                    while (true) {
                        if (a instanceof Action.SendToNetwork s) {
                            toServer.write(s);
                            a = completeThenGet(client, s, s.totalBytes(), ActionQueue.SEND, fused);
                        } else if (a instanceof Action.IndicateSendComplete c) {
                            client.completeAction(c, 0);
                            break;
                        } else {
                            Thread.onSpinWait(); // R4: the receive thread holds the wire with a pong
                            a = client.getAction(ActionQueue.SEND);
                        }
                    }
                }
            }, threads);
            CompletableFuture<Void> receiver = CompletableFuture.runAsync(() -> {
                client.receive(null);
                Action a = client.getAction(ActionQueue.RECEIVE);
                while (!done.get()) {
                    if (a instanceof Action.ReceiveFromNetwork r) {
                        int n;
                        while ((n = toClient.read(r.buffer())) == 0 && !done.get()) {
                            Thread.onSpinWait();
                        }
                        if (n == 0) {
                            client.completeAction(r, 0);
                            break;
                        }
                        a = completeThenGet(client, r, n, ActionQueue.RECEIVE, fused);
                    } else if (a instanceof Action.SendToNetwork s) {
                        autoPongs.incrementAndGet();
                        toServer.write(s);
                        a = completeThenGet(client, s, s.totalBytes(), ActionQueue.RECEIVE, fused);
                    } else if (a instanceof Action.IndicateReceiveComplete c) {
                        if (fused) {
                            a = client.completeAndReceive(c, null);
                        } else {
                            client.completeAction(c, 0);
                            client.receive(null);
                            a = client.getAction(ActionQueue.RECEIVE);
                        }
                    } else {
                        Thread.onSpinWait();
                        a = client.getAction(ActionQueue.RECEIVE);
                    }
                }
            }, threads);
            List<byte[]> received = new ArrayList<>();
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                server.receive(null);
                boolean pingPending = false;
                int pingsSent = 0;
                int pongsBack = 0;
                java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
                while (received.size() < MESSAGES || pongsBack < pingsSent) {
                    Action a = server.getAction(ActionQueue.ALL);
                    if (a instanceof Action.ReceiveFromNetwork r) {
                        int n;
                        while ((n = toServer.read(r.buffer())) == 0) {
                            Thread.onSpinWait();
                        }
                        server.completeAction(r, n);
                    } else if (a instanceof Action.SendToNetwork s) {
                        toClient.write(s);
                        server.completeAction(s, s.totalBytes());
                    } else if (a instanceof Action.IndicateSendComplete c) {
                        server.completeAction(c, 0);
                        pingPending = false;
                    } else if (a instanceof Action.IndicateReceiveComplete c) {
                        byte[] copy = new byte[c.data().remaining()];
                        c.data().get(copy);
                        server.completeAction(c, 0);
                        if (c.bufferType().isData()) {
                            message.writeBytes(copy);
                        } else if (c.bufferType() == BufferType.PONG) {
                            pongsBack++;
                        }
                        if (c.bufferType() == BufferType.BINARY_MESSAGE) {
                            received.add(message.toByteArray());
                            message.reset();
                            if (!pingPending) {
                                server.send(BufferType.PING, ByteBuffer.wrap(new byte[] {1}), null);
                                pingPending = true;
                                pingsSent++;
                            }
                        }
                        server.receive(null);
                    }
                }
            }, threads);
            sender.get(60, TimeUnit.SECONDS);
            serverSide.get(60, TimeUnit.SECONDS);
            done.set(true);
            receiver.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < MESSAGES; i++) {
                assertEquals(ByteBuffer.wrap(sent.get(i)), ByteBuffer.wrap(received.get(i)), "message " + i);
            }
            assertTrue(autoPongs.get() > 0, "the receive thread answered pings");
            assertFalse(toServer.overlapped.get(), "R5: two frames were handed out for writing at once");
        } finally {
            threads.shutdownNow();
        }
    }

    private static Action completeThenGet(WebSocketHandle handle, Action action, long bytes, ActionQueue queue,
                                          boolean fused) {
        if (fused) {
            return handle.completeAndGetAction(action, bytes, queue);
        }
        handle.completeAction(action, bytes);
        return handle.getAction(queue);
    }
}
