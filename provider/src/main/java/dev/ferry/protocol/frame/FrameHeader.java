package dev.ferry.protocol.frame;

import java.util.Objects;

/**
 * One frame header as it appears on the wire (RFC 6455 §5.2).
 *
 * @param fin           whether this frame ends its message
 * @param rsv           the three RSV bits as a value 0 to 7 (RSV1 = 0x4, RSV2 = 0x2, RSV3 = 0x1)
 * @param opcode        the frame's opcode
 * @param masked        whether a masking key follows the length
 * @param maskKey       the masking key (big-endian, as on the wire); 0 when not masked
 * @param payloadLength the payload's length in bytes, 0 to 2^63 - 1
 */
public record FrameHeader(boolean fin, int rsv, Opcode opcode, boolean masked, int maskKey, long payloadLength) {

    /** The longest possible header: 2 bytes, a 64-bit length and a masking key. */
    public static final int MAX_LENGTH = 14;

    public FrameHeader {
        Objects.requireNonNull(opcode, "opcode");
        if (rsv < 0 || rsv > 7) {
            throw new IllegalArgumentException("rsv must be 0 to 7, got " + rsv);
        }
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payload length must be at least 0, got " + payloadLength);
        }
        if (!masked && maskKey != 0) {
            throw new IllegalArgumentException("an unmasked frame has no masking key, got " + maskKey);
        }
    }

    /** The number of bytes this header takes on the wire. */
    public int length() {
        return lengthOf(masked, payloadLength);
    }

    /** The number of bytes a header with these properties takes on the wire. */
    public static int lengthOf(boolean masked, long payloadLength) {
        int size = payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return masked ? size + 4 : size;
    }
}
