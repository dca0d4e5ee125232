package dev.ferry.servlet;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link ScratchPool.Shelf}: bounded, and lending and taking back allocate nothing. */
class ScratchPoolTest {

    @Test
    void aShelfLendsWhatItWasGivenAndKeepsNoMoreThanItsSlots() {
        ScratchPool.Shelf<byte[]> shelf = new ScratchPool.Shelf<>(3);
        assertNull(shelf.take());
        byte[] one = new byte[1];
        shelf.put(one);
        assertSame(one, shelf.take());
        for (int i = 0; i < 5; i++) {
            shelf.put(new byte[1]);
        }
        int taken = 0;
        while (shelf.take() != null) {
            taken++;
        }
        assertEquals(3, taken);
    }

    @Test
    void takingBackAndLendingAgainAllocatesNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ScratchPool.Shelf<byte[]> shelf = new ScratchPool.Shelf<>(ScratchPool.KEPT);
        byte[] array = new byte[16];
        shelf.put(array);
        shelf.take(); // classes loaded and linked
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 10_000; i++) {
            shelf.put(array);
            if (shelf.take() != array) {
                throw new AssertionError("expected the array just given back");
            }
        }
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        // A linked queue allocated a node per array given back: 240,000 bytes here.
        assertTrue(allocated < 10_000, "expected no allocation per loan, got " + allocated + " bytes for 10,000");
    }
}
