package dev.ferry.protocol;

/** The kind of an {@link Action}: {@code WEB_SOCKET_ACTION} of the Windows component. */
public enum ActionType {
    /** Nothing to do on this pipeline now. */
    NO_ACTION,
    /** Write every buffer, in order, then complete with the total written. */
    SEND_TO_NETWORK,
    /** A queued send finished; its payload may be reused. Complete with 0. */
    INDICATE_SEND_COMPLETE,
    /** Read at most the buffer's remaining space, then complete with the count read (0 = end of stream). */
    RECEIVE_FROM_NETWORK,
    /** A queued receive finished; copy the data out, then complete with 0. */
    INDICATE_RECEIVE_COMPLETE
}
