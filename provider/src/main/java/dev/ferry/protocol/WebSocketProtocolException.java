package dev.ferry.protocol;

/**
 * The peer's bytes or headers broke the protocol (spec §8.2). Carries the Windows HRESULT and the
 * close status the caller should send (null during the handshake, where there is no connection yet).
 */
public abstract class WebSocketProtocolException extends RuntimeException {

    private final int hresult;
    private final CloseStatus closeStatus;

    protected WebSocketProtocolException(int hresult, CloseStatus closeStatus, String message) {
        super(message);
        this.hresult = hresult;
        this.closeStatus = closeStatus;
    }

    /** The Windows HRESULT this error corresponds to, for example {@code 0x83760002}. */
    public int hresult() {
        return hresult;
    }

    /** The Close to send back, or null when the failure happened during the handshake. */
    public CloseStatus closeStatus() {
        return closeStatus;
    }
}
