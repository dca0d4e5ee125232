package dev.ferry.protocol;

/** The server's response selects a subprotocol the client did not offer: {@code E_SUBPROTOCOL_NOT_SUPPORTED}. */
public class SubprotocolNotSupportedException extends WebSocketProtocolException {
    public static final int HRESULT = 0x83760004;

    public SubprotocolNotSupportedException(String message) {
        super(HRESULT, null, message);
    }
}
