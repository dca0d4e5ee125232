package dev.ferry.protocol.extension;

import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Where a connection's zlib streams come from: the JDK's in production; tests substitute streams that
 * count {@code end()} calls. Implementations are stateless and shared.
 */
interface Zlib {

    /** The JDK's raw DEFLATE streams (no zlib header or checksum, as RFC 7692 §7.2 requires). */
    Zlib JDK = new Zlib() {
        @Override
        public Deflater newDeflater(int level) {
            return new Deflater(level, true);
        }

        @Override
        public Inflater newInflater() {
            return new Inflater(true);
        }
    };

    /** A raw DEFLATE compressor at {@code level} (-1 for zlib's default, else 0 to 9). */
    Deflater newDeflater(int level);

    /** A raw DEFLATE decompressor; its 32 KiB window inflates any window size a peer may use. */
    Inflater newInflater();
}
