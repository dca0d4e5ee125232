package dev.ferry.protocol;

/** The side of the connection a handle plays. Fixed when the handle is created. */
public enum Role {
    /** Sends masked frames, refuses masked frames from the server (RFC 6455 §5.1). */
    CLIENT,
    /** Sends unmasked frames, refuses unmasked frames from the client (RFC 6455 §5.1). */
    SERVER
}
