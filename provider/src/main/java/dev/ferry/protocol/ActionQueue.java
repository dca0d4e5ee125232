package dev.ferry.protocol;

/** Which pipeline {@link WebSocketHandle#getAction} polls ({@code WEB_SOCKET_ACTION_QUEUE}). */
public enum ActionQueue {
    /** Only the actions of the caller's sends. */
    SEND,
    /** Receive actions and the automatic pongs that answer received pings. */
    RECEIVE,
    /** Either pipeline. */
    ALL
}
