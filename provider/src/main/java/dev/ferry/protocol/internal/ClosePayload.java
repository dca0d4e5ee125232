package dev.ferry.protocol.internal;

import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.InvalidProtocolFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the payload of a received Close frame (RFC 6455 §5.5.1): nothing, or a close code a peer may send (§7.4)
 * followed by a UTF-8 reason.
 *
 * <p>Thread contract: stateless.
 */
final class ClosePayload {

    private ClosePayload() {
    }

    /**
     * The status a Close payload of {@code length} bytes at {@code start} of {@code buffer} carries (unmasked);
     * {@link CloseStatus#EMPTY} for none.
     *
     * @param verifyUtf8 whether a reason that is not UTF-8 breaks the protocol; if not, its bad bytes decode as U+FFFD
     * @throws dev.ferry.protocol.WebSocketProtocolException when the payload breaks RFC 6455
     */
    static CloseStatus parse(ByteBuffer buffer, int start, int length, boolean verifyUtf8) {
        if (length == 0) {
            return CloseStatus.EMPTY;
        }
        if (length == 1) {
            throw ReceivePipeline.protocolError("a Close payload of 0 or at least 2 bytes, got 1 byte"
                    + " (RFC 6455 §5.5.1)", "one-byte Close payload");
        }
        int code = buffer.getShort(start) & 0xFFFF;
        if (!CloseStatus.isSendable(code)) {
            throw ReceivePipeline.protocolError("a close code in 1000-1003, 1007-1014 or 3000-4999, got " + code
                    + " (RFC 6455 §7.4)", "invalid close code " + code);
        }
        if (verifyUtf8 && !Utf8Validator.isValid(buffer, start + 2, start + length)) {
            throw new InvalidProtocolFormatException(
                    CloseStatus.INVALID_PAYLOAD.withReason("invalid UTF-8 in close reason"),
                    "expected a UTF-8 close reason, got bytes that are not UTF-8 (RFC 6455 §5.5.1)");
        }
        byte[] reason = new byte[length - 2];
        buffer.get(start + 2, reason);
        return new CloseStatus(code, fitReason(new String(reason, StandardCharsets.UTF_8)));
    }

    /**
     * Without UTF-8 verification a malformed reason decodes with U+FFFD (3 bytes of UTF-8) for each bad byte, so
     * the text can outgrow the {@value CloseStatus#MAX_REASON_BYTES} bytes a {@link CloseStatus} holds: keep the
     * whole characters that fit.
     */
    private static String fitReason(String reason) {
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes > CloseStatus.MAX_REASON_BYTES) {
                return reason.substring(0, i);
            }
            i += Character.charCount(cp);
        }
        return reason;
    }
}
