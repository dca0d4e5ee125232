package dev.ferry.transport;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.BufferType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * {@link WritePath.Spares}: the batch buffer of a connection that goes to wait for its peer serves the next deferred
 * frame, on that connection or another, instead of a new buffer per reply; an idle connection holds none.
 */
class WritePathSparesTest {

    /** A transport that takes everything and records each array and buffer it was handed, and the bytes. */
    private static final class Recording implements Transport {
        final List<ByteBuffer[]> arrays = new ArrayList<>();
        final List<ByteBuffer> buffers = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void start(TransportListener listener) {
        }

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            arrays.add(srcs);
            long n = 0;
            for (ByteBuffer src : srcs) {
                buffers.add(src);
                byte[] taken = new byte[src.remaining()];
                src.get(taken);
                bytes.write(taken, 0, taken.length);
                n += taken.length;
            }
            return n;
        }

        @Override
        public void demandRead() {
        }

        @Override
        public void demandWrite() {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isSecure() {
            return false;
        }
    }

    private static final WritePath.Completion NOTHING = new WritePath.Completion() {
        @Override
        public void written(Action.SendToNetwork action, boolean sendPipeline) {
        }

        @Override
        public void wrote() {
        }

        @Override
        public void holdStarted() {
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };

    private static Action.SendToNetwork frame(byte... payload) {
        return new Action.SendToNetwork(BufferType.BINARY_MESSAGE,
                List.of(ByteBuffer.wrap(new byte[] {(byte) 0x82, (byte) payload.length}).asReadOnlyBuffer(),
                        ByteBuffer.wrap(payload).asReadOnlyBuffer()), null);
    }

    /** One reply deferred and written, as when the connection is about to read again. */
    private static void reply(WritePath path, Action.SendToNetwork frame) throws Exception {
        path.addDeferred(frame);
        path.flushBatch(null);
        path.flush();
    }

    @Test
    void theBatchBufferOfAConnectionGoneIdleServesTheNextReplyHereOrElsewhere() throws Exception {
        WritePath.Spares spares = new WritePath.Spares();
        Recording wire = new Recording();
        WritePath one = new WritePath(wire, 1 << 16, 1 << 22, NOTHING, spares);
        WritePath other = new WritePath(wire, 1 << 16, 1 << 22, NOTHING, spares);

        reply(one, frame((byte) 1, (byte) 2, (byte) 3));
        ByteBuffer first = wire.buffers.get(0);
        one.idle(); // waits for its peer: holds no buffer, the spares do
        reply(one, frame((byte) 4));
        assertSame(first, wire.buffers.get(1), "the same connection's next reply");
        one.idle();
        reply(other, frame((byte) 5, (byte) 6));
        assertSame(first, wire.buffers.get(2), "another connection's reply");
        assertArrayEquals(new byte[] {(byte) 0x82, 3, 1, 2, 3, (byte) 0x82, 1, 4, (byte) 0x82, 2, 5, 6},
                wire.bytes.toByteArray());
    }

    @Test
    void aBatchGoesOutInTheWriteThatCarriedItsBufferLastTimeWithoutItsMarker() throws Exception {
        Recording wire = new Recording();
        WritePath one = new WritePath(wire, 1 << 16, 1 << 22, NOTHING, new WritePath.Spares());
        int[] flushed = new int[1];
        one.addDeferred(frame((byte) 1));
        one.flushBatch(SendRequest.flush(failure -> flushed[0]++));
        one.flush();
        reply(one, frame((byte) 2)); // busy: the kept batch
        one.idle();
        reply(one, frame((byte) 3)); // back from the spares
        assertSame(wire.arrays.get(1), wire.arrays.get(2), "the same write, queued again: nothing allocated for it");
        assertEquals(1, flushed[0], "the marker of the first batch completed once, and stayed behind");
        assertArrayEquals(new byte[] {(byte) 0x82, 1, 1, (byte) 0x82, 1, 2, (byte) 0x82, 1, 3},
                wire.bytes.toByteArray());
    }

    @Test
    void theSparesKeepAtMostTheirSlotsAndNothingLarge() {
        WritePath.Spares spares = new WritePath.Spares();
        spares.put(written(WritePath.SPARE + 1));
        assertNull(spares.take(1), "a buffer over the spare size is not kept");
        for (int i = 0; i < WritePath.Spares.SLOTS + 3; i++) {
            spares.put(written(256));
        }
        int taken = 0;
        while (spares.take(1) != null) {
            taken++;
        }
        assertEquals(WritePath.Spares.SLOTS, taken);
        spares.put(written(256));
        assertNull(spares.take(257), "none large enough");
        assertNotNull(spares.take(256));
    }

    private static WritePath.Write written(int capacity) {
        return WritePath.Write.batch(ByteBuffer.allocate(capacity), List.of());
    }

}
