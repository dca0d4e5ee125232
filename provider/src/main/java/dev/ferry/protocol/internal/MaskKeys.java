package dev.ferry.protocol.internal;

import java.util.random.RandomGenerator;

/**
 * Masking keys for client frames (RFC 6455 §5.3: "derived from a strong source of entropy"). Keys are
 * drawn from the source 64 at a time, so a {@code SecureRandom} is consulted once per 64 frames.
 * Tests pass a seeded generator and get byte-exact frames. The pool is made by the first key, so a server handle,
 * which never masks, holds none.
 *
 * <p>Thread contract: not thread safe; one instance per handle, used under the handle's lock.
 */
public final class MaskKeys {

    private final RandomGenerator source;
    private byte[] pool; // 64 keys, made by the first call to next()
    private int next;

    public MaskKeys(RandomGenerator source) {
        this.source = source;
    }

    /** The random source, also used for the handshake key. */
    public RandomGenerator source() {
        return source;
    }

    /** The next masking key, big-endian as it goes on the wire. */
    public int next() {
        if (pool == null || next == pool.length) {
            if (pool == null) {
                pool = new byte[256];
            }
            source.nextBytes(pool);
            next = 0;
        }
        int key = (pool[next] & 0xFF) << 24 | (pool[next + 1] & 0xFF) << 16 | (pool[next + 2] & 0xFF) << 8
                | (pool[next + 3] & 0xFF);
        next += 4;
        return key;
    }
}
