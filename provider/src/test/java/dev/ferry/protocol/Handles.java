package dev.ferry.protocol;

import dev.ferry.protocol.handshake.HandshakeKeys;

import java.util.List;
import java.util.Random;

/** Open handles for tests: the handshake done with canned headers, randomness seeded. */
final class Handles {

    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private Handles() {
    }

    static List<HttpHeader> request(String key) {
        return List.of(new HttpHeader("Host", "example.com"), new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "Upgrade"), new HttpHeader("Sec-WebSocket-Key", key),
                new HttpHeader("Sec-WebSocket-Version", "13"));
    }

    static List<HttpHeader> response(String key) {
        return List.of(new HttpHeader("Upgrade", "websocket"), new HttpHeader("Connection", "Upgrade"),
                new HttpHeader("Sec-WebSocket-Accept", HandshakeKeys.accept(key)));
    }

    static WebSocketHandle client(HandleProperties properties, long seed) {
        WebSocketHandle handle = WebSocketHandle.create(Role.CLIENT, properties, new Random(seed));
        List<HttpHeader> headers = handle.beginClientHandshake(List.of(), List.of(), List.of());
        handle.endClientHandshake(response(HttpHeader.values(headers, "Sec-WebSocket-Key").get(0)));
        return handle;
    }

    static WebSocketHandle server(HandleProperties properties, long seed) {
        WebSocketHandle handle = WebSocketHandle.create(Role.SERVER, properties, new Random(seed));
        handle.beginServerHandshake(null, List.of(), request(KEY));
        handle.endServerHandshake();
        return handle;
    }

    static WebSocketHandle open(Role role, HandleProperties properties) {
        return role == Role.CLIENT ? client(properties, 1) : server(properties, 1);
    }
}
