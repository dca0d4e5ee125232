package dev.ferry.protocol;

/** A message exceeded {@link HandleProperties#maxMessageSize()} (J6). Java only; close 1009. */
public class MessageTooBigException extends WebSocketProtocolException {
    /** Reported like a malformed stream: the DLL has no code of its own for this. */
    public static final int HRESULT = InvalidProtocolFormatException.HRESULT;

    public MessageTooBigException(String message) {
        super(HRESULT, CloseStatus.MESSAGE_TOO_BIG, message);
    }
}
