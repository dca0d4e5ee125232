package dev.ferry.protocol.extension;

import dev.ferry.protocol.Extension;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives an {@link Extension} the way a handle does, without a handle: parts in, payloads out, and back. */
final class ExtensionDriver {

    static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private ExtensionDriver() {
    }

    /** Both ends of one negotiated connection. */
    record Connection(Extension client, Extension server) {
    }

    /** Runs the handshake: the client offers, the server accepts, the client confirms the response. */
    static Connection negotiate(PerMessageDeflate client, PerMessageDeflate server) {
        String offer = client.offer();
        Extension accepted = server.accept(offer);
        assertNotNull(accepted, () -> "server declined " + offer);
        return new Connection(client.confirm(offer, accepted.response()), accepted);
    }

    /** Encodes one message given as its parts; returns a copy of each frame payload. */
    static List<byte[]> encode(Extension extension, byte[]... parts) {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            ByteBuffer encoded = extension.encode(ByteBuffer.wrap(parts[i]), i == 0, i == parts.length - 1);
            byte[] copy = new byte[encoded.remaining()];
            encoded.get(copy);
            payloads.add(copy);
        }
        return payloads;
    }

    /** Encodes a one-part message and returns its payload as hex. */
    static String encodeHex(Extension extension, String text) {
        return HEX.formatHex(encode(extension, text.getBytes()).get(0));
    }

    /** Decodes one message whose frame payloads are given, one piece per payload, into 4 KiB chunks. */
    static byte[] decode(Extension extension, List<byte[]> payloads) {
        return decode(extension, payloads, Integer.MAX_VALUE, 4096);
    }

    /** Decodes the one-frame message in {@code hex}. */
    static String decodeHex(Extension extension, String hex) {
        return new String(decode(extension, List.of(HEX.parseHex(hex))));
    }

    /**
     * Decodes one message: each frame payload is supplied in pieces of at most {@code pieceSize} bytes (as a
     * handle bounded by its receive buffer would), and decoded into an output buffer of {@code chunk} bytes.
     */
    static byte[] decode(Extension extension, List<byte[]> payloads, int pieceSize, int chunk) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        ByteBuffer out = ByteBuffer.allocate(chunk);
        for (int i = 0; i < payloads.size(); i++) {
            byte[] payload = payloads.get(i);
            int offset = 0;
            do {
                int length = Math.min(pieceSize, payload.length - offset);
                boolean endOfMessage = i == payloads.size() - 1 && offset + length == payload.length;
                assertTrue(extension.needsInput(), "extension must be ready for the next piece");
                extension.decodeInput(ByteBuffer.wrap(payload, offset, length), endOfMessage);
                int written;
                while ((written = extension.decode(out.clear())) > 0) {
                    assertTrue(written <= chunk, () -> "decode wrote more than its buffer's room");
                    message.write(out.array(), 0, written);
                }
                assertTrue(extension.needsInput(), "decode returned 0, so the piece must be used up");
                offset += length;
            } while (offset < payload.length);
        }
        return message.toByteArray();
    }
}
