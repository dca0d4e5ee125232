package dev.ferry.protocol.handshake;

import dev.ferry.protocol.ClientHandshakeResult;
import dev.ferry.protocol.Extension;
import dev.ferry.protocol.ExtensionFactory;
import dev.ferry.protocol.ExtensionNotSupportedException;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.InvalidProtocolFormatException;
import dev.ferry.protocol.SubprotocolNotSupportedException;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The client side of the opening handshake as pure functions: the headers to add to the request
 * (spec §4.1) and the checks on the server's response (spec §4.2, §4.3, RFC 6455 §4.1). Stateless.
 */
public final class ClientHandshake {

    /**
     * What a client offered.
     *
     * @param key               the {@code Sec-WebSocket-Key} sent
     * @param subprotocols      the offered subprotocols, in order
     * @param extensionElements the offered {@code Sec-WebSocket-Extensions} elements, in order
     */
    public record Offer(String key, List<String> subprotocols, List<String> extensionElements) {
        public Offer {
            subprotocols = List.copyOf(subprotocols);
            extensionElements = List.copyOf(extensionElements);
        }
    }

    /** What the response settled: the caller's result and the extensions to run, in the server's order. */
    public record Outcome(ClientHandshakeResult result, List<Extension> extensions) {
        public Outcome {
            extensions = List.copyOf(extensions);
        }
    }

    private ClientHandshake() {
    }

    /**
     * The offer for these arguments. An extension entry that is a bare name with an
     * {@link ExtensionFactory} in {@code factories} is replaced by that factory's {@link ExtensionFactory#offer()}.
     *
     * @throws IllegalArgumentException for an empty subprotocol or extension, or one holding a comma
     */
    public static Offer offer(String key, List<String> subprotocols, List<String> extensions,
                              List<ExtensionFactory> factories) {
        for (String subprotocol : subprotocols) {
            if (subprotocol == null || subprotocol.isBlank() || subprotocol.indexOf(',') >= 0
                    || !subprotocol.strip().equals(subprotocol)) {
                throw new IllegalArgumentException("expected a subprotocol token (RFC 6455 §4.1), got '"
                        + subprotocol + "'");
            }
        }
        List<String> elements = new ArrayList<>(extensions.size());
        for (String extension : extensions) {
            if (extension == null || extension.isBlank() || extension.indexOf(',') >= 0) {
                throw new IllegalArgumentException("expected one Sec-WebSocket-Extensions element (RFC 6455 §9.1), got '"
                        + extension + "'");
            }
            String element = extension.trim();
            ExtensionFactory factory = Negotiation.factory(factories, element);
            elements.add(factory != null && !HeaderValues.hasParameters(element) ? factory.offer() : element);
        }
        return new Offer(key, subprotocols, elements);
    }

    /**
     * Headers a caller may not pass as initial headers: the handle sets them from its own key and version and
     * from the subprotocol and extension arguments, or (Accept) they belong in a response.
     */
    private static final List<String> HANDLE_OWNED = List.of("Sec-WebSocket-Key", "Sec-WebSocket-Version",
            "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Sec-WebSocket-Accept");
    /** Headers of the caller's that the handle's replace (spec §3.3). */
    private static final List<String> REPLACED = List.of("Connection", "Upgrade");

    /**
     * Checks the caller's initial headers before anything is created for the handshake.
     *
     * @throws IllegalArgumentException for a null entry, a name that is not an HTTP token, a value holding CR,
     *                                  LF or NUL, or a header the handle owns (see {@link #requestHeaders})
     */
    public static void checkInitialHeaders(List<HttpHeader> initialHeaders) {
        for (HttpHeader header : initialHeaders) {
            if (header == null) {
                throw new IllegalArgumentException("expected initial headers, got a null entry");
            }
            if (!HeaderValues.isToken(header.name())) {
                throw new IllegalArgumentException("expected a header name that is an HTTP token (RFC 7230 §3.2.6),"
                        + " got '" + header.name() + "'");
            }
            String value = header.value();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) {
                    throw new IllegalArgumentException("expected a header value without CR, LF or NUL (RFC 7230 §3.2),"
                            + " got one in " + header.name());
                }
            }
            for (String owned : HANDLE_OWNED) {
                if (header.hasName(owned)) {
                    throw new IllegalArgumentException("expected no " + owned + " among the initial headers: the"
                            + " handle sets it" + (owned.endsWith("Protocol") ? " from the subprotocols argument"
                            : owned.endsWith("Extensions") ? " from the extensions argument"
                            : owned.endsWith("Accept") ? " (a response header)" : "") + " (RFC 6455 §4.1, spec §3.3)");
                }
            }
        }
    }

    /**
     * The request's headers: the caller's initial headers (checked by {@link #checkInitialHeaders}) except any
     * {@code Connection} or {@code Upgrade}, which the handle's replace (spec §3.3), in their order, then the
     * handshake headers in the order of spec §4.1.
     */
    public static List<HttpHeader> requestHeaders(Offer offer, List<HttpHeader> initialHeaders) {
        List<HttpHeader> headers = new ArrayList<>(initialHeaders.size() + 6);
        for (HttpHeader header : initialHeaders) {
            if (!header.hasName(REPLACED.get(0)) && !header.hasName(REPLACED.get(1))) {
                headers.add(header);
            }
        }
        headers.add(new HttpHeader("Connection", "Upgrade"));
        headers.add(new HttpHeader("Upgrade", "websocket"));
        headers.add(new HttpHeader("Sec-WebSocket-Key", offer.key()));
        headers.add(new HttpHeader("Sec-WebSocket-Version", "13"));
        if (!offer.subprotocols().isEmpty()) {
            headers.add(new HttpHeader("Sec-WebSocket-Protocol", String.join(", ", offer.subprotocols())));
        }
        if (!offer.extensionElements().isEmpty()) {
            headers.add(new HttpHeader("Sec-WebSocket-Extensions", String.join(", ", offer.extensionElements())));
        }
        return List.copyOf(headers);
    }

    /**
     * Checks the 101 response's headers against the offer.
     *
     * @throws InvalidProtocolFormatException    bad or missing Upgrade, Connection or Accept
     * @throws SubprotocolNotSupportedException  a subprotocol that was not offered
     * @throws ExtensionNotSupportedException    an extension that was not offered, or one its factory refuses
     */
    public static Outcome checkResponse(Offer offer, List<ExtensionFactory> factories, List<HttpHeader> response) {
        if (!HeaderValues.containsToken(response, "Upgrade", "websocket")) {
            throw format("Upgrade: websocket, got " + HttpHeader.values(response, "Upgrade") + " (RFC 6455 §4.1)");
        }
        if (!HeaderValues.containsToken(response, "Connection", "upgrade")) {
            throw format("a Connection header listing 'upgrade', got " + HttpHeader.values(response, "Connection")
                    + " (RFC 6455 §4.1)");
        }
        String expected = HandshakeKeys.accept(offer.key());
        List<String> accepts = HttpHeader.values(response, "Sec-WebSocket-Accept");
        if (accepts.size() != 1 || !accepts.get(0).trim().equals(expected)) {
            throw format("Sec-WebSocket-Accept: " + expected + ", got " + accepts + " (RFC 6455 §4.1)");
        }
        OptionalInt subprotocol = selectedSubprotocol(offer, response);
        Negotiation.Result extensions = Negotiation.confirm(offer.extensionElements(), factories,
                HeaderValues.elements(response, "Sec-WebSocket-Extensions"));
        return new Outcome(new ClientHandshakeResult(subprotocol, extensions.indexes(), extensions.elements()),
                extensions.extensions());
    }

    private static OptionalInt selectedSubprotocol(Offer offer, List<HttpHeader> response) {
        List<String> selected = HeaderValues.elements(response, "Sec-WebSocket-Protocol");
        if (selected.isEmpty()) {
            return OptionalInt.empty();
        }
        if (selected.size() > 1) {
            throw new SubprotocolNotSupportedException("expected at most one Sec-WebSocket-Protocol value, got "
                    + selected + " (RFC 6455 §4.2.2)");
        }
        int index = offer.subprotocols().indexOf(selected.get(0));
        if (index < 0) {
            throw new SubprotocolNotSupportedException("expected one of the offered subprotocols "
                    + offer.subprotocols() + ", got '" + selected.get(0) + "' (RFC 6455 §4.1)");
        }
        return OptionalInt.of(index);
    }

    private static InvalidProtocolFormatException format(String expectation) {
        return new InvalidProtocolFormatException(null, "expected " + expectation);
    }
}
