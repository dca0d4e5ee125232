package dev.ferry.protocol;

/** The peer did something the protocol forbids in this state: {@code E_INVALID_PROTOCOL_OPERATION}. Close 1002. */
public class InvalidProtocolOperationException extends WebSocketProtocolException {
    public static final int HRESULT = 0x83760001;

    public InvalidProtocolOperationException(CloseStatus closeStatus, String message) {
        super(HRESULT, closeStatus, message);
    }
}
