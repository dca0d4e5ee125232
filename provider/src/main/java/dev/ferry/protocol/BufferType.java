package dev.ferry.protocol;

/**
 * What a send carries or a completed receive holds ({@code WEB_SOCKET_BUFFER_TYPE}).
 * {@code *_FRAGMENT} marks a non-final part of a message, {@code *_MESSAGE} the last (or only) part.
 * On receive these describe chunks handed to the caller, not frames on the wire.
 */
public enum BufferType {
    /** The last (or only) part of a text message. Send and receive. */
    UTF8_MESSAGE,
    /** A non-final part of a text message. Send and receive. */
    UTF8_FRAGMENT,
    /** The last (or only) part of a binary message. Send and receive. */
    BINARY_MESSAGE,
    /** A non-final part of a binary message. Send and receive. */
    BINARY_FRAGMENT,
    /** The peer's Close arrived. Receive only: send a Close with {@link WebSocketHandle#sendClose}. */
    CLOSE,
    /** A Ping with a payload of 0 to 125 bytes. Send only: received pings are answered, never surfaced. */
    PING,
    /** A Pong arrived. Receive only. */
    PONG,
    /** A Pong nobody asked for (keepalive). Send only. */
    UNSOLICITED_PONG;

    /** Whether this type carries message data (text or binary). */
    public boolean isData() {
        return ordinal() <= BINARY_FRAGMENT.ordinal();
    }

    /** Whether this type is a text part. */
    public boolean isText() {
        return this == UTF8_MESSAGE || this == UTF8_FRAGMENT;
    }

    /** Whether this type ends a message: {@code *_MESSAGE}. */
    public boolean isFinal() {
        return this == UTF8_MESSAGE || this == BINARY_MESSAGE;
    }
}
