package dev.ferry.protocol.extension;

import dev.ferry.protocol.Extension;
import dev.ferry.protocol.ExtensionFactory;
import dev.ferry.protocol.ExtensionNotSupportedException;

import java.util.Objects;
import java.util.zip.Deflater;

import static dev.ferry.protocol.extension.DeflateParameters.ABSENT;
import static dev.ferry.protocol.extension.DeflateParameters.MAX_WINDOW_BITS;
import static dev.ferry.protocol.extension.DeflateParameters.MIN_WINDOW_BITS;
import static dev.ferry.protocol.extension.DeflateParameters.NO_VALUE;

/**
 * The permessage-deflate extension (RFC 7692): negotiates its four parameters in the opening handshake
 * and compresses data messages with DEFLATE, flagged by RSV1. One immutable instance, built with
 * {@link #builder()}, serves any number of handles in either role; each negotiation creates a fresh
 * per-connection {@link Extension}.
 *
 * <p><b>Settings by role.</b> The same settings say what a client offers and what a server answers:
 * <table>
 *   <caption>What each setting does</caption>
 *   <tr><th>setting</th><th>client ({@link #offer}, {@link #confirm})</th><th>server ({@link #accept})</th></tr>
 *   <tr><td>{@code serverNoContextTakeover}</td><td>asks the server to compress each message on its own</td>
 *       <td>answers {@code server_no_context_takeover} even when not asked (always when asked)</td></tr>
 *   <tr><td>{@code clientNoContextTakeover}</td><td>offers to compress each message on its own</td>
 *       <td>answers {@code client_no_context_takeover} (also echoed when the client offers it)</td></tr>
 *   <tr><td>{@code serverMaxWindowBits}</td><td>below 15: asks for {@code server_max_window_bits}</td>
 *       <td>below 15: limits its own window, answered even when not asked</td></tr>
 *   <tr><td>{@code clientMaxWindowBits}</td><td>always offers {@code client_max_window_bits}: without a value
 *       at 15, else with it</td><td>below 15: asks the client to limit its window; an offer without
 *       {@code client_max_window_bits} cannot be asked and is declined</td></tr>
 *   <tr><td>{@code compressionLevel}, {@code minCompressSize}</td><td colspan="2">how this side compresses
 *       (both roles)</td></tr>
 * </table>
 *
 * <p><b>Window sizes.</b> The JDK's {@link Deflater} always uses a 32 KiB window (15 bits) and cannot be
 * told to use less. A compressor that emits no string matches at all, {@link Deflater#HUFFMAN_ONLY}, refers
 * to no earlier bytes, so it honours every {@code max_window_bits} from 8 to 15. Ferry therefore accepts
 * small-window offers instead of declining them: when the window agreed for its own compressor is below 15
 * it compresses Huffman-only (a lower ratio, but valid and still smaller for text); otherwise it uses string
 * matching at the configured level. A small window for the peer's compressor costs nothing: inflating with
 * the full 15-bit window reads every smaller window correctly (RFC 7692 §7.1.2).
 *
 * <p><b>Negotiation</b> follows RFC 7692 §7.1: {@link #accept} declines (returns null) an offer with an
 * unknown or repeated parameter or a bad value, and one it cannot honour; {@link #confirm} throws
 * {@link ExtensionNotSupportedException} for a response that is malformed or breaks the offer.
 *
 * <p><b>Framing</b> (RFC 7692 §7.2): each part of a message is compressed with {@code SYNC_FLUSH}, RSV1
 * marks the first frame, and the last part drops its {@code 00 00 ff ff} tail, which the receiver appends
 * again. A whole message shorter than {@code minCompressSize} goes out plain with RSV1 clear, as RFC 7692
 * §6 allows. Without context takeover the Deflater or Inflater is reset after each message.
 *
 * <p><b>Memory.</b> A connection's {@code Deflater} and {@code Inflater} are created on the first message
 * in their direction, so idle connections hold no native zlib memory. Decoding is pull-based: it writes at
 * most the room of the caller's buffer and leaves the rest inside zlib, so a small compressed payload that
 * expands enormously never takes more memory than the caller's chunk, and the handle counts the inflated
 * bytes against {@code maxMessageSize}. {@link Extension#release()} ends both streams, idempotently.
 *
 * <p>Thread contract: this factory is immutable and may be shared by any number of threads and handles.
 * The extensions it creates are driven by their handle under the handle's lock and are not thread-safe.
 */
public final class PerMessageDeflate implements ExtensionFactory {

    /** The extension's token (RFC 7692 §7). */
    public static final String NAME = "permessage-deflate";

    private final boolean serverNoContextTakeover;
    private final boolean clientNoContextTakeover;
    private final int serverMaxWindowBits;
    private final int clientMaxWindowBits;
    private final int compressionLevel;
    private final int minCompressSize;
    private final Zlib zlib;

    private PerMessageDeflate(Builder builder) {
        this.serverNoContextTakeover = builder.serverNoContextTakeover;
        this.clientNoContextTakeover = builder.clientNoContextTakeover;
        this.serverMaxWindowBits = builder.serverMaxWindowBits;
        this.clientMaxWindowBits = builder.clientMaxWindowBits;
        this.compressionLevel = builder.compressionLevel;
        this.minCompressSize = builder.minCompressSize;
        this.zlib = builder.zlib;
    }

    /** Context takeover both ways, 15-bit windows, zlib's default level, every message compressed. */
    public static PerMessageDeflate defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .serverNoContextTakeover(serverNoContextTakeover)
                .clientNoContextTakeover(clientNoContextTakeover)
                .serverMaxWindowBits(serverMaxWindowBits)
                .clientMaxWindowBits(clientMaxWindowBits)
                .compressionLevel(compressionLevel)
                .minCompressSize(minCompressSize)
                .zlib(zlib);
    }

    public boolean serverNoContextTakeover() {
        return serverNoContextTakeover;
    }

    public boolean clientNoContextTakeover() {
        return clientNoContextTakeover;
    }

    public int serverMaxWindowBits() {
        return serverMaxWindowBits;
    }

    public int clientMaxWindowBits() {
        return clientMaxWindowBits;
    }

    public int compressionLevel() {
        return compressionLevel;
    }

    public int minCompressSize() {
        return minCompressSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** For example {@code permessage-deflate; client_max_window_bits} with the default settings. */
    @Override
    public String offer() {
        return new DeflateParameters(serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits < MAX_WINDOW_BITS ? serverMaxWindowBits : ABSENT,
                clientMaxWindowBits < MAX_WINDOW_BITS ? clientMaxWindowBits : NO_VALUE).toElement();
    }

    @Override
    public Extension accept(String offer) {
        DeflateParameters offered;
        try {
            offered = DeflateParameters.ofOffer(ExtensionElement.parse(offer));
        } catch (IllegalArgumentException malformed) {
            return null; // RFC 7692 §7.1: decline an offer with unknown, repeated or invalid parameters
        }
        int clientBits = ABSENT;
        if (clientMaxWindowBits < MAX_WINDOW_BITS) {
            if (offered.clientMaxWindowBits() == ABSENT) {
                return null; // RFC 7692 §7.1.2.2: only a client that offered client_max_window_bits may be asked
            }
            clientBits = Math.min(clientMaxWindowBits, offered.clientWindowBits());
        }
        int serverBits = offered.serverMaxWindowBits() == ABSENT
                ? (serverMaxWindowBits < MAX_WINDOW_BITS ? serverMaxWindowBits : ABSENT) // §7.1.2.1 allows it unasked
                : Math.min(serverMaxWindowBits, offered.serverMaxWindowBits()); // same or smaller value, §7.1.2.1
        DeflateParameters agreed = new DeflateParameters(
                offered.serverNoContextTakeover() || serverNoContextTakeover, // must echo it, §7.1.1.1
                offered.clientNoContextTakeover() || clientNoContextTakeover,
                serverBits, clientBits);
        return extension(agreed.toElement(), !agreed.serverNoContextTakeover(), agreed.serverWindowBits(),
                !agreed.clientNoContextTakeover());
    }

    @Override
    public Extension confirm(String offer, String response) {
        DeflateParameters offered;
        try {
            offered = DeflateParameters.ofOffer(ExtensionElement.parse(offer));
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("expected this client's permessage-deflate offer, got '" + offer
                    + "': " + malformed.getMessage(), malformed);
        }
        DeflateParameters answered;
        try {
            answered = DeflateParameters.ofResponse(ExtensionElement.parse(response));
        } catch (IllegalArgumentException malformed) {
            throw refused(response, malformed.getMessage());
        }
        if (offered.serverNoContextTakeover() && !answered.serverNoContextTakeover()) {
            throw refused(response, "expected server_no_context_takeover, which the offer asked for, got none"
                    + " (RFC 7692 §7.1.1.1)");
        }
        if (offered.serverMaxWindowBits() != ABSENT && (answered.serverMaxWindowBits() == ABSENT
                || answered.serverMaxWindowBits() > offered.serverMaxWindowBits())) {
            throw refused(response, "expected server_max_window_bits of at most " + offered.serverMaxWindowBits()
                    + ", as offered, got " + describe(answered.serverMaxWindowBits()) + " (RFC 7692 §7.1.2.1)");
        }
        if (answered.clientMaxWindowBits() != ABSENT && offered.clientMaxWindowBits() == ABSENT) {
            throw refused(response, "expected no client_max_window_bits, which the offer did not have, got "
                    + answered.clientMaxWindowBits() + " (RFC 7692 §7.1.2.2)");
        }
        if (offered.clientMaxWindowBits() > 0 && answered.clientMaxWindowBits() > offered.clientMaxWindowBits()) {
            throw refused(response, "expected client_max_window_bits of at most " + offered.clientMaxWindowBits()
                    + ", as offered, got " + answered.clientMaxWindowBits() + " (RFC 7692 §7.1.2.2)");
        }
        // The offer's client_no_context_takeover and client_max_window_bits bind this client even when the
        // server does not repeat them (RFC 7692 §7.1.1.2, §7.1.2.2).
        boolean contextTakeover = !(offered.clientNoContextTakeover() || answered.clientNoContextTakeover());
        int windowBits = Math.min(offered.clientWindowBits(), answered.clientWindowBits());
        return extension(response.strip(), contextTakeover, windowBits, !answered.serverNoContextTakeover());
    }

    private Extension extension(String response, boolean compressContextTakeover, int compressWindowBits,
                                boolean inflateContextTakeover) {
        boolean huffmanOnly = compressWindowBits < MAX_WINDOW_BITS;
        return new PerMessageDeflateExtension(response, minCompressSize,
                new MessageDeflater(zlib, compressionLevel, huffmanOnly, compressContextTakeover),
                new MessageInflater(zlib, inflateContextTakeover));
    }

    private static ExtensionNotSupportedException refused(String response, String reason) {
        return new ExtensionNotSupportedException("server's " + NAME + " response '" + response
                + "' breaks the offer: " + reason);
    }

    private static String describe(int windowBits) {
        return windowBits == ABSENT ? "none" : Integer.toString(windowBits);
    }

    @Override
    public String toString() {
        return "PerMessageDeflate[serverNoContextTakeover=" + serverNoContextTakeover + ", clientNoContextTakeover="
                + clientNoContextTakeover + ", serverMaxWindowBits=" + serverMaxWindowBits + ", clientMaxWindowBits="
                + clientMaxWindowBits + ", compressionLevel=" + compressionLevel + ", minCompressSize="
                + minCompressSize + "]";
    }

    /** Collects settings for a {@link PerMessageDeflate}; every setter checks its range at once. */
    public static final class Builder {
        private boolean serverNoContextTakeover;
        private boolean clientNoContextTakeover;
        private int serverMaxWindowBits = MAX_WINDOW_BITS;
        private int clientMaxWindowBits = MAX_WINDOW_BITS;
        private int compressionLevel = Deflater.DEFAULT_COMPRESSION;
        private int minCompressSize;
        private Zlib zlib = Zlib.JDK;

        private Builder() {
        }

        /** Whether the server compresses each message on its own (RFC 7692 §7.1.1.1). Default false. */
        public Builder serverNoContextTakeover(boolean value) {
            this.serverNoContextTakeover = value;
            return this;
        }

        /** Whether the client compresses each message on its own (RFC 7692 §7.1.1.2). Default false. */
        public Builder clientNoContextTakeover(boolean value) {
            this.clientNoContextTakeover = value;
            return this;
        }

        /** The largest window, as a power of two, the server may compress with: 8 to 15, default 15. */
        public Builder serverMaxWindowBits(int value) {
            this.serverMaxWindowBits = windowBits("serverMaxWindowBits", value);
            return this;
        }

        /** The largest window, as a power of two, the client may compress with: 8 to 15, default 15. */
        public Builder clientMaxWindowBits(int value) {
            this.clientMaxWindowBits = windowBits("clientMaxWindowBits", value);
            return this;
        }

        /** This side's DEFLATE level: 0 to 9, or -1 (the default) for zlib's default, which is 6. */
        public Builder compressionLevel(int value) {
            if (value != Deflater.DEFAULT_COMPRESSION && (value < Deflater.NO_COMPRESSION
                    || value > Deflater.BEST_COMPRESSION)) {
                throw new IllegalArgumentException("compressionLevel must be -1 or 0 to 9, got " + value);
            }
            this.compressionLevel = value;
            return this;
        }

        /**
         * Whole messages shorter than this many bytes are sent uncompressed, with RSV1 clear (RFC 7692 §6).
         * Default 0: compress everything. A message sent in parts is always compressed, since its size is
         * not known when its first frame goes out.
         */
        public Builder minCompressSize(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("minCompressSize must be at least 0, got " + value);
            }
            this.minCompressSize = value;
            return this;
        }

        /** Tests only: where the zlib streams come from. */
        Builder zlib(Zlib value) {
            this.zlib = Objects.requireNonNull(value, "zlib");
            return this;
        }

        public PerMessageDeflate build() {
            return new PerMessageDeflate(this);
        }

        private static int windowBits(String name, int value) {
            if (value < MIN_WINDOW_BITS || value > MAX_WINDOW_BITS) {
                throw new IllegalArgumentException(name + " must be " + MIN_WINDOW_BITS + " to " + MAX_WINDOW_BITS
                        + ", got " + value + " (RFC 7692 §7.1.2)");
            }
            return value;
        }
    }
}
