package dev.ferry.protocol.internal;

import dev.ferry.protocol.HandleProperties;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Receive memory lent to handles while they read or hold unparsed bytes, so an idle connection holds none and a
 * connection that goes idle between messages does not allocate a buffer per message.
 *
 * <p>Theory of operation. Memory is kept on shelves, one per buffer size: the default size
 * ({@value HandleProperties#DEFAULT_BUFFER_SIZE} bytes) always has one, and the first {@value #SHELVES} - 1 other
 * sizes to be borrowed claim the rest; memory of any further size is allocated for each borrow and left to the
 * garbage collector when given back. A shelf is an array of slots, each empty or holding one memory, taken and
 * filled with one compare-and-set (no lock, and no node that could come back under a waiting thread, as in a linked
 * stack). A shelf holds at most {@code retainedBytes} worth of memory (at least one); memory given back to a full
 * shelf is dropped. A plain, racy hint (the slot used last) makes the search short: a shelf is used like a stack.
 *
 * <p>Memory is zeroed where a connection wrote into it before it is shelved ({@link ReceiveMemory#scrub()}), so a
 * borrower never sees another connection's bytes.
 *
 * <p>Shared by every handle of the process ({@link #SHARED}): the one piece of static mutable state in the
 * component, bounded (at most {@value #SHELVES} shelves of {@value #RETAINED_BYTES} bytes) and holding nothing of
 * an application but zeroed bytes.
 *
 * <p>Thread contract: thread safe; every method may be called from any thread.
 */
public final class ReceiveMemoryPool {

    /** How many buffer sizes are pooled. */
    static final int SHELVES = 4;
    /** The most memory one shelf keeps: 256 buffers of the default size. */
    static final int RETAINED_BYTES = 1 << 20;
    /** The pool every handle uses. */
    static final ReceiveMemoryPool SHARED = new ReceiveMemoryPool(RETAINED_BYTES);

    private final int retainedBytes;
    private final AtomicReferenceArray<Shelf> shelves = new AtomicReferenceArray<>(SHELVES);
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    ReceiveMemoryPool(int retainedBytes) {
        this.retainedBytes = retainedBytes;
        shelves.set(0, new Shelf(HandleProperties.DEFAULT_BUFFER_SIZE, retainedBytes));
    }

    /**
     * How many receive buffers the shared pool has lent and not got back (for tests and diagnostics). Exact when no
     * borrow or give-back runs at the same time. Memory of a handle that was never closed, or closed while it had a
     * read outstanding, is left to the garbage collector and stays counted.
     */
    public static long lentBuffers() {
        return SHARED.lent();
    }

    /** Memory of {@code size} bytes: a shelved one if there is one, else a new one. */
    ReceiveMemory borrow(int size) {
        Shelf shelf = shelf(size);
        ReceiveMemory memory = shelf == null ? null : shelf.take();
        if (memory == null) {
            created.incrementAndGet();
            memory = new ReceiveMemory(size);
        }
        return memory;
    }

    /** Takes back memory that no view or action handed out refers to any more. */
    void giveBack(ReceiveMemory memory) {
        memory.scrub();
        Shelf shelf = shelf(memory.size());
        if (shelf == null || !shelf.put(memory)) {
            dropped.incrementAndGet();
        }
    }

    /** How many buffers this pool has allocated. */
    long created() {
        return created.get();
    }

    /** How many buffers were given back to a full shelf, or were of a size without one, and left to the collector. */
    long dropped() {
        return dropped.get();
    }

    /** How many buffers are lent and not given back. */
    long lent() {
        return created.get() - dropped.get() - retained();
    }

    /** How many buffers wait on the shelves. */
    long retained() {
        long count = 0;
        for (int i = 0; i < SHELVES; i++) {
            Shelf shelf = shelves.get(i);
            if (shelf != null) {
                count += shelf.count();
            }
        }
        return count;
    }

    /** The shelf for {@code size}, claiming a free one for a new size; null when every shelf has another size. */
    private Shelf shelf(int size) {
        for (int i = 0; i < SHELVES; i++) {
            Shelf shelf = shelves.get(i);
            if (shelf == null) {
                Shelf claimed = new Shelf(size, retainedBytes);
                shelf = shelves.compareAndExchange(i, null, claimed);
                if (shelf == null) {
                    return claimed;
                }
            }
            if (shelf.size == size) {
                return shelf;
            }
        }
        return null;
    }

    /** The slots for one size. */
    private static final class Shelf {
        final int size;
        private final AtomicReferenceArray<ReceiveMemory> slots;
        /** The slot used last; read and written without ordering, only a place to start looking. */
        private int hint;

        Shelf(int size, int retainedBytes) {
            this.size = size;
            this.slots = new AtomicReferenceArray<>(Math.max(1, retainedBytes / size));
        }

        /** Shelved memory, or null when the shelf is empty. */
        ReceiveMemory take() {
            int length = slots.length();
            int start = Math.min(hint, length - 1);
            for (int n = 0, i = start; n < length; n++, i = i == 0 ? length - 1 : i - 1) {
                ReceiveMemory memory = slots.get(i);
                if (memory != null && slots.compareAndSet(i, memory, null)) {
                    hint = i;
                    return memory;
                }
            }
            return null;
        }

        /** Shelves {@code memory}; false when the shelf is full. */
        boolean put(ReceiveMemory memory) {
            int length = slots.length();
            int start = Math.min(hint, length - 1);
            for (int n = 0, i = start; n < length; n++, i = i + 1 == length ? 0 : i + 1) {
                if (slots.get(i) == null && slots.compareAndSet(i, null, memory)) {
                    hint = i;
                    return true;
                }
            }
            return false;
        }

        int count() {
            int count = 0;
            for (int i = 0; i < slots.length(); i++) {
                count += slots.get(i) != null ? 1 : 0;
            }
            return count;
        }
    }
}
