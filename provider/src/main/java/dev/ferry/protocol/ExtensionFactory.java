package dev.ferry.protocol;

/**
 * The extension SPI (J5): negotiates one extension during the opening handshake and creates its
 * per-connection {@link Extension}. Implementations are immutable and shared by many handles; the
 * built-in one is {@code dev.ferry.protocol.extension.PerMessageDeflate} (RFC 7692).
 *
 * <p>Elements are {@code Sec-WebSocket-Extensions} list elements: a name followed by
 * {@code ; param} or {@code ; param=value} (RFC 6455 §9.1), for example
 * {@code permessage-deflate; client_max_window_bits}.
 */
public interface ExtensionFactory {

    /** The extension's token, for example {@code permessage-deflate}; compared case-insensitively. */
    String name();

    /** Client: the element to offer. The name alone when the extension has no parameters. */
    String offer();

    /**
     * Server: answers one element the client offered for {@link #name()}.
     *
     * @return the extension to run, whose {@link Extension#response()} goes into the 101 response; or
     *         null to decline this offer (the server then tries the client's next offer, if any)
     */
    Extension accept(String offer);

    /**
     * Client: checks the server's response element against the element this client offered and
     * creates the extension to run.
     *
     * @throws ExtensionNotSupportedException when the response breaks the offer (RFC 7692 §7.1)
     */
    Extension confirm(String offer, String response);
}
