package dev.ferry.transport;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link Shelf}: bounded by its slots, and keeping and taking allocate nothing. */
class ShelfTest {

    @Test
    void aShelfLendsWhatItWasGivenAndKeepsNoMoreThanItsSlots() {
        Shelf<byte[]> shelf = new Shelf<>(3);
        assertNull(shelf.take());
        byte[] one = new byte[1];
        assertTrue(shelf.put(one));
        assertSame(one, shelf.take());
        int kept = 0;
        for (int i = 0; i < 5; i++) {
            kept += shelf.put(new byte[1]) ? 1 : 0;
        }
        assertEquals(3, kept, "the fourth and fifth find no slot");
        int taken = 0;
        while (shelf.take() != null) {
            taken++;
        }
        assertEquals(3, taken);
        assertThrows(IllegalArgumentException.class, () -> new Shelf<byte[]>(0));
    }

    @Test
    void keepingAndTakingAgainAllocatesNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Shelf<byte[]> shelf = new Shelf<>(64);
        byte[] array = new byte[16];
        shelf.put(array);
        shelf.take(); // classes loaded and linked
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 10_000; i++) {
            shelf.put(array);
            if (shelf.take() != array) {
                throw new AssertionError("expected the array just kept");
            }
        }
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        // A linked queue allocated a node per array kept: 240,000 bytes here.
        assertTrue(allocated < 10_000, "expected no allocation per loan, got " + allocated + " bytes for 10,000");
        assertNull(shelf.take(), "everything taken back out");
    }
}
