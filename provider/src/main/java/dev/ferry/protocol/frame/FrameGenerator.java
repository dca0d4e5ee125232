package dev.ferry.protocol.frame;

import java.nio.ByteBuffer;

/**
 * Frames to bytes: writes frame headers (RFC 6455 §5.2). Stateless; payloads are written (and masked,
 * see {@link Masking}) by the caller, which keeps them where they are instead of copying them here.
 */
public final class FrameGenerator {

    private FrameGenerator() {
    }

    /** Writes {@code header} at {@code dst}'s position, advancing it by {@link FrameHeader#length()}. */
    public static void writeHeader(ByteBuffer dst, FrameHeader header) {
        writeHeader(dst, header.fin(), header.rsv(), header.opcode(), header.masked(), header.maskKey(),
                header.payloadLength());
    }

    /**
     * Writes a frame header at {@code dst}'s position, advancing it. The shortest length encoding is used
     * (RFC 6455 §5.2: "the minimal number of bytes MUST be used").
     */
    public static void writeHeader(ByteBuffer dst, boolean fin, int rsv, Opcode opcode, boolean masked,
                                   int maskKey, long payloadLength) {
        dst.put((byte) ((fin ? 0x80 : 0) | (rsv << 4) | opcode.code()));
        int maskBit = masked ? 0x80 : 0;
        if (payloadLength <= 125) {
            dst.put((byte) (maskBit | payloadLength));
        } else if (payloadLength <= 0xFFFF) {
            dst.put((byte) (maskBit | 126));
            dst.putShort((short) payloadLength);
        } else {
            dst.put((byte) (maskBit | 127));
            dst.putLong(payloadLength);
        }
        if (masked) {
            dst.putInt(maskKey);
        }
    }
}
