package dev.ferry.jakarta;

import java.lang.management.ManagementFactory;

/** Heap bytes allocated by the threads of this JVM, for tests that bound what a session allocates. */
final class AllThreadsAllocation {

    /** Null when this JVM does not count allocated bytes per thread. Looked up once: the lookup allocates. */
    private static final com.sun.management.ThreadMXBean THREADS = counting();

    private AllThreadsAllocation() {
    }

    private static com.sun.management.ThreadMXBean counting() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()
                ? threads : null;
    }

    /** Bytes allocated so far by the calling thread; -1 when this JVM does not count them. */
    static long currentThreadBytes() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Bytes allocated so far by every live thread of this JVM; -1 when it does not count them. */
    static long bytes() {
        if (THREADS == null) {
            return -1;
        }
        long total = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }
}
