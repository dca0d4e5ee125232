package dev.ferry.protocol;

/**
 * The request's {@code Sec-WebSocket-Version} is not 13: {@code E_PROTOCOL_VERSION_NOT_SUPPORTED}.
 * A server answers 426 with {@code Sec-WebSocket-Version: 13} (RFC 6455 §4.4).
 */
public class VersionNotSupportedException extends WebSocketProtocolException {
    public static final int HRESULT = 0x83760005;

    public VersionNotSupportedException(String message) {
        super(HRESULT, null, message);
    }
}
