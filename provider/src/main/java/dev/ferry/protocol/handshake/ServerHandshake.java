package dev.ferry.protocol.handshake;

import dev.ferry.protocol.Extension;
import dev.ferry.protocol.ExtensionFactory;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.InvalidProtocolFormatException;
import dev.ferry.protocol.VersionNotSupportedException;

import java.util.ArrayList;
import java.util.List;

/**
 * The server side of the opening handshake as pure functions: the checks on the client's request
 * (RFC 6455 §4.2.1) and the headers of the 101 response (spec §4.2). Stateless.
 */
public final class ServerHandshake {

    /**
     * A valid upgrade request, reduced to what the response needs.
     *
     * @param key               the {@code Sec-WebSocket-Key}
     * @param subprotocols      the requested subprotocols, in order
     * @param extensionElements the offered {@code Sec-WebSocket-Extensions} elements, in order
     */
    public record Request(String key, List<String> subprotocols, List<String> extensionElements) {
        public Request {
            subprotocols = List.copyOf(subprotocols);
            extensionElements = List.copyOf(extensionElements);
        }
    }

    /** The 101 response's headers and the extensions to run, in response order. */
    public record Outcome(List<HttpHeader> responseHeaders, List<Extension> extensions) {
        public Outcome {
            responseHeaders = List.copyOf(responseHeaders);
            extensions = List.copyOf(extensions);
        }
    }

    private ServerHandshake() {
    }

    /**
     * Checks a request's headers (RFC 6455 §4.2.1).
     *
     * @throws InvalidProtocolFormatException no Host, no {@code Upgrade: websocket}, no {@code Connection: upgrade},
     *                                        or a key that is not base64 of 16 bytes
     * @throws VersionNotSupportedException   a {@code Sec-WebSocket-Version} other than 13
     */
    public static Request checkRequest(List<HttpHeader> headers) {
        if (HeaderValues.count(headers, "Host") == 0) {
            throw format("a Host header, got none (RFC 6455 §4.2.1 item 2)");
        }
        if (!HeaderValues.containsToken(headers, "Upgrade", "websocket")) {
            throw format("Upgrade: websocket, got " + HttpHeader.values(headers, "Upgrade") + " (RFC 6455 §4.2.1 item 3)");
        }
        if (!HeaderValues.containsToken(headers, "Connection", "upgrade")) {
            throw format("a Connection header listing 'upgrade', got " + HttpHeader.values(headers, "Connection")
                    + " (RFC 6455 §4.2.1 item 4)");
        }
        List<String> versions = HeaderValues.elements(headers, "Sec-WebSocket-Version");
        if (versions.size() != 1 || !versions.get(0).equals("13")) {
            throw new VersionNotSupportedException("expected Sec-WebSocket-Version: 13, got " + versions
                    + " (RFC 6455 §4.2.1 item 6)");
        }
        List<String> keys = HttpHeader.values(headers, "Sec-WebSocket-Key");
        if (keys.size() != 1 || !HandshakeKeys.isValidKey(keys.get(0).trim())) {
            throw format("one Sec-WebSocket-Key holding base64 of 16 bytes, got " + keys + " (RFC 6455 §4.2.1 item 5)");
        }
        return new Request(keys.get(0).trim(), HeaderValues.elements(headers, "Sec-WebSocket-Protocol"),
                HeaderValues.elements(headers, "Sec-WebSocket-Extensions"));
    }

    /**
     * The 101 response for the caller's selection.
     *
     * @param subprotocol the selected subprotocol, or null for none
     * @param extensions  the selected extension elements
     * @throws IllegalArgumentException a subprotocol or extension the client did not request
     */
    public static Outcome respond(Request request, String subprotocol, List<String> extensions,
                                  List<ExtensionFactory> factories) {
        if (subprotocol != null && !request.subprotocols().contains(subprotocol)) {
            throw new IllegalArgumentException("expected a subprotocol the client requested " + request.subprotocols()
                    + ", got '" + subprotocol + "' (RFC 6455 §4.2.2)");
        }
        Negotiation.Result negotiated = Negotiation.accept(request.extensionElements(), factories, extensions);
        List<HttpHeader> headers = new ArrayList<>(5);
        headers.add(new HttpHeader("Connection", "Upgrade"));
        headers.add(new HttpHeader("Upgrade", "websocket"));
        headers.add(new HttpHeader("Sec-WebSocket-Accept", HandshakeKeys.accept(request.key())));
        if (subprotocol != null) {
            headers.add(new HttpHeader("Sec-WebSocket-Protocol", subprotocol));
        }
        if (!negotiated.elements().isEmpty()) {
            headers.add(new HttpHeader("Sec-WebSocket-Extensions", String.join(", ", negotiated.elements())));
        }
        return new Outcome(headers, negotiated.extensions());
    }

    private static InvalidProtocolFormatException format(String expectation) {
        return new InvalidProtocolFormatException(null, "expected " + expectation);
    }
}
