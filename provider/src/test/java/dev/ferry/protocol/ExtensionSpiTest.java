package dev.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The extension SPI path (J5) with a test-only XOR extension on RSV2. */
class ExtensionSpiTest {

    private static HandlePair negotiated(XorExtension.Factory clientFactory, XorExtension.Factory serverFactory,
                                         HandleProperties base) {
        WebSocketHandle client = WebSocketHandle.create(Role.CLIENT,
                base.toBuilder().extensions(List.of(clientFactory)).build(), new Random(1));
        WebSocketHandle server = WebSocketHandle.create(Role.SERVER,
                base.toBuilder().extensions(List.of(serverFactory)).build(), new Random(2));
        List<HttpHeader> request = new ArrayList<>(client.beginClientHandshake(List.of(), List.of(XorExtension.NAME),
                List.of()));
        request.add(new HttpHeader("Host", "h"));
        assertEquals("x-xor; key=90", HttpHeader.values(request, "Sec-WebSocket-Extensions").get(0));
        List<HttpHeader> response = server.beginServerHandshake(null, List.of(XorExtension.NAME), request);
        ClientHandshakeResult result = client.endClientHandshake(response);
        assertEquals(List.of(0), result.selectedExtensions());
        assertEquals(List.of("x-xor; key=90"), result.negotiatedExtensions());
        return new HandlePair(new Peer(client), new Peer(server));
    }

    @Test
    void messagesRoundTripThroughTheExtensionWithRsv2OnTheFirstFrameOnly() {
        XorExtension.Factory clientFactory = new XorExtension.Factory();
        XorExtension.Factory serverFactory = new XorExtension.Factory();
        HandlePair pair = negotiated(clientFactory, serverFactory, HandleProperties.defaults());
        byte[] big = new byte[10_000];
        new Random(3).nextBytes(big);
        pair.server.autoReceive();
        pair.client.autoReceive();
        pair.client.then(h -> h.send(BufferType.BINARY_FRAGMENT, ByteBuffer.wrap(big, 0, 6000), 1))
                .then(h -> h.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(big, 6000, 4000), 2))
                .then(h -> h.send(BufferType.UTF8_MESSAGE, ByteBuffer.wrap("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 3));
        pair.pump();
        // Wire check: first frame RSV2 + BINARY, continuation without RSV.
        byte[] first = pair.client.written.get(0);
        assertEquals(0x20 | 0x02, first[0] & 0xFF);
        assertEquals(0x80, pair.client.written.get(1)[0] & 0xFF);
        ActionRecorder.Received r = pair.server.recorder.expectMessage(BufferType.BINARY_MESSAGE, big);
        assertTrue(r.chunks() >= 3, "decoded into buffer-sized chunks");
        pair.server.recorder.expectMessage(BufferType.UTF8_MESSAGE, "héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        pair.client.recorder.expectSent(BufferType.BINARY_FRAGMENT, 1);
        pair.client.recorder.expectSent(BufferType.BINARY_MESSAGE, 2);
        pair.client.recorder.expectSent(BufferType.UTF8_MESSAGE, 3);
        pair.server.then(h -> h.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(big), 4));
        pair.pump();
        pair.server.recorder.expectSent(BufferType.BINARY_MESSAGE, 4);
        pair.client.recorder.expectMessage(BufferType.BINARY_MESSAGE, big);
        pair.assertExhausted();
        pair.client.handle.close();
        pair.server.handle.close();
        assertEquals(1, clientFactory.created.get(0).releases);
        assertEquals(1, serverFactory.created.get(0).releases);
    }

    @Test
    void decodedSizeIsLimitedBeforeMoreThanOneBufferIsProduced() {
        XorExtension.Factory bomb = new XorExtension.Factory(1_000_000, false);
        HandleProperties limited = HandleProperties.builder().maxMessageSize(10_000).receiveBufferSize(1024).build();
        HandlePair pair = negotiated(new XorExtension.Factory(), bomb, limited);
        pair.server.autoReceive();
        pair.client.then(h -> h.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[] {1, 2, 3}), "bomb"));
        pair.pump();
        pair.client.recorder.expectSent(BufferType.BINARY_MESSAGE, "bomb");
        int chunks = 0;
        while (!(pair.server.recorder.next() instanceof ActionRecorder.Failed f)) {
            chunks++;
        }
        assertTrue(chunks <= 1, "at most ~maxMessageSize bytes produced before the failure");
        assertEquals(HandleState.FAILED, pair.server.handle.state());
        byte[] close = pair.server.written.get(pair.server.written.size() - 1);
        byte[] payload = Peer.payloadOf(close);
        assertEquals(1009, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
    }

    @Test
    void rsvBitsOfTheExtensionAreRefusedOnControlAndContinuationFrames() {
        HandlePair pair = negotiated(new XorExtension.Factory(), new XorExtension.Factory(), HandleProperties.defaults());
        pair.client.autoReceive();
        pair.client.inbound.add(new byte[] {(byte) 0xA9, 0}); // RSV2 ping
        pair.pump();
        pair.client.recorder.expectFailed(1002);
    }

    @Test
    void otherRsvBitsAreStillRefused() {
        HandlePair pair = negotiated(new XorExtension.Factory(), new XorExtension.Factory(), HandleProperties.defaults());
        pair.client.autoReceive();
        pair.client.inbound.add(new byte[] {(byte) 0xC1, 0}); // RSV1 text
        pair.pump();
        pair.client.recorder.expectFailed(1002);
    }

    @Test
    void aServerFactoryMayDecline() {
        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.builder()
                .extensions(List.of(new XorExtension.Factory(1, true))).build());
        List<HttpHeader> request = new ArrayList<>(Handles.request(Handles.KEY));
        request.add(new HttpHeader("Sec-WebSocket-Extensions", "x-xor; key=1, x-xor; key=2"));
        List<HttpHeader> response = server.beginServerHandshake(null, List.of(XorExtension.NAME), request);
        assertEquals(List.of(), HttpHeader.values(response, "Sec-WebSocket-Extensions"));
    }

    @Test
    void aClientFactoryMayRefuseTheResponse() {
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.builder()
                .extensions(List.of(new XorExtension.Factory())).build());
        String key = client.beginClientHandshake(List.of(), List.of(XorExtension.NAME), List.of()).get(2).value();
        List<HttpHeader> response = new ArrayList<>(Handles.response(key));
        response.add(new HttpHeader("Sec-WebSocket-Extensions", "x-xor"));
        assertThrows(ExtensionNotSupportedException.class, () -> client.endClientHandshake(response));
    }

    @Test
    void abortReleasesExtensionsOnce() {
        XorExtension.Factory factory = new XorExtension.Factory();
        HandlePair pair = negotiated(factory, new XorExtension.Factory(), HandleProperties.defaults());
        pair.client.handle.abort();
        pair.client.handle.close();
        assertEquals(1, factory.created.get(0).releases, "released on abort, not again on close");
    }
}
