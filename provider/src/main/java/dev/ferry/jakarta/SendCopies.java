package dev.ferry.jakarta;

import dev.ferry.transport.Shelf;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Arrays for the copy a blocking send keeps of a large payload when it must return before the frame is written (a
 * send made on the connection's own callback thread, see {@code Outbound.sendBlocking}). Such a copy lives only
 * until its frame is written, so reusing its array spares the heap one allocation of the payload's size per message,
 * which for a payload of half a G1 region or more is a humongous allocation that starts a collection cycle.
 *
 * <p>Payloads under {@link #SMALLEST} bytes are copied into fresh arrays (cheap, and too many sizes to pool); larger
 * ones into arrays of the next power of two, up to {@link #LARGEST}, kept on one {@link Shelf} per size when given
 * back (keeping and taking allocate nothing), at most {@link #RETAINED} bytes in all; larger payloads are never
 * pooled. An array is given back only once its frame was written in full; a failed or cancelled send leaves it to the
 * garbage collector, since the transport may still hold it. One pool serves the JVM, like the protocol's receive
 * memory: it holds plain byte arrays whose content is overwritten before use and never shown to an application, and
 * its bound caps what it keeps.
 *
 * <p>Thread safe.
 */
final class SendCopies {

    /** The smallest payload copied into a pooled array. */
    static final int SMALLEST = 64 << 10;
    /** The largest pooled array. */
    static final int LARGEST = 4 << 20;
    /** The most bytes the pool keeps, over all shelves. */
    static final long RETAINED = 8L << 20;

    private static final int FIRST_SHIFT = Integer.numberOfTrailingZeros(SMALLEST);

    /** Declared after {@code FIRST_SHIFT}, which the constructor reads. */
    static final SendCopies SHARED = new SendCopies(RETAINED);

    private final long retained;
    private final AtomicLong kept = new AtomicLong();
    private final Shelf<byte[]>[] shelves;

    @SuppressWarnings("unchecked")
    SendCopies(long retained) {
        this.retained = retained;
        int sizes = Integer.numberOfTrailingZeros(LARGEST) - FIRST_SHIFT + 1;
        shelves = new Shelf[sizes];
        for (int i = 0; i < sizes; i++) {
            shelves[i] = new Shelf<>((int) Math.max(1, retained / ((long) SMALLEST << i)));
        }
    }

    /**
     * A copy of {@code data}'s remaining bytes (its position is left alone), in a buffer at position 0 whose limit is
     * their count; give it back with {@link #giveBack} once nothing refers to it.
     */
    ByteBuffer copyOf(ByteBuffer data) {
        int n = data.remaining();
        int shelf = shelf(n);
        byte[] array = null;
        if (shelf >= 0) {
            array = shelves[shelf].take();
            if (array != null) {
                kept.addAndGet(-array.length);
            } else {
                array = new byte[SMALLEST << shelf];
            }
        } else {
            array = new byte[n];
        }
        data.get(data.position(), array, 0, n); // absolute: no view of data to allocate
        return ByteBuffer.wrap(array, 0, n);
    }

    /** Takes back a copy made by {@link #copyOf} that nothing refers to any more; others are ignored. */
    void giveBack(ByteBuffer copy) {
        if (!copy.hasArray()) {
            return;
        }
        byte[] array = copy.array();
        int shelf = shelf(array.length);
        if (shelf < 0 || array.length != SMALLEST << shelf) {
            return;
        }
        if (kept.addAndGet(array.length) > retained || !shelves[shelf].put(array)) {
            kept.addAndGet(-array.length);
        }
    }

    /** Bytes kept for reuse now (for tests). */
    long kept() {
        return kept.get();
    }

    /** The shelf of arrays that hold {@code n} bytes, or -1 when {@code n} is not pooled. */
    private static int shelf(int n) {
        if (n < SMALLEST || n > LARGEST) {
            return -1;
        }
        int size = Integer.highestOneBit(n - 1) << 1; // the next power of two at or above n
        return Integer.numberOfTrailingZeros(size) - FIRST_SHIFT;
    }
}
