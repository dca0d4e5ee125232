package dev.ferry.transport;

import dev.ferry.protocol.CloseStatus;
import java.io.IOException;

/**
 * Why a {@link ConnectionDriver}'s unfinished requests fail once the connection has ended. Made once per connection,
 * on every close, so it skips the stack trace (it would only show the driver's loop, and senders wrap it in an
 * exception of their own) and writes its message only when asked: most connections end with nothing left to fail.
 */
final class ClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient CloseStatus status;
    private volatile String message;

    /** @param status how the connection ended, null when unknown */
    ClosedException(CloseStatus status, Throwable cause) {
        super(null, cause);
        this.status = status;
    }

    @Override
    public String getMessage() {
        String written = message;
        if (written == null) {
            written = "the connection is closed" + (status == null ? "" : " (" + describe(status) + ")");
            message = written;
        }
        return written;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    private static String describe(CloseStatus status) {
        return status.reason().isEmpty() ? String.valueOf(status.code()) : status.code() + " " + status.reason();
    }
}
