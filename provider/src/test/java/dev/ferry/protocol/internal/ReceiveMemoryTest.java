package dev.ferry.protocol.internal;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.ActionQueue;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.Role;
import dev.ferry.protocol.handshake.HandshakeKeys;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receive pipeline holds receive memory only while it reads or has bytes buffered, borrows it from its pool and
 * gives it back ({@link ReceiveMemoryPool}); observed through the engine's accessor and the pool's counters.
 */
class ReceiveMemoryTest {

    private static final int SIZE = HandleProperties.DEFAULT_BUFFER_SIZE;

    private final ReceiveMemoryPool pool = new ReceiveMemoryPool(ReceiveMemoryPool.RETAINED_BYTES);

    /** A client engine after a canned handshake, its receive memory from {@code pool}. */
    static Engine client(ReceiveMemoryPool pool, HandleProperties properties) {
        Engine engine = new Engine(Role.CLIENT, properties, new Random(1), pool);
        List<HttpHeader> request = engine.beginClientHandshake(List.of(), List.of(), List.of());
        String key = HttpHeader.values(request, "Sec-WebSocket-Key").get(0);
        engine.endClientHandshake(List.of(new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "Upgrade"), new HttpHeader("Sec-WebSocket-Accept", HandshakeKeys.accept(key))));
        return engine;
    }

    /** An unmasked binary message as a server sends it (payloads under 126 bytes). */
    static byte[] binary(String payload) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + data.length];
        frame[0] = (byte) 0x82;
        frame[1] = (byte) data.length;
        System.arraycopy(data, 0, frame, 2, data.length);
        return frame;
    }

    static Action.ReceiveFromNetwork read(Engine engine) {
        return assertInstanceOf(Action.ReceiveFromNetwork.class, engine.getAction(ActionQueue.RECEIVE));
    }

    static String message(Engine engine) {
        Action.IndicateReceiveComplete chunk = assertInstanceOf(Action.IndicateReceiveComplete.class,
                engine.getAction(ActionQueue.RECEIVE));
        assertEquals(BufferType.BINARY_MESSAGE, chunk.bufferType());
        String text = StandardCharsets.UTF_8.decode(chunk.data()).toString();
        engine.completeAction(chunk, 0);
        return text;
    }

    static void feed(Engine engine, Action.ReceiveFromNetwork read, byte[] bytes) {
        read.buffer().put(bytes);
        engine.completeAction(read, bytes.length);
    }

    @Test
    void memoryIsHeldOnlyWhileReadingOrBuffering() {
        Engine engine = client(pool, HandleProperties.defaults());
        assertFalse(engine.holdsReceiveMemory(), "nothing borrowed when the handle is made");
        engine.receive(null);
        assertFalse(engine.holdsReceiveMemory(), "nor when a receive is queued");
        Action.ReceiveFromNetwork first = read(engine);
        assertTrue(engine.holdsReceiveMemory(), "borrowed for the read");
        assertEquals(1, pool.lent());
        engine.returnAction(first);
        assertFalse(engine.holdsReceiveMemory(), "given back with the unused read");
        assertEquals(0, pool.lent());
        assertEquals(1, pool.retained());

        feed(engine, read(engine), new byte[] {(byte) 0x82, 0x03, 'a'});
        Action.IndicateReceiveComplete part = assertInstanceOf(Action.IndicateReceiveComplete.class,
                engine.getAction(ActionQueue.RECEIVE));
        engine.completeAction(part, 0);
        engine.receive(null);
        engine.returnAction(read(engine));
        assertFalse(engine.holdsReceiveMemory(), "a frame's payload may continue in other memory");
        feed(engine, read(engine), new byte[] {'b', 'c'});
        assertEquals("bc", message(engine));
        engine.receive(null);
        feed(engine, read(engine), new byte[] {(byte) 0x82});
        engine.returnAction(read(engine));
        assertTrue(engine.holdsReceiveMemory(), "a partial header stays buffered across a return");
        assertEquals(1, pool.lent());

        read(engine);
        engine.close();
        assertEquals(1, pool.lent(), "a read outstanding at close() may still be written into: not pooled");
        assertEquals(1, pool.created(), "one buffer served the whole connection");
    }

    @Test
    void closeGivesTheMemoryBack() {
        Engine engine = client(pool, HandleProperties.defaults());
        engine.receive(null);
        feed(engine, read(engine), binary("bye"));
        assertEquals("bye", message(engine));
        assertTrue(engine.holdsReceiveMemory(), "a connection that keeps reading keeps its memory");
        engine.close();
        assertEquals(0, pool.lent());
        assertEquals(1, pool.retained());
    }

    @Test
    void wakeUpsReuseOneBufferAndTheSameActions() {
        Engine engine = client(pool, HandleProperties.defaults());
        Action.ReceiveFromNetwork firstRead = null;
        for (int i = 0; i < 100; i++) {
            engine.receive(null);
            engine.returnAction(read(engine)); // nothing on the network yet: idle
            Action.ReceiveFromNetwork woken = read(engine);
            if (firstRead == null) {
                firstRead = woken;
            }
            assertSame(firstRead, woken, "a read without context is handed out again after a wake-up");
            feed(engine, woken, binary("m" + i));
            assertEquals("m" + i, message(engine));
        }
        assertEquals(1, pool.created(), "request/response: no buffer allocated per message");
        engine.close();
    }

    @Test
    void pooledMemoryIsZeroedAndKeepsNoCallersContext() {
        Engine first = client(pool, HandleProperties.defaults());
        Object context = new Object();
        first.receive(context);
        Action.ReceiveFromNetwork read = read(first);
        feed(first, read, binary("secret"));
        assertEquals("secret", message(first));
        first.receive(context);
        first.returnAction(read(first));

        Engine second = client(pool, HandleProperties.defaults());
        second.receive(context);
        Action.ReceiveFromNetwork next = read(second);
        assertEquals(1, pool.created(), "the second connection got the first one's memory");
        assertNotSame(read, next, "an action carrying a context is not kept in the pool");
        ByteBuffer all = next.buffer().duplicate().clear();
        while (all.hasRemaining()) {
            assertEquals(0, all.get(), "no byte of the first connection is left");
        }
        first.close();
        second.close();
    }

    @Test
    void theShelvesAreBounded() {
        ReceiveMemoryPool small = new ReceiveMemoryPool(4 * SIZE);
        ReceiveMemory[] lent = new ReceiveMemory[6];
        for (int i = 0; i < lent.length; i++) {
            lent[i] = small.borrow(SIZE);
        }
        assertEquals(6, small.created());
        for (ReceiveMemory memory : lent) {
            small.giveBack(memory);
        }
        assertEquals(4, small.retained(), "at most retainedBytes of memory kept");
        assertEquals(2, small.dropped());
        assertEquals(0, small.lent());
        for (int i = 0; i < 4; i++) {
            small.borrow(SIZE);
        }
        assertEquals(6, small.created(), "kept memory is lent again");
        assertEquals(0, small.retained());
    }

    @Test
    void onlyAFewSizesArePooled() {
        ReceiveMemoryPool sizes = new ReceiveMemoryPool(ReceiveMemoryPool.RETAINED_BYTES);
        int[] others = {256, 1000, 8192};
        for (int size : others) {
            sizes.giveBack(sizes.borrow(size));
        }
        assertEquals(3, sizes.retained(), "the first sizes besides the default claim the other shelves");
        sizes.giveBack(sizes.borrow(512));
        assertEquals(3, sizes.retained(), "a fifth size is not pooled");
        assertEquals(1, sizes.dropped());
        ReceiveMemory big = sizes.borrow(HandleProperties.MAX_BUFFER_SIZE);
        sizes.giveBack(big);
        assertEquals(2, sizes.dropped(), "no shelf left for 1 MiB either");
        assertEquals(8192, sizes.borrow(8192).size());
        assertEquals(2, sizes.retained());
        assertEquals(1, sizes.lent());
    }

    @Test
    void aShelfKeepsAtLeastOneBufferOfAnySize() {
        ReceiveMemoryPool tiny = new ReceiveMemoryPool(1024);
        ReceiveMemory a = tiny.borrow(SIZE);
        ReceiveMemory b = tiny.borrow(SIZE);
        tiny.giveBack(a);
        tiny.giveBack(b);
        assertEquals(1, tiny.retained());
        assertEquals(1, tiny.dropped());
    }
}
