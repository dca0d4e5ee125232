package dev.ferry.protocol;

/**
 * The server's response selects an extension the client did not offer, or with parameters that break
 * the offer: {@code E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED}. Close 1010.
 */
public class ExtensionNotSupportedException extends WebSocketProtocolException {
    public static final int HRESULT = 0x83760003;

    public ExtensionNotSupportedException(String message) {
        super(HRESULT, CloseStatus.UNSUPPORTED_EXTENSIONS, message);
    }
}
