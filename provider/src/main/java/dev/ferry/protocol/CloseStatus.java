package dev.ferry.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A close code and reason ({@code WEB_SOCKET_CLOSE_STATUS}). Codes are open (3000 to 4999 belong to
 * applications), so this is a record with named constants rather than an enum. The reason is at most
 * {@value #MAX_REASON_BYTES} bytes of UTF-8; an absent reason is the empty string.
 */
public record CloseStatus(int code, String reason) {

    /** 125 bytes of control-frame payload minus the 2-byte code (RFC 6455 §5.5). */
    public static final int MAX_REASON_BYTES = 123;

    public static final CloseStatus NORMAL_CLOSURE = new CloseStatus(1000, "");
    public static final CloseStatus ENDPOINT_UNAVAILABLE = new CloseStatus(1001, "");
    public static final CloseStatus PROTOCOL_ERROR = new CloseStatus(1002, "");
    public static final CloseStatus INVALID_DATA_TYPE = new CloseStatus(1003, "");
    /** The peer's Close had no body. Never sent on the wire. */
    public static final CloseStatus EMPTY = new CloseStatus(1005, "");
    /** The connection ended without a Close exchange. Never sent on the wire. */
    public static final CloseStatus ABORTED = new CloseStatus(1006, "");
    public static final CloseStatus INVALID_PAYLOAD = new CloseStatus(1007, "");
    public static final CloseStatus POLICY_VIOLATION = new CloseStatus(1008, "");
    public static final CloseStatus MESSAGE_TOO_BIG = new CloseStatus(1009, "");
    public static final CloseStatus UNSUPPORTED_EXTENSIONS = new CloseStatus(1010, "");
    public static final CloseStatus SERVER_ERROR = new CloseStatus(1011, "");
    /** TLS handshake failure marker. Never sent on the wire. */
    public static final CloseStatus SECURE_HANDSHAKE_ERROR = new CloseStatus(1015, "");

    public CloseStatus {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("close code must fit in 16 bits, got " + code);
        }
        reason = Objects.requireNonNullElse(reason, "");
        int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason is " + bytes + " bytes of UTF-8, at most "
                    + MAX_REASON_BYTES + " fit in a Close frame (RFC 6455 §5.5)");
        }
    }

    /** This code with another reason. */
    public CloseStatus withReason(String newReason) {
        return new CloseStatus(code, newReason);
    }

    /**
     * Whether an endpoint may put this code in a Close frame (RFC 6455 §7.4.1 and the IANA registry):
     * 1000 to 1003, 1007 to 1014, and 3000 to 4999.
     */
    public static boolean isSendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
