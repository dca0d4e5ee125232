package dev.ferry.jakarta;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link SendCopies}: copies that are exact, arrays reused by size, and a bound on what the pool keeps. */
class SendCopiesTest {

    private static ByteBuffer payload(int length, long seed) {
        byte[] bytes = new byte[length + 3];
        new Random(seed).nextBytes(bytes);
        return ByteBuffer.wrap(bytes, 3, length); // a position other than 0, as an application may pass
    }

    @Test
    void aCopyHoldsTheRemainingBytesFromPositionZeroAndLeavesTheSourceAlone() {
        SendCopies copies = new SendCopies(SendCopies.RETAINED);
        for (int length : new int[] {0, 5, SendCopies.SMALLEST - 1, SendCopies.SMALLEST, SendCopies.SMALLEST + 1,
                1 << 20, SendCopies.LARGEST + 1}) {
            ByteBuffer source = payload(length, length);
            ByteBuffer copy = copies.copyOf(source);
            assertEquals(0, copy.position());
            assertEquals(length, copy.remaining());
            assertEquals(source, copy, length + " bytes");
            assertEquals(3, source.position(), "the source's position is untouched");
        }
    }

    @Test
    void aLargeCopyGivenBackLendsItsArrayToTheNextOfItsSize() {
        SendCopies copies = new SendCopies(SendCopies.RETAINED);
        ByteBuffer first = copies.copyOf(payload(1 << 20, 1));
        assertEquals(1 << 20, first.array().length);
        copies.giveBack(first);
        assertEquals(1 << 20, copies.kept());
        ByteBuffer second = copies.copyOf(payload((1 << 19) + 1, 2)); // rounds up to the same 1 MiB shelf
        assertSame(first.array(), second.array());
        assertEquals(payload((1 << 19) + 1, 2), second, "the reused array holds the new payload");
        assertEquals(0, copies.kept());
        assertNotSame(second.array(), copies.copyOf(payload(1 << 20, 3)).array(), "an empty shelf makes a new one");
    }

    @Test
    void smallAndOversizedCopiesAreNeverKept() {
        SendCopies copies = new SendCopies(SendCopies.RETAINED);
        copies.giveBack(copies.copyOf(payload(64, 1)));
        copies.giveBack(copies.copyOf(payload(SendCopies.SMALLEST - 1, 2)));
        copies.giveBack(copies.copyOf(payload(SendCopies.LARGEST + 1, 3)));
        copies.giveBack(ByteBuffer.allocate(100_000)); // not one of the pool's sizes
        copies.giveBack(ByteBuffer.allocateDirect(SendCopies.SMALLEST));
        assertEquals(0, copies.kept());
    }

    @Test
    void thePoolKeepsNoMoreThanItsBound() {
        SendCopies copies = new SendCopies(3L << 20);
        ByteBuffer[] held = new ByteBuffer[5];
        for (int i = 0; i < held.length; i++) {
            held[i] = copies.copyOf(payload(1 << 20, i));
        }
        for (ByteBuffer copy : held) {
            copies.giveBack(copy);
        }
        assertEquals(3L << 20, copies.kept());
    }
}
