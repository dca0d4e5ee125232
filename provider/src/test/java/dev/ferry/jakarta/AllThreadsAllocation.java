package dev.ferry.jakarta;

import java.lang.management.ManagementFactory;

/** Heap bytes allocated by every live thread of this JVM, for tests that bound what a session allocates. */
final class AllThreadsAllocation {

    private AllThreadsAllocation() {
    }

    /** Bytes allocated so far by every live thread of this JVM; -1 when it does not count them. */
    static long bytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            return -1;
        }
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }
}
