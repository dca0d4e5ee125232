package dev.ferry.jakarta;

import dev.ferry.protocol.CloseStatus;
import jakarta.websocket.CloseReason;

/** Maps between the protocol's {@link CloseStatus} and the Jakarta {@link CloseReason}. Stateless. */
public final class CloseReasons {

    private CloseReasons() {
    }

    /** The Jakarta form of {@code status}. */
    public static CloseReason toCloseReason(CloseStatus status) {
        return new CloseReason(CloseReason.CloseCodes.getCloseCode(status.code()), status.reason());
    }

    /** The protocol form of {@code reason}; a null reason phrase becomes "". */
    public static CloseStatus toCloseStatus(CloseReason reason) {
        return new CloseStatus(reason.getCloseCode().getCode(), reason.getReasonPhrase());
    }
}
