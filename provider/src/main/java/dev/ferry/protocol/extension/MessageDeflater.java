package dev.ferry.protocol.extension;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * The sending half of permessage-deflate on one connection: compresses the parts of each outgoing
 * message into one DEFLATE stream (RFC 7692 §7.2.1).
 *
 * <p>Not thread-safe: {@link PerMessageDeflateExtension} calls it under the handle's lock.
 *
 * <p>Each part is compressed with {@code SYNC_FLUSH}, so its bytes can go out at once and every part
 * ends on a byte boundary with the empty stored block {@code 00 00 ff ff}. The last part of a message
 * drops that tail, which the receiver puts back (RFC 7692 §7.2.1). The one {@link Deflater} is created
 * on the first message and reset after each message unless context takeover applies.
 *
 * <p>Buffers: {@link #encode} reads its payload without moving the payload's position, and returns a
 * buffer owned by this object that stays valid until the next {@code encode}. That buffer is reused
 * and grows as needed; one that grew past {@value #RETAINED_CAPACITY} bytes for a large message is
 * dropped at the next message, so a connection does not keep its largest message's worth of memory.
 */
final class MessageDeflater {

    /** The bytes a SYNC_FLUSH ends with: an empty stored block's LEN and NLEN (RFC 7692 §7.2.1). */
    static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

    private static final int MIN_CAPACITY = 64;
    private static final int INITIAL_CAPACITY_LIMIT = 8 * 1024;
    private static final int RETAINED_CAPACITY = 64 * 1024;
    private static final byte[] NO_BYTES = {};

    private final Zlib zlib;
    private final int level;
    private final boolean huffmanOnly;
    private final boolean contextTakeover;

    private Deflater deflater;
    private ByteBuffer output;
    private boolean released;

    /**
     * @param huffmanOnly     compress without string matches, which honours any negotiated window size
     *                        below the JDK's fixed 32 KiB (RFC 7692 §7.1.2)
     * @param contextTakeover keep the compression context from one message to the next (RFC 7692 §7.1.1)
     */
    MessageDeflater(Zlib zlib, int level, boolean huffmanOnly, boolean contextTakeover) {
        this.zlib = zlib;
        this.level = level;
        this.huffmanOnly = huffmanOnly;
        this.contextTakeover = contextTakeover;
    }

    /**
     * Compresses one part of a message.
     *
     * @param payload the part (position to limit; the position is left where it was)
     * @param fin     whether this part ends its message
     * @return the compressed bytes, valid until the next call
     */
    ByteBuffer encode(ByteBuffer payload, boolean fin) {
        if (released) {
            throw new IllegalStateException("permessage-deflate was released, cannot encode");
        }
        Deflater zlibStream = deflater();
        ByteBuffer out = outputFor(payload.remaining());
        int start = payload.position();
        zlibStream.setInput(payload);
        try {
            int space;
            int written;
            // A full output buffer may hold back flushed bytes; a pending strategy change may consume nothing
            // on the first call. Either way the flush is complete only once input is gone and space is left.
            do {
                if (!out.hasRemaining()) {
                    out = grow(out);
                }
                space = out.remaining();
                written = zlibStream.deflate(out, Deflater.SYNC_FLUSH);
            } while (written == space || !zlibStream.needsInput());
        } finally {
            payload.position(start);
            zlibStream.setInput(NO_BYTES); // do not keep a reference to the caller's buffer
        }
        if (fin) {
            endMessage(out);
            if (!contextTakeover) {
                zlibStream.reset();
            }
        }
        return out.flip();
    }

    /** Ends the {@link Deflater}, if one was created. Idempotent. */
    void release() {
        released = true;
        output = null;
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }

    /** Whether a {@link Deflater} exists now (it is created on the first message, ended by release). */
    boolean hasZlibStream() {
        return deflater != null;
    }

    private Deflater deflater() {
        if (deflater == null) {
            deflater = zlib.newDeflater(level);
            if (huffmanOnly) {
                deflater.setStrategy(Deflater.HUFFMAN_ONLY);
            }
        }
        return deflater;
    }

    /** Drops the tail of the last flush (RFC 7692 §7.2.1), or writes the one-byte empty block it needs. */
    private static void endMessage(ByteBuffer out) {
        int length = out.position();
        if (length == 0) {
            // zlib writes nothing for a flush without new input right after a flush: the stream is already on a
            // byte boundary, so the message is one empty stored block header, 00, as in RFC 7692 §7.2.3.6.
            out.put((byte) 0);
            return;
        }
        for (int i = 0; i < TAIL.length; i++) {
            if (length < TAIL.length || out.get(length - TAIL.length + i) != TAIL[i]) {
                throw new IllegalStateException("expected the compressed message to end with 00 00 ff ff after "
                        + "SYNC_FLUSH (RFC 7692 §7.2.1), got " + length + " bytes ending otherwise");
            }
        }
        out.position(length - TAIL.length);
    }

    private ByteBuffer outputFor(int payloadLength) {
        int wanted = (int) Math.max(MIN_CAPACITY, Math.min(payloadLength + 16L, INITIAL_CAPACITY_LIMIT));
        if (output == null || output.capacity() < wanted || output.capacity() > RETAINED_CAPACITY) {
            output = ByteBuffer.allocate(wanted);
        }
        return output.clear();
    }

    private ByteBuffer grow(ByteBuffer full) {
        int capacity = full.capacity();
        if (capacity >= Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("compressed part exceeds " + capacity + " bytes");
        }
        ByteBuffer larger = ByteBuffer.allocate((int) Math.min(2L * capacity, Integer.MAX_VALUE - 8));
        larger.put(full.flip());
        output = larger;
        return larger;
    }
}
