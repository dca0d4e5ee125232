package dev.ferry.protocol.internal;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.ActionQueue;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.HandleProperties;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handles on several threads share one pool: memory is never lent to two owners at once, nothing is lost or
 * corrupted across returns, and everything lent comes back. Seeded; bounded in iterations and time.
 */
class ReceiveMemoryConcurrencyTest {

    private static final int THREADS = 2;
    private static final long SAFETY_SECONDS = 60;

    @Test
    void twoThreadsBorrowAndGiveBackWithoutSharingMemory() throws Exception {
        ReceiveMemoryPool pool = new ReceiveMemoryPool(2 * HandleProperties.DEFAULT_BUFFER_SIZE); // contended, drops
        runOnThreads(thread -> {
            byte mark = (byte) (thread + 1);
            Random random = new Random(100 + thread);
            for (int i = 0; i < 20_000; i++) {
                ReceiveMemory memory = pool.borrow(HandleProperties.DEFAULT_BUFFER_SIZE);
                byte[] array = memory.buffer.array();
                int used = 1 + random.nextInt(256);
                for (int k = 0; k < used; k++) {
                    assertEquals(0, array[k], "lent memory is zeroed");
                }
                Arrays.fill(array, 0, used, mark);
                memory.dirty = used;
                if (random.nextInt(4) == 0) {
                    Thread.yield();
                }
                for (int k = 0; k < used; k++) {
                    assertEquals(mark, array[k], "memory lent to one owner at a time");
                }
                pool.giveBack(memory);
            }
        });
        assertEquals(0, pool.lent(), "everything lent came back");
        assertTrue(pool.retained() <= 2);
    }

    @Test
    void seededSoakOfHandlesThatGoIdleBetweenReads() throws Exception {
        ReceiveMemoryPool pool = new ReceiveMemoryPool(ReceiveMemoryPool.RETAINED_BYTES);
        runOnThreads(thread -> {
            Random random = new Random(6455 + thread);
            Engine engine = ReceiveMemoryTest.client(pool, HandleProperties.defaults());
            for (int message = 0; message < 2_000; message++) {
                byte[] payload = new byte[random.nextInt(1, 300)];
                random.nextBytes(payload);
                byte[] wire = frame(payload, random.nextBoolean() ? null : new byte[] {(byte) 0x8A, 0x01, 0x2A});
                assertArrayEquals(payload, receive(engine, wire, random), "message " + message + " on thread " + thread);
            }
            engine.receive(null);
            engine.returnAction(ReceiveMemoryTest.read(engine));
            assertTrue(!engine.holdsReceiveMemory(), "idle at the end");
            engine.close();
        });
        assertEquals(0, pool.lent(), "every idle or closed handle gave its memory back");
        assertTrue(pool.created() <= THREADS + 2, "memory was reused, got " + pool.created() + " buffers");
    }

    /** The bytes of one binary message as a server sends it, optionally preceded by a control frame. */
    private static byte[] frame(byte[] payload, byte[] before) {
        int header = payload.length < 126 ? 2 : 4;
        byte[] prefix = before == null ? new byte[0] : before;
        byte[] wire = new byte[prefix.length + header + payload.length];
        System.arraycopy(prefix, 0, wire, 0, prefix.length);
        wire[prefix.length] = (byte) 0x82;
        if (header == 2) {
            wire[prefix.length + 1] = (byte) payload.length;
        } else {
            wire[prefix.length + 1] = 126;
            wire[prefix.length + 2] = (byte) (payload.length >> 8);
            wire[prefix.length + 3] = (byte) payload.length;
        }
        System.arraycopy(payload, 0, wire, prefix.length + header, payload.length);
        return wire;
    }

    /**
     * Receives {@code wire} in random pieces, returning reads unused at random (as a driver does when the network
     * has nothing), and collects the message's payload; a Pong on the way is reported in a receive of its own.
     */
    private static byte[] receive(Engine engine, byte[] wire, Random random) {
        ByteBuffer input = ByteBuffer.wrap(wire);
        ByteBuffer payload = ByteBuffer.allocate(wire.length);
        engine.receive(null);
        for (int steps = 0; steps < 10_000; steps++) {
            Action action = engine.getAction(ActionQueue.RECEIVE);
            if (action instanceof Action.ReceiveFromNetwork read) {
                if (!input.hasRemaining() || random.nextInt(3) == 0) {
                    engine.returnAction(read);
                    if (!input.hasRemaining()) {
                        throw new AssertionError("expected the message to be complete, got a read after its last byte");
                    }
                    continue;
                }
                int n = Math.min(read.buffer().remaining(), random.nextInt(1, input.remaining() + 1));
                read.buffer().put(input.slice(input.position(), n));
                input.position(input.position() + n);
                engine.completeAction(read, n);
            } else if (action instanceof Action.IndicateReceiveComplete chunk) {
                BufferType type = chunk.bufferType();
                if (type != BufferType.PONG) {
                    payload.put(chunk.data());
                }
                engine.completeAction(chunk, 0);
                if (type == BufferType.BINARY_MESSAGE) {
                    return Arrays.copyOf(payload.array(), payload.position());
                }
                engine.receive(null);
            } else {
                throw new AssertionError("expected a read or a chunk, got " + action);
            }
        }
        throw new AssertionError("expected the message within 10,000 steps");
    }

    private interface Body {
        void run(int thread) throws Exception;
    }

    private static void runOnThreads(Body body) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    start.await(SAFETY_SECONDS, TimeUnit.SECONDS);
                    body.run(thread);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(SAFETY_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
