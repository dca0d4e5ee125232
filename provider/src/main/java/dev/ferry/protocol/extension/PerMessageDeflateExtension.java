package dev.ferry.protocol.extension;

import dev.ferry.protocol.Extension;

import java.nio.ByteBuffer;

/**
 * permessage-deflate running on one connection (RFC 7692 §7.2): compresses outgoing data messages with
 * a {@link MessageDeflater} and inflates incoming ones with a {@link MessageInflater}, each direction
 * with the context takeover and window size agreed in the handshake.
 *
 * <p>Thread contract: driven by its handle under the handle's lock, as {@link Extension} promises; it
 * has no synchronization of its own and must not be used by two threads at once.
 *
 * <p>Memory: the {@code Deflater} and the {@code Inflater} are created on the first message in their
 * direction, so an idle connection holds no native zlib memory; {@link #release()} ends both.
 */
final class PerMessageDeflateExtension implements Extension {

    /** RSV1 (RFC 7692 §6). */
    static final int RSV1 = 0x4;

    private final String response;
    private final int minCompressSize;
    private final MessageDeflater deflater;
    private final MessageInflater inflater;

    /**
     * @param response        the negotiated element, as the server sent it
     * @param minCompressSize whole messages shorter than this go out uncompressed
     * @param deflater        the sending half
     * @param inflater        the receiving half
     */
    PerMessageDeflateExtension(String response, int minCompressSize, MessageDeflater deflater,
                               MessageInflater inflater) {
        this.response = response;
        this.minCompressSize = minCompressSize;
        this.deflater = deflater;
        this.inflater = inflater;
    }

    @Override
    public String name() {
        return PerMessageDeflate.NAME;
    }

    @Override
    public String response() {
        return response;
    }

    @Override
    public int rsvBits() {
        return RSV1;
    }

    /** Only a message known whole ({@code fin}) and shorter than the configured minimum stays plain. */
    @Override
    public boolean encodes(ByteBuffer firstPart, boolean fin) {
        return !fin || firstPart.remaining() >= minCompressSize;
    }

    @Override
    public ByteBuffer encode(ByteBuffer payload, boolean first, boolean fin) {
        return deflater.encode(payload, fin);
    }

    /** Reads {@code input} in place: its position advances as {@link #decode} consumes it. */
    @Override
    public void decodeInput(ByteBuffer input, boolean endOfMessage) {
        inflater.supply(input, endOfMessage);
    }

    /** @throws IllegalArgumentException when {@code out} has no room */
    @Override
    public int decode(ByteBuffer out) {
        return inflater.inflate(out);
    }

    @Override
    public boolean needsInput() {
        return inflater.needsInput();
    }

    /** Ends the {@code Deflater} and the {@code Inflater} that exist. Idempotent. */
    @Override
    public void release() {
        deflater.release();
        inflater.release();
    }

    /** Whether native zlib memory is held now: a Deflater or an Inflater exists. */
    boolean holdsZlibStreams() {
        return deflater.hasZlibStream() || inflater.hasZlibStream();
    }

    @Override
    public String toString() {
        return "PerMessageDeflateExtension[" + response + "]";
    }
}
