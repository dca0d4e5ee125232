package dev.ferry.protocol;

import java.nio.ByteBuffer;

/**
 * One negotiated extension on one connection (J5). Created by an {@link ExtensionFactory}; driven by
 * the handle under its lock, so an implementation needs no synchronization of its own.
 *
 * <p>Only the payloads of data messages pass through an extension, and only when it claims RSV bits
 * ({@link #rsvBits()} not 0): an extension with no bits takes part in negotiation only. The handle sets
 * the claimed bits on the first frame of each outgoing message and, on receive, routes a message whose
 * first frame carries them through {@link #decodeInput} and {@link #decode}.
 *
 * <p>Buffers: {@link #encode}'s result belongs to the extension and stays valid until the next
 * {@code encode} or {@link #release()}. {@link #decodeInput}'s input stays owned by the handle, which
 * keeps it untouched until {@link #decode} has consumed it (returned 0 with {@link #needsInput()} true).
 */
public interface Extension {

    /** The extension's token. */
    String name();

    /** The element as negotiated: what the server put (or puts) in its response. */
    String response();

    /** The RSV bits this extension sets and reads: 0x4 for RSV1, 0x2 for RSV2, 0x1 for RSV3; 0 for none. */
    int rsvBits();

    /**
     * Whether to transform the outgoing data message that starts with {@code firstPart}. The handle asks
     * once per message, before its first {@link #encode}; when the answer is false it sends every part of
     * that message as given, with this extension's RSV bits clear, and calls {@code encode} for none of
     * them. permessage-deflate uses this to leave small messages uncompressed (RFC 7692 §6).
     *
     * @param firstPart the message's first part (read only; position and contents left as they are)
     * @param fin       whether the first part is also the last, so its size is the message's size
     * @return true (the default) to transform the message
     */
    default boolean encodes(ByteBuffer firstPart, boolean fin) {
        return true;
    }

    /**
     * Encodes one part of an outgoing data message.
     *
     * @param payload the part's bytes (read from position to limit, not modified)
     * @param first   whether this is the first part of its message
     * @param fin     whether this is the last part of its message
     * @return the bytes to put in the frame's payload
     */
    ByteBuffer encode(ByteBuffer payload, boolean first, boolean fin);

    /**
     * Supplies the next piece of an incoming message whose first frame carried {@link #rsvBits()}.
     * Must only be called when {@link #needsInput()} is true.
     *
     * @param input         frame payload bytes, already unmasked
     * @param endOfMessage  whether this piece ends the message (the last piece of its final frame)
     */
    void decodeInput(ByteBuffer input, boolean endOfMessage);

    /**
     * Writes decoded bytes of the current incoming message into {@code out}.
     *
     * @return the number of bytes written; 0 means all input supplied so far is consumed
     * @throws WebSocketProtocolException when the input cannot be decoded (close 1007)
     */
    int decode(ByteBuffer out);

    /** Whether everything supplied with {@link #decodeInput} has been consumed. */
    boolean needsInput();

    /** Frees native resources (for example a {@code Deflater}). Called once, on close or abort. */
    void release();
}
