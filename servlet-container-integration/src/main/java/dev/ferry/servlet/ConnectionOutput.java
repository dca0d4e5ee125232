package dev.ferry.servlet;

import jakarta.servlet.ServletOutputStream;

/**
 * A way to write an upgraded connection straight to the container's connection, for a container adapter that can
 * offer one with less machinery than the upgraded {@code ServletOutputStream} (Jetty 12.1:
 * {@link dev.ferry.servlet.jetty.UpgradedInputFix}, whose upgraded output goes through the servlet response's write
 * path and its HTTP/1.1 send callback for every write). The adapter puts it in the upgrade request's attribute
 * {@link #ATTRIBUTE}; Ferry's upgrade then writes the connection through its {@link #stream()}, and through the
 * upgraded output stream where the attribute is absent.
 */
public interface ConnectionOutput {

    /** The name of the request attribute that carries it. */
    String ATTRIBUTE = ConnectionOutput.class.getName();

    /**
     * The stream to write the connection with, non-blocking as Servlet's {@code ServletOutputStream} is once a
     * {@code WriteListener} is set: a write starts at once and may finish later, {@code isReady()} is false until it
     * has, and {@code onWritePossible} follows a false {@code isReady()}. It keeps nothing back, so {@code flush()}
     * has nothing to do, and no {@code onWritePossible} comes before the first write. {@code write(ByteBuffer)} writes
     * the buffer whole, in one go, so a large frame goes to it as direct pieces. One writer at a time.
     */
    ServletOutputStream stream();
}
