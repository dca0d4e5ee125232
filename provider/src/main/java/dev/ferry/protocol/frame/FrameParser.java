package dev.ferry.protocol.frame;

import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.InvalidProtocolFormatException;
import dev.ferry.protocol.Role;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bytes to frame headers (RFC 6455 §5.2), with every rule a single header can break checked here:
 * reserved opcodes, RSV bits nobody negotiated, control frames that are long or fragmented, the
 * most significant bit of a 64-bit length, and the masking direction. Rules that span frames (message
 * sequencing) belong to the message assembly above.
 *
 * <p>Thread contract: not thread safe; one instance per handle, driven under the handle's lock.
 * The parser keeps the last header in fields (no allocation per frame); read them after
 * {@link #parse} returned a length greater than 0.
 */
public final class FrameParser {

    // Network byte order (RFC 6455 §5.2) straight from the array: no buffer object, index or scope between.
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final boolean requireMasked;
    private final boolean requireUnmasked;
    private int allowedRsv;

    /** The header's first byte: FIN, the RSV bits and the opcode are read from it (fewer fields to write per frame). */
    private int first;
    private boolean masked;
    private int maskKey;
    private long payloadLength;

    /**
     * @param role           the role of the handle that receives these frames
     * @param disableMasking whether to accept frames whatever their mask bit (spec §2.6 DISABLE_MASKING)
     */
    public FrameParser(Role role, boolean disableMasking) {
        this.requireMasked = role == Role.SERVER && !disableMasking;
        this.requireUnmasked = role == Role.CLIENT && !disableMasking;
    }

    /** The RSV bits negotiated extensions own; they may appear on the first frame of a data message. */
    public void allowRsv(int bits) {
        this.allowedRsv = bits & 7;
    }

    /**
     * Parses the header that starts at absolute index {@code from} of {@code buffer}, reading no further
     * than {@code to}. The buffer's position and limit do not change.
     *
     * @return the header's length in bytes, or 0 when the header is not complete yet
     * @throws InvalidProtocolFormatException when the header breaks RFC 6455 (close 1002)
     */
    public int parse(ByteBuffer buffer, int from, int to) {
        if (buffer.hasArray()) {
            return parse(buffer.array(), buffer.arrayOffset() + from, buffer.arrayOffset() + to);
        }
        byte[] header = new byte[Math.min(to - from, 14)]; // 14: the longest header
        buffer.get(from, header);
        return parse(header, 0, header.length);
    }

    /**
     * {@link #parse(ByteBuffer, int, int)} over an array: the header that starts at index {@code from} of
     * {@code bytes}, reading no further than {@code to}.
     *
     * @return the header's length in bytes, or 0 when the header is not complete yet
     * @throws InvalidProtocolFormatException when the header breaks RFC 6455 (close 1002)
     */
    public int parse(byte[] bytes, int from, int to) {
        int available = to - from;
        if (available < 2) {
            return 0;
        }
        int b0 = bytes[from] & 0xFF;
        int b1 = bytes[from + 1] & 0xFF;
        boolean isMasked = (b1 & 0x80) != 0;
        int length7 = b1 & 0x7F;
        Opcode op = Opcode.of(b0);
        // One test for the usual frame (a known opcode, no RSV bit, the expected mask bit, and for a control frame
        // FIN and a short length); anything else goes through every rule in order, which also lets negotiated
        // RSV bits and DISABLE_MASKING through. Keeping the rules out of line keeps this method small enough for
        // the JIT to inline it into the receive loop.
        boolean isControl = (b0 & 0x08) != 0; // RFC 6455 §5.2: control opcodes have their high bit set
        if (op == null || (b0 & 0x70) != 0 || (isMasked ? requireUnmasked : requireMasked)
                || (isControl && ((b0 & 0x80) == 0 || length7 > 125))) {
            checkRules(b0, op, length7, isMasked);
        }
        int size = (length7 <= 125 ? 2 : length7 == 126 ? 4 : 10) + (isMasked ? 4 : 0);
        if (available < size) {
            return 0;
        }
        long length;
        int index = from + 2;
        if (length7 <= 125) {
            length = length7;
        } else if (length7 == 126) {
            length = (short) SHORT.get(bytes, index) & 0xFFFF;
            index += 2;
        } else {
            length = longLength(bytes, index);
            index += 8;
        }
        this.first = b0;
        this.masked = isMasked;
        this.maskKey = isMasked ? (int) INT.get(bytes, index) : 0;
        this.payloadLength = length;
        return size;
    }

    /** A 64-bit payload length, whose most significant bit must be 0 (RFC 6455 §5.2). */
    private static long longLength(byte[] bytes, int index) {
        long length = (long) LONG.get(bytes, index);
        if (length < 0) {
            throw violation("payload length over 2^63-1", "a 64-bit payload length with its most significant bit 0, got 0x"
                    + Long.toHexString(length) + " (RFC 6455 §5.2)");
        }
        return length;
    }

    /**
     * Every rule the first two bytes of a header can break, in the order they are checked (so a bad frame fails
     * as early as possible, and a frame that breaks several rules always reports the same one).
     */
    private void checkRules(int b0, Opcode op, int length7, boolean isMasked) {
        int bits = (b0 >> 4) & 7;
        boolean isFin = (b0 & 0x80) != 0;
        if (op == null) {
            throw violation("reserved opcode", "a known opcode, got reserved opcode 0x" + Integer.toHexString(b0 & 0xF)
                    + " (RFC 6455 §5.2)");
        }
        if (op.isControl()) {
            if (!isFin) {
                throw violation("fragmented control frame", "FIN set on a " + op + " frame, got a fragmented control frame (RFC 6455 §5.5)");
            }
            if (length7 > 125) {
                throw violation("control frame over 125 bytes", "a " + op + " payload of at most 125 bytes, got a longer one (RFC 6455 §5.5)");
            }
        }
        if (bits != 0) {
            if (op == Opcode.CONTINUATION || op.isControl()) {
                throw violation("RSV bits on a " + op + " frame", "RSV bits 0 on a " + op + " frame, got 0x" + Integer.toHexString(bits)
                        + " (RFC 6455 §5.2, RFC 7692 §6)");
            }
            if ((bits & ~allowedRsv) != 0) {
                throw violation("unexpected RSV bits", "RSV bits 0 or owned by a negotiated extension, got 0x"
                        + Integer.toHexString(bits) + " (RFC 6455 §5.2)");
            }
        }
        if (requireMasked && !isMasked) {
            throw violation("unmasked client frame", "a masked frame from the client, got an unmasked " + op + " frame (RFC 6455 §5.1)");
        }
        if (requireUnmasked && isMasked) {
            throw violation("masked server frame", "an unmasked frame from the server, got a masked " + op + " frame (RFC 6455 §5.1)");
        }
    }

    /** A violation: {@code reason} goes into the Close frame, {@code expectation} into the message. */
    private static InvalidProtocolFormatException violation(String reason, String expectation) {
        return new InvalidProtocolFormatException(CloseStatus.PROTOCOL_ERROR.withReason(reason),
                "expected " + expectation);
    }

    public boolean fin() {
        return (first & 0x80) != 0;
    }

    public int rsv() {
        return (first >> 4) & 7;
    }

    public Opcode opcode() {
        return Opcode.of(first);
    }

    /** Whether the last header is a control frame's ({@code opcode().isControl()}, from the header bits). */
    public boolean control() {
        return (first & 0x08) != 0; // RFC 6455 §5.2: control opcodes have their high bit set
    }

    public boolean masked() {
        return masked;
    }

    public int maskKey() {
        return maskKey;
    }

    public long payloadLength() {
        return payloadLength;
    }

    /** The last parsed header as a value (allocates; for tests and diagnostics). */
    public FrameHeader header() {
        return new FrameHeader(fin(), rsv(), opcode(), masked, maskKey, payloadLength);
    }
}
