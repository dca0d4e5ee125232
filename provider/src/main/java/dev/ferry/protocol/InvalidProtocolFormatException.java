package dev.ferry.protocol;

/** Malformed bytes or headers: {@code E_INVALID_PROTOCOL_FORMAT}. Close 1002, or 1007 for bad UTF-8. */
public class InvalidProtocolFormatException extends WebSocketProtocolException {
    public static final int HRESULT = 0x83760002;

    public InvalidProtocolFormatException(CloseStatus closeStatus, String message) {
        super(HRESULT, closeStatus, message);
    }
}
