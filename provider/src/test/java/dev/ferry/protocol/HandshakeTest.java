package dev.ferry.protocol;

import dev.ferry.protocol.handshake.HandshakeKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The opening handshake (spec §3.3-3.6, §4; RFC 6455 §4): headers produced, every malformed request and response. */
class HandshakeTest {

    @Test
    void rfc6455Section1_3AcceptExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", HandshakeKeys.accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void clientRequestHeadersFollowSpecTable4_1() {
        WebSocketHandle client = WebSocketHandle.create(Role.CLIENT, HandleProperties.defaults(), new Random(7));
        List<HttpHeader> headers = client.beginClientHandshake(List.of("chat", "superchat"), List.of("x-a", "x-b; p=1"),
                List.of());
        assertEquals(List.of("Connection", "Upgrade", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
                "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"), headers.stream().map(HttpHeader::name).toList());
        assertEquals("Upgrade", headers.get(0).value());
        assertEquals("websocket", headers.get(1).value());
        assertTrue(HandshakeKeys.isValidKey(headers.get(2).value()), headers.get(2).value());
        assertEquals("13", headers.get(3).value());
        assertEquals("chat, superchat", headers.get(4).value());
        assertEquals("x-a, x-b; p=1", headers.get(5).value());
        assertEquals(HandleState.HANDSHAKING, client.state());
    }

    @Test
    void initialHeadersComeFirstInTheReturnedRequestAndConnectionAndUpgradeAreReplaced() {
        WebSocketHandle client = WebSocketHandle.create(Role.CLIENT, HandleProperties.defaults(), new Random(7));
        List<HttpHeader> headers = client.beginClientHandshake(List.of("chat"), List.of(), List.of(
                new HttpHeader("Host", "example.com:8080"), new HttpHeader("connection", "keep-alive"),
                new HttpHeader("Origin", "http://example.com"), new HttpHeader("UPGRADE", "h2c"),
                new HttpHeader("Cookie", "a=1"), new HttpHeader("Cookie", "b=2")));
        assertEquals(List.of("Host: example.com:8080", "Origin: http://example.com", "Cookie: a=1", "Cookie: b=2",
                "Connection: Upgrade", "Upgrade: websocket"),
                headers.subList(0, 6).stream().map(h -> h.name() + ": " + h.value()).toList(),
                "the caller's headers in their order, then the handshake's; spec §3.3: ours replace Connection and Upgrade");
        assertEquals(List.of("Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol"),
                headers.subList(6, headers.size()).stream().map(HttpHeader::name).toList());

        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.defaults());
        List<HttpHeader> response = server.beginServerHandshake("chat", List.of(), headers);
        assertEquals(0, client.endClientHandshake(response).selectedSubprotocol().getAsInt(),
                "the returned set is a request a server accepts as is");
    }

    static Stream<HttpHeader> forbiddenInitialHeaders() {
        return Stream.of(new HttpHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                new HttpHeader("sec-websocket-version", "8"), new HttpHeader("Sec-WebSocket-Protocol", "chat"),
                new HttpHeader("Sec-WebSocket-Extensions", "permessage-deflate"),
                new HttpHeader("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                new HttpHeader("X-Injected", "a\r\nX-Evil: 1"), new HttpHeader("X-Lf", "a\nb"),
                new HttpHeader("X-Nul", "a\0b"), new HttpHeader("Bad Name", "1"), new HttpHeader("Bad:Name", "1"),
                new HttpHeader("Caf\u00e9", "1"));
    }

    @ParameterizedTest
    @MethodSource("forbiddenInitialHeaders")
    void forbiddenInitialHeadersAreCallerMistakesAndChangeNothing(HttpHeader bad) {
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.defaults());
        List<HttpHeader> initial = List.of(new HttpHeader("Host", "example.com"), bad);
        assertThrows(IllegalArgumentException.class, () -> client.beginClientHandshake(List.of(), List.of(), initial));
        assertEquals(HandleState.CREATED, client.state(), "spec §8.2: a caller mistake leaves the handle unchanged");
        assertEquals(5, client.beginClientHandshake(List.of(), List.of(), List.of(initial.get(0))).size());
    }

    @Test
    void aNullInitialHeaderIsACallerMistake() {
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.defaults());
        List<HttpHeader> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(IllegalArgumentException.class, () -> client.beginClientHandshake(List.of(), List.of(), withNull));
        assertEquals(HandleState.CREATED, client.state());
    }

    @Test
    void clientWithoutOffersSendsNoProtocolOrExtensionHeader() {
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.defaults());
        List<HttpHeader> headers = client.beginClientHandshake(List.of(), null, null);
        assertEquals(4, headers.size());
    }

    @Test
    void clientAndServerAgreeOnSubprotocolAndTokenExtensions() {
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.defaults());
        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.defaults());
        List<HttpHeader> request = new ArrayList<>(client.beginClientHandshake(List.of("a", "b"), List.of("x-one", "x-two"),
                List.of()));
        request.add(new HttpHeader("Host", "h"));
        List<HttpHeader> response = server.beginServerHandshake("b", List.of("x-two"), request);
        assertEquals(HandleState.HANDSHAKING, server.state());
        server.endServerHandshake();
        assertEquals(HandleState.OPEN, server.state());
        ClientHandshakeResult result = client.endClientHandshake(response);
        assertEquals(OptionalInt.of(1), result.selectedSubprotocol());
        assertEquals(List.of(1), result.selectedExtensions());
        assertEquals(List.of("x-two"), result.negotiatedExtensions());
        assertEquals(HandleState.OPEN, client.state());
    }

    @Test
    void noSubprotocolChosenIsEmpty() {
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.defaults());
        String key = client.beginClientHandshake(List.of("a"), List.of(), List.of()).get(2).value();
        ClientHandshakeResult result = client.endClientHandshake(Handles.response(key));
        assertEquals(OptionalInt.empty(), result.selectedSubprotocol());
        assertEquals(List.of(), result.selectedExtensions());
    }

    @Test
    void serverResponseHeadersFollowSpecTable4_2() {
        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.defaults());
        List<HttpHeader> request = new ArrayList<>(Handles.request(Handles.KEY));
        request.add(new HttpHeader("Sec-WebSocket-Protocol", "chat, superchat"));
        List<HttpHeader> response = server.beginServerHandshake("chat", List.of(), request);
        assertEquals(List.of(new HttpHeader("Connection", "Upgrade"), new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                new HttpHeader("Sec-WebSocket-Protocol", "chat")), response);
    }

    @Test
    void requestHeaderNamesAndTokensAreCaseInsensitive() {
        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.defaults());
        server.beginServerHandshake(null, List.of(), List.of(new HttpHeader("HOST", ""),
                new HttpHeader("upgrade", "WebSocket"), new HttpHeader("CONNECTION", "keep-alive, UPGRADE"),
                new HttpHeader("sec-websocket-key", Handles.KEY), new HttpHeader("SEC-WEBSOCKET-VERSION", "13")));
        assertEquals(HandleState.HANDSHAKING, server.state());
    }

    record Bad(String name, UnaryOperator<List<HttpHeader>> change, Class<? extends RuntimeException> error) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<HttpHeader> without(List<HttpHeader> headers, String name) {
        return headers.stream().filter(h -> !h.hasName(name)).toList();
    }

    static UnaryOperator<List<HttpHeader>> replace(String name, String... values) {
        return headers -> {
            List<HttpHeader> out = new ArrayList<>(without(headers, name));
            for (String value : values) {
                out.add(new HttpHeader(name, value));
            }
            return out;
        };
    }

    static Stream<Bad> badRequests() {
        Class<InvalidProtocolFormatException> format = InvalidProtocolFormatException.class;
        return Stream.of(
                new Bad("no Host", h -> without(h, "Host"), format),
                new Bad("no Upgrade", h -> without(h, "Upgrade"), format),
                new Bad("Upgrade: h2c", replace("Upgrade", "h2c"), format),
                new Bad("no Connection", h -> without(h, "Connection"), format),
                new Bad("Connection: keep-alive", replace("Connection", "keep-alive"), format),
                new Bad("Connection: upgraded", replace("Connection", "upgraded"), format),
                new Bad("no key", h -> without(h, "Sec-WebSocket-Key"), format),
                new Bad("key not base64", replace("Sec-WebSocket-Key", "not base64 at all!!!!!!!"), format),
                new Bad("key of 15 bytes", replace("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA"), format),
                new Bad("key of 17 bytes", replace("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAA="), format),
                new Bad("two keys", replace("Sec-WebSocket-Key", Handles.KEY, Handles.KEY), format),
                new Bad("no version", h -> without(h, "Sec-WebSocket-Version"), VersionNotSupportedException.class),
                new Bad("version 8", replace("Sec-WebSocket-Version", "8"), VersionNotSupportedException.class),
                new Bad("versions 13 and 8", replace("Sec-WebSocket-Version", "13, 8"), VersionNotSupportedException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void malformedRequestIsRefusedAndLeavesTheHandleUnchanged(Bad bad) {
        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.defaults());
        List<HttpHeader> request = bad.change().apply(Handles.request(Handles.KEY));
        RuntimeException e = assertThrows(bad.error(), () -> server.beginServerHandshake(null, List.of(), request));
        assertEquals(null, ((WebSocketProtocolException) e).closeStatus());
        assertEquals(HandleState.CREATED, server.state());
    }

    @Test
    void serverMaySelectOnlyWhatTheClientRequested() {
        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.defaults());
        List<HttpHeader> request = new ArrayList<>(Handles.request(Handles.KEY));
        request.add(new HttpHeader("Sec-WebSocket-Protocol", "chat"));
        request.add(new HttpHeader("Sec-WebSocket-Extensions", "x-one; a=1, x-two"));
        assertThrows(IllegalArgumentException.class, () -> server.beginServerHandshake("other", List.of(), request));
        assertThrows(IllegalArgumentException.class, () -> server.beginServerHandshake(null, List.of("x-three"), request));
        assertEquals(HandleState.CREATED, server.state());
        List<HttpHeader> response = server.beginServerHandshake(null, List.of("x-one; a=1"), request);
        assertEquals("x-one; a=1", HttpHeader.values(response, "Sec-WebSocket-Extensions").get(0));
    }

    static Stream<Bad> badResponses() {
        Class<InvalidProtocolFormatException> format = InvalidProtocolFormatException.class;
        return Stream.of(
                new Bad("no Upgrade", h -> without(h, "Upgrade"), format),
                new Bad("Upgrade: h2c", replace("Upgrade", "h2c"), format),
                new Bad("no Connection", h -> without(h, "Connection"), format),
                new Bad("Connection: close", replace("Connection", "close"), format),
                new Bad("no Accept", h -> without(h, "Sec-WebSocket-Accept"), format),
                new Bad("wrong Accept", replace("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), format),
                new Bad("two Accepts", h -> {
                    List<HttpHeader> out = new ArrayList<>(h);
                    out.add(h.get(2));
                    return out;
                }, format),
                new Bad("subprotocol not offered", replace("Sec-WebSocket-Protocol", "other"),
                        SubprotocolNotSupportedException.class),
                new Bad("two subprotocols", replace("Sec-WebSocket-Protocol", "a, b"), SubprotocolNotSupportedException.class),
                new Bad("extension not offered", replace("Sec-WebSocket-Extensions", "x-other"),
                        ExtensionNotSupportedException.class),
                new Bad("extension twice", replace("Sec-WebSocket-Extensions", "x-one, x-one"),
                        ExtensionNotSupportedException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResponses")
    void malformedResponseIsRefused(Bad bad) {
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.defaults());
        String key = client.beginClientHandshake(List.of("a", "b"), List.of("x-one"), List.of()).get(2).value();
        List<HttpHeader> response = bad.change().apply(Handles.response(key));
        assertThrows(bad.error(), () -> client.endClientHandshake(response));
        assertEquals(HandleState.HANDSHAKING, client.state());
    }

    @Test
    void badClientOffersAreCallerMistakes() {
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.defaults());
        assertThrows(IllegalArgumentException.class, () -> client.beginClientHandshake(List.of("a,b"), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> client.beginClientHandshake(List.of(""), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> client.beginClientHandshake(List.of(), List.of("x, y"), List.of()));
        assertEquals(HandleState.CREATED, client.state());
    }

    @Test
    void handshakeCallsInTheWrongPhaseOrRole() {
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.defaults());
        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.defaults());
        assertThrows(IllegalStateException.class, () -> client.endClientHandshake(List.of()));
        assertThrows(IllegalStateException.class, () -> client.beginServerHandshake(null, List.of(), Handles.request(Handles.KEY)));
        assertThrows(IllegalStateException.class, () -> server.beginClientHandshake(List.of(), List.of(), List.of()));
        assertThrows(IllegalStateException.class, server::endServerHandshake);
        client.beginClientHandshake(List.of(), List.of(), List.of());
        assertThrows(IllegalStateException.class, () -> client.beginClientHandshake(List.of(), List.of(), List.of()));
        assertThrows(IllegalStateException.class, () -> client.receive(null));
        server.beginServerHandshake(null, List.of(), Handles.request(Handles.KEY));
        assertThrows(IllegalStateException.class, () -> server.beginServerHandshake(null, List.of(), Handles.request(Handles.KEY)));
    }

    @Test
    void firstSessionCallEndsTheServerHandshake() {
        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.defaults());
        server.beginServerHandshake(null, List.of(), Handles.request(Handles.KEY));
        server.receive("r");
        assertEquals(HandleState.OPEN, server.state());
        assertEquals(ActionType.RECEIVE_FROM_NETWORK, server.getAction(ActionQueue.RECEIVE).type());
    }
}
