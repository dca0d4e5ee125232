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
 * thread) compete for the one wire writer (R5). Bounded in count; timeouts are only a safety net.
 */
class ConcurrentPipelinesTest {

    private static final int MESSAGES = 2000;

    /** A byte pipe both threads of one side write to; it also checks that writes never overlap. */
    private static final class Wire {
        private final ByteQueue bytes = new ByteQueue();
        private final AtomicBoolean writing = new AtomicBoolean();
        private final AtomicBoolean overlapped = new AtomicBoolean();

        void write(WebSocketHandle handle, Action.SendToNetwork s) {
            if (!writing.compareAndSet(false, true)) {
                overlapped.set(true);
            }
            synchronized (bytes) {
                for (ByteBuffer b : s.buffers()) {
                    bytes.add(b);
                }
            }
            writing.set(false);
            handle.completeAction(s, s.totalBytes());
        }

        int read(ByteBuffer dst) {
            synchronized (bytes) {
                return bytes.read(dst, Integer.MAX_VALUE);
            }
        }
    }

    @org.junit.jupiter.api.RepeatedTest(5)
    void sendAndReceivePipelinesOnTwoThreads() throws Exception {
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
                    while (true) {
                        Action a = client.getAction(ActionQueue.SEND);
                        if (a instanceof Action.SendToNetwork s) {
                            toServer.write(client, s);
                        } else if (a instanceof Action.IndicateSendComplete c) {
                            client.completeAction(c, 0);
                            break;
                        } else {
                            Thread.onSpinWait(); // R4: the receive thread holds the wire with a pong
                        }
                    }
                }
            }, threads);
            CompletableFuture<Void> receiver = CompletableFuture.runAsync(() -> {
                client.receive(null);
                while (!done.get()) {
                    Action a = client.getAction(ActionQueue.RECEIVE);
                    if (a instanceof Action.ReceiveFromNetwork r) {
                        int n;
                        while ((n = toClient.read(r.buffer())) == 0 && !done.get()) {
                            Thread.onSpinWait();
                        }
                        client.completeAction(r, n == 0 ? 0 : n);
                    } else if (a instanceof Action.SendToNetwork s) {
                        autoPongs.incrementAndGet();
                        toServer.write(client, s);
                    } else if (a instanceof Action.IndicateReceiveComplete c) {
                        client.completeAction(c, 0);
                        if (c.bufferType() != BufferType.CLOSE) {
                            client.receive(null);
                        }
                    } else {
                        Thread.onSpinWait();
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
                        toClient.write(server, s);
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
}
