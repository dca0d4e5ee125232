package dev.ferry.servlet;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Byte arrays of one size, lent to the servlet transports while they read or copy, so an idle connection holds
 * none. The pool keeps at most {@link #KEPT} arrays; an array given back beyond that, or of another size, is left to
 * the garbage collector. An array a container keeps (a pending non-blocking write) is simply never given back.
 *
 * <p>Thread safe.
 */
final class ScratchPool {

    /**
     * The size of every array: at least Tomcat's default upgraded read buffer (8 KiB), so one read empties what the
     * container has buffered (see {@link WebConnectionTransport}).
     */
    static final int SIZE = 16 * 1024;
    /** The most arrays kept for reuse (1 MiB). */
    static final int KEPT = 64;

    private static final ConcurrentLinkedQueue<byte[]> FREE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger FREE_COUNT = new AtomicInteger();

    private ScratchPool() {
    }

    /** An array of {@link #SIZE} bytes, whose content is undefined. */
    static byte[] borrow() {
        byte[] array = FREE.poll();
        if (array == null) {
            return new byte[SIZE];
        }
        FREE_COUNT.decrementAndGet();
        return array;
    }

    /** Takes back an array that nobody uses any more; one not from this pool is ignored. */
    static void giveBack(byte[] array) {
        if (array.length == SIZE && FREE_COUNT.incrementAndGet() <= KEPT) {
            FREE.offer(array);
        } else if (array.length == SIZE) {
            FREE_COUNT.decrementAndGet();
        }
    }
}
