package dev.ferry.protocol.internal;

import dev.ferry.protocol.Extension;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The receive pipeline's side of negotiated extensions: a message whose first frame carries an extension's RSV bits
 * goes through that extension ({@link Extension#decodeInput}, then {@link Extension#decode}), and its decoded data
 * is handed out from a buffer of its own, one receive buffer at most per chunk. Made when extensions are negotiated
 * (a connection without them has none) and kept, with its buffer, while the handle lives.
 *
 * <p>The decoded buffer holds several receive buffers' worth (about {@value #DECODE_STEP} bytes): the extension is
 * called to fill it whole, and its size bounds what a compressed frame occupies however far it expands.
 *
 * <p>Thread contract: not thread safe; owned by the receive pipeline.
 */
final class ExtensionDecoding {

    /**
     * How many decoded bytes one call into an extension's decoder may produce (rounded down to whole receive buffers,
     * at least one). zlib decodes the last 258 bytes of room of every call outside its fast loop: with one call per
     * 4 KiB chunk that part took 7% of a 64 KiB message's time (perf, issue 2 benchmark), with 16 KiB steps 2.6%.
     * 8 KiB measured as fast as 16 and 32 KiB (CPU time), and costs a connection 4 KiB more than one buffer, not 12.
     */
    static final int DECODE_STEP = 8 * 1024;

    private final List<Extension> extensions;
    private final int chunkSize;
    /** Decoded data, {@code [start, end)} not handed out yet. */
    private final ByteBuffer decoded;
    private final ByteBuffer view;
    private int start;
    private int end;
    /** Whether the extension returned 0 at the end of the last fill: it has no output until it gets more input. */
    private boolean drained;
    /** The extension of the message in progress; null between messages. */
    private Extension extension;
    /** Whether decoded output may be waiting: in the decoded buffer, or in the extension not drained yet. */
    private boolean hasOutput;
    private boolean finalSupplied;
    /** The chunk {@link #next()} took: its first byte in {@link #buffer()}, its length, whether it ends the message. */
    private int chunkStart;
    private int chunkLength;
    private boolean lastChunk;

    /** @param chunkSize the receive buffer's size, the most one chunk holds */
    ExtensionDecoding(List<Extension> extensions, int chunkSize) {
        this.extensions = extensions;
        this.chunkSize = chunkSize;
        this.decoded = ByteBuffer.allocate(chunkSize * Math.max(1, DECODE_STEP / chunkSize));
        this.view = decoded.asReadOnlyBuffer();
    }

    /**
     * A message starts whose first frame has the RSV bits {@code rsv} (not 0).
     *
     * @return whether exactly one negotiated extension owns those bits; if not, the peer broke RFC 6455 §5.2
     */
    boolean startMessage(int rsv) {
        for (Extension candidate : extensions) {
            if (candidate.rsvBits() == rsv) {
                extension = candidate;
                return true;
            }
        }
        return false;
    }

    /** Hands the message's extension the payload bytes {@code input} holds; {@code last}: they end the message. */
    void feed(ByteBuffer input, boolean last) {
        extension.decodeInput(input, last);
        finalSupplied = last;
        hasOutput = true;
    }

    /** Whether decoded output may be waiting for {@link #next()}. */
    boolean hasOutput() {
        return hasOutput;
    }

    /**
     * Takes the next chunk of decoded data, at most one receive buffer long: from what the last call into the
     * extension left in the decoded buffer, or, once that is handed out, from a new call that fills it. Its bounds are
     * then {@link #chunkStart()} and {@link #chunkLength()}; after the message's last chunk the decoding is between
     * messages again.
     *
     * @return false when the extension needs more input first (no chunk was taken)
     */
    boolean next() {
        if (start == end) {
            fill();
        }
        int from = start;
        int length = Math.min(chunkSize, end - from);
        start = from + length;
        boolean buffered = start < end;
        hasOutput = buffered || !drained;
        boolean last = !buffered && drained && finalSupplied;
        if (length == 0 && !last) {
            return false;
        }
        chunkStart = from;
        chunkLength = length;
        lastChunk = last;
        if (last) {
            extension = null;
        }
        return true;
    }

    int chunkStart() {
        return chunkStart;
    }

    int chunkLength() {
        return chunkLength;
    }

    /** Whether the chunk {@link #next()} took is the message's last. */
    boolean isLastChunk() {
        return lastChunk;
    }

    /** The buffer chunks are in. */
    ByteBuffer buffer() {
        return decoded;
    }

    /** The read-only view chunks are handed out through. */
    ByteBuffer view() {
        return view;
    }

    /**
     * Runs the message's extension into the whole decoded buffer (several chunks long, so zlib is called once per
     * {@value #DECODE_STEP} bytes rather than per chunk), until it is full or the extension needs more input.
     */
    private void fill() {
        decoded.clear();
        int total = 0;
        boolean none = false;
        while (decoded.hasRemaining()) {
            int n = extension.decode(decoded);
            if (n == 0) {
                none = true;
                break;
            }
            total += n;
        }
        start = 0;
        end = total;
        drained = none;
    }
}
