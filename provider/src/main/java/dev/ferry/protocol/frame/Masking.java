package dev.ferry.protocol.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * XOR masking of payload bytes (RFC 6455 §5.3), eight bytes at a time. Stateless.
 *
 * <p>A masking key is handled as a big-endian {@code int}: the first key byte on the wire is its most
 * significant byte. {@code offset} is the number of payload bytes already masked with this key, so a
 * payload can be processed in pieces.
 */
public final class Masking {

    private Masking() {
    }

    /** The key rotated so that its first byte is the one that applies at payload position {@code offset}. */
    static int rotate(int maskKey, long offset) {
        return Integer.rotateLeft(maskKey, (int) (offset & 3) * 8);
    }

    /**
     * Masks (or unmasks: XOR is its own inverse) {@code buffer[from, to)} in place, by absolute index.
     * The buffer's position and limit do not change.
     */
    public static void maskInPlace(ByteBuffer buffer, int from, int to, int maskKey, long offset) {
        maskInto(buffer, from, buffer, from, to - from, maskKey, offset);
    }

    /**
     * Writes {@code src[srcIndex, srcIndex + length)} masked into {@code dst} starting at {@code dstIndex},
     * by absolute index; neither buffer's position or limit changes. The two ranges may be the same range.
     */
    public static void maskInto(ByteBuffer src, int srcIndex, ByteBuffer dst, int dstIndex, int length,
                                int maskKey, long offset) {
        int key = rotate(maskKey, offset);
        if (key == 0) {
            if (src != dst || srcIndex != dstIndex) {
                dst.put(dstIndex, src, srcIndex, length);
            }
            return;
        }
        int i = 0;
        if (src.order() == dst.order()) {
            long key8 = ((long) key << 32) | (key & 0xFFFFFFFFL);
            if (src.order() == ByteOrder.LITTLE_ENDIAN) {
                key8 = Long.reverseBytes(key8);
            }
            for (int end = length - 7; i < end; i += 8) {
                dst.putLong(dstIndex + i, src.getLong(srcIndex + i) ^ key8);
            }
        }
        for (; i < length; i++) {
            int shift = 24 - (i & 3) * 8;
            dst.put(dstIndex + i, (byte) (src.get(srcIndex + i) ^ (key >>> shift)));
        }
    }
}
