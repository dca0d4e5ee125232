package dev.ferry.transport;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * At most a fixed number of things kept for reuse (buffers and arrays that nobody refers to any more): an array of
 * slots, each empty or holding one thing, taken and filled with one compare-and-set. No lock, and nothing allocated to
 * keep or take a thing, as a linked queue allocates a node per thing kept. A thing that finds every slot full is left
 * to the garbage collector, so a shelf never holds more than its slots.
 *
 * <p>The transport's and the servlet integration's pools keep their buffers on shelves; the protocol component's
 * receive memory has shelves of its own ({@code ReceiveMemoryPool}), since it may depend on {@code java.base} only.
 *
 * <p>Thread safe.
 *
 * @param <T> what is kept
 */
public final class Shelf<T> {

    private final AtomicReferenceArray<T> slots;

    /** @param slots how many things the shelf keeps at most (at least one) */
    public Shelf(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("expected at least one slot, got " + slots);
        }
        this.slots = new AtomicReferenceArray<>(slots);
    }

    /** A kept thing, now the caller's, or null when none is kept. */
    public T take() {
        for (int i = 0; i < slots.length(); i++) {
            T kept = slots.get(i);
            if (kept != null && slots.compareAndSet(i, kept, null)) {
                return kept;
            }
        }
        return null;
    }

    /** Keeps {@code thing}, which nobody uses any more, if a slot is free; false when none is (it is not kept). */
    public boolean put(T thing) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, thing)) {
                return true;
            }
        }
        return false;
    }
}
