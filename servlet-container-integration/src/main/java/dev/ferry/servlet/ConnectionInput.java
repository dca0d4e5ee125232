package dev.ferry.servlet;

import java.io.IOException;

/**
 * The bytes of an upgraded connection as the container's connection delivers them, for a container adapter that can
 * hand them over with less machinery than the upgraded {@code ServletInputStream} and its {@code ReadListener}
 * (Jetty 12.1: {@link dev.ferry.servlet.jetty.UpgradedInputFix}). The adapter puts it in the upgrade request's
 * attribute {@link #ATTRIBUTE}; Ferry's upgrade then reads the connection through it, and through the servlet input
 * stream where the attribute is absent.
 *
 * <p>Thread contract: one reader at a time, and at most one {@link #demand} pending.
 */
public interface ConnectionInput {

    /** The name of the request attribute that carries it. */
    String ATTRIBUTE = ConnectionInput.class.getName();

    /**
     * Reads what the connection has now into {@code into}, from index 0.
     *
     * @return the number of bytes read, 0 when none are there yet, -1 at the end of the stream
     */
    int read(byte[] into) throws IOException;

    /**
     * Calls {@code readable} once, on a container thread, when the connection has bytes, has ended or has failed:
     * the {@link #read} that follows tells which.
     */
    void demand(Runnable readable);
}
