package dev.ferry.protocol.internal;

import dev.ferry.protocol.Action;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One receive buffer and everything that points into it: the views the receive pipeline hands out and the actions
 * it hands out again while nothing in them changed. They move together, in and out of a {@link ReceiveMemoryPool},
 * so a view or a cached action never outlives its pipeline's hold on the bytes it shows.
 *
 * <p>Thread contract: not thread safe; owned by one pipeline at a time (under its handle's lock) or by the pool.
 */
final class ReceiveMemory {

    final ByteBuffer buffer;
    /** Read-only view of received data (chunks, pongs, the peer's Close). */
    final ByteBuffer view;
    /** Read-only view of a compressed payload, for an extension's decoder. */
    final ByteBuffer extensionInput;
    /** The free end of the buffer, handed out for reads (one reused view, not a slice per read). */
    final ByteBuffer readTarget;
    // Actions are immutable records; the last read and the last data chunk of each type are handed out again while
    // nothing in them changed (same view and context), so a steady stream of reads and chunks allocates nothing.
    Action.ReceiveFromNetwork lastRead;
    final Action.IndicateReceiveComplete[] lastChunks = new Action.IndicateReceiveComplete[4];
    /** Bytes {@code [0, dirty)} may hold a connection's data; they are zeroed before the memory is pooled. */
    int dirty;

    ReceiveMemory(int size) {
        this.buffer = ByteBuffer.allocate(size);
        this.view = buffer.asReadOnlyBuffer();
        this.extensionInput = buffer.asReadOnlyBuffer();
        this.readTarget = buffer.duplicate();
    }

    int size() {
        return buffer.capacity();
    }

    /**
     * Makes the memory fit for another connection: no byte of this one's data is left in it, and no cached action
     * keeps a caller's context alive while the memory waits in the pool (actions with no context are kept: they
     * can serve the next owner as they are).
     */
    void scrub() {
        Arrays.fill(buffer.array(), 0, dirty, (byte) 0);
        dirty = 0;
        if (lastRead != null && lastRead.context() != null) {
            lastRead = null;
        }
        for (int i = 0; i < lastChunks.length; i++) {
            if (lastChunks[i] != null && lastChunks[i].context() != null) {
                lastChunks[i] = null;
            }
        }
    }
}
