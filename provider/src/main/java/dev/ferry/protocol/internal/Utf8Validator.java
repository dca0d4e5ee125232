package dev.ferry.protocol.internal;

import java.nio.ByteBuffer;

/**
 * Incremental UTF-8 validation with a table-driven DFA over byte classes (Unicode Table 3-7,
 * "well-formed UTF-8 byte sequences"). It rejects at the first byte after which no continuation could
 * make the sequence valid: overlong forms, surrogates and code points over U+10FFFF fail on their
 * first or second byte, as RFC 6455 §8.1 asks ("fail fast").
 *
 * <p>Thread contract: not thread safe; one instance per receive pipeline. Stateful across chunks:
 * call {@link #reset()} at the start of each message.
 */
public final class Utf8Validator {

    static final int ACCEPT = 0;
    static final int REJECT = 1;

    /** Byte to class: 0 ASCII, 1 80-8F, 2 90-9F, 3 A0-BF, 4 never valid, 5 C2-DF, 6 E0, 7 E1-EC/EE-EF, 8 ED, 9 F0, 10 F1-F3, 11 F4. */
    private static final byte[] CLASSES = new byte[256];

    /**
     * State x class to state. States: 0 accept, 1 reject, 2 one continuation left, 3 two left,
     * 4 after E0 (A0-BF next), 5 after ED (80-9F next), 6 three left, 7 after F0 (90-BF next),
     * 8 after F4 (80-8F next).
     */
    private static final byte[] TRANSITIONS = {
        // 0  1  2  3  4  5  6  7  8  9 10 11
        0, 1, 1, 1, 1, 2, 4, 3, 5, 7, 6, 8, // 0 accept
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 1 reject
        1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, // 2
        1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, // 3
        1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, // 4
        1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 5
        1, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, // 6
        1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, // 7
        1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 8
    };

    static {
        for (int b = 0; b < 256; b++) {
            int c;
            if (b < 0x80) {
                c = 0;
            } else if (b < 0x90) {
                c = 1;
            } else if (b < 0xA0) {
                c = 2;
            } else if (b < 0xC0) {
                c = 3;
            } else if (b < 0xC2) {
                c = 4;
            } else if (b < 0xE0) {
                c = 5;
            } else if (b == 0xE0) {
                c = 6;
            } else if (b == 0xED) {
                c = 8;
            } else if (b < 0xF0) {
                c = 7;
            } else if (b == 0xF0) {
                c = 9;
            } else if (b < 0xF4) {
                c = 10;
            } else if (b == 0xF4) {
                c = 11;
            } else {
                c = 4;
            }
            CLASSES[b] = (byte) c;
        }
    }

    private int state = ACCEPT;

    /** Starts a new message. */
    public void reset() {
        state = ACCEPT;
    }

    /**
     * Feeds {@code buffer[from, to)} (absolute indexes; position and limit untouched).
     *
     * @return false as soon as the bytes seen so far can no longer be valid UTF-8
     */
    public boolean feed(ByteBuffer buffer, int from, int to) {
        int s = state;
        int i = from;
        while (i < to) {
            if (s == ACCEPT) {
                // ASCII runs are the common case: skip eight bytes at a time.
                while (i + 8 <= to && (buffer.getLong(i) & 0x8080808080808080L) == 0) {
                    i += 8;
                }
                if (i == to) {
                    break;
                }
            }
            s = TRANSITIONS[s * 12 + CLASSES[buffer.get(i) & 0xFF]];
            if (s == REJECT) {
                state = REJECT;
                return false;
            }
            i++;
        }
        state = s;
        return true;
    }

    /** Whether everything fed so far is complete, valid UTF-8 (no sequence left open). */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** Whether {@code buffer[from, to)} on its own is complete, valid UTF-8. */
    public static boolean isValid(ByteBuffer buffer, int from, int to) {
        Utf8Validator validator = new Utf8Validator();
        return validator.feed(buffer, from, to) && validator.isComplete();
    }
}
