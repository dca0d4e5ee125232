package dev.ferry.protocol.extension;

import java.lang.management.ManagementFactory;

/** Reads how many heap bytes the current thread has allocated, where the JVM can tell. */
final class AllocationMeter {

    private AllocationMeter() {
    }

    /** Bytes allocated by this thread so far, or -1 when the JVM does not measure it. */
    static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }
}
