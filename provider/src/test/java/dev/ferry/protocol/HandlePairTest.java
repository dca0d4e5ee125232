package dev.ferry.protocol;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Client and server handles talking to each other in memory: messages, pings, close handshakes. */
class HandlePairTest {

    private final HandlePair pair = new HandlePair();

    @AfterEach
    void exhausted() {
        pair.assertExhausted();
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void textFromClientToServer() {
        pair.server.autoReceive();
        pair.client.then(h -> h.send(BufferType.UTF8_MESSAGE, utf8("Hello"), "c1"));
        pair.pump();
        pair.client.recorder.expectSent(BufferType.UTF8_MESSAGE, "c1");
        pair.server.recorder.expectMessage(BufferType.UTF8_MESSAGE, "Hello".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void binaryFromServerToClientInFragments() {
        pair.client.autoReceive();
        pair.server.then(h -> h.send(BufferType.BINARY_FRAGMENT, ByteBuffer.wrap(new byte[] {1, 2}), "a"))
                .then(h -> h.send(BufferType.BINARY_FRAGMENT, null, "b"))
                .then(h -> h.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[] {3}), "c"));
        pair.pump();
        pair.server.recorder.expectSent(BufferType.BINARY_FRAGMENT, "a");
        pair.server.recorder.expectSent(BufferType.BINARY_FRAGMENT, "b");
        pair.server.recorder.expectSent(BufferType.BINARY_MESSAGE, "c");
        pair.client.recorder.expectMessage(BufferType.BINARY_MESSAGE, new byte[] {1, 2, 3});
    }

    @Test
    void pingIsAnsweredAutomaticallyAndThePongSurfaces() {
        pair.server.autoReceive();
        pair.client.autoReceive();
        pair.client.then(h -> h.send(BufferType.PING, utf8("are you there"), "p"));
        pair.pump();
        pair.client.recorder.expectSent(BufferType.PING, "p");
        pair.server.recorder.expectAutoPong("are you there".getBytes(StandardCharsets.UTF_8));
        ActionRecorder.Received pong = pair.client.recorder.expectReceived(BufferType.PONG);
        assertEquals("are you there", new String(pong.data(), StandardCharsets.UTF_8));
    }

    @Test
    void closeHandshakeStartedByTheClient() {
        pair.server.autoReceive();
        pair.client.autoReceive();
        pair.client.then(h -> h.sendClose(new CloseStatus(1000, "bye"), "close"));
        pair.pump();
        pair.client.recorder.expectSent(BufferType.CLOSE, "close");
        assertEquals(HandleState.CLOSE_SENT, pair.client.handle.state());
        ActionRecorder.Received close = pair.server.recorder.expectReceived(BufferType.CLOSE);
        assertEquals(new CloseStatus(1000, "bye"), close.closeStatus());
        assertEquals(HandleState.CLOSE_RECEIVED, pair.server.handle.state());
        pair.server.then(h -> h.sendClose(close.closeStatus(), "echo"));
        pair.pump();
        pair.server.recorder.expectSent(BufferType.CLOSE, "echo");
        assertEquals(new CloseStatus(1000, "bye"), pair.client.recorder.expectReceived(BufferType.CLOSE).closeStatus());
        assertEquals(HandleState.CLOSED, pair.client.handle.state());
        assertEquals(HandleState.CLOSED, pair.server.handle.state());
    }

    @Test
    void closeHandshakeStartedByTheServerWithoutBody() {
        pair.server.autoReceive();
        pair.client.autoReceive();
        pair.server.then(h -> h.sendClose(null, "close"));
        pair.pump();
        pair.server.recorder.expectSent(BufferType.CLOSE, "close");
        assertEquals(CloseStatus.EMPTY, pair.client.recorder.expectReceived(BufferType.CLOSE).closeStatus());
        pair.client.then(h -> h.sendClose(null, "echo"));
        pair.pump();
        pair.client.recorder.expectSent(BufferType.CLOSE, "echo");
        assertEquals(CloseStatus.EMPTY, pair.server.recorder.expectReceived(BufferType.CLOSE).closeStatus());
        assertEquals(HandleState.CLOSED, pair.client.handle.state());
        assertEquals(HandleState.CLOSED, pair.server.handle.state());
    }

    /** A Close with a code and no reason carries the code alone (two bytes), both ways. */
    @Test
    void closeHandshakeWithACodeAndNoReason() {
        pair.server.autoReceive();
        pair.client.autoReceive();
        pair.server.then(h -> h.sendClose(new CloseStatus(1001, ""), "close"));
        pair.pump();
        pair.server.recorder.expectSent(BufferType.CLOSE, "close");
        ActionRecorder.Received close = pair.client.recorder.expectReceived(BufferType.CLOSE);
        assertEquals(new CloseStatus(1001, ""), close.closeStatus());
        pair.client.then(h -> h.sendClose(new CloseStatus(4000, ""), "echo"));
        pair.pump();
        pair.client.recorder.expectSent(BufferType.CLOSE, "echo");
        assertEquals(new CloseStatus(4000, ""), pair.server.recorder.expectReceived(BufferType.CLOSE).closeStatus());
        assertEquals(HandleState.CLOSED, pair.client.handle.state());
        assertEquals(HandleState.CLOSED, pair.server.handle.state());
    }

    @Test
    void unsolicitedPongArrivesAsPongAndIsNotAnswered() {
        pair.server.autoReceive();
        pair.client.then(h -> h.send(BufferType.UNSOLICITED_PONG, utf8("keepalive"), "k"));
        pair.pump();
        pair.client.recorder.expectSent(BufferType.UNSOLICITED_PONG, "k");
        assertEquals("keepalive", new String(pair.server.recorder.expectReceived(BufferType.PONG).data(),
                StandardCharsets.UTF_8));
    }

    @Test
    void controlFramesBetweenFragmentsAndEmptyParts() {
        pair.server.autoReceive();
        pair.client.autoReceive();
        pair.client.then(h -> h.send(BufferType.UTF8_FRAGMENT, utf8("κό"), 1))
                .then(h -> h.send(BufferType.PING, null, 2))
                .then(h -> h.send(BufferType.UTF8_FRAGMENT, null, 3))
                .then(h -> h.send(BufferType.UNSOLICITED_PONG, null, 4))
                .then(h -> h.send(BufferType.UTF8_MESSAGE, utf8("σμε"), 5))
                .then(h -> h.send(BufferType.BINARY_MESSAGE, null, 6));
        pair.pump();
        int sent = 0;
        int pongs = 0;
        for (int i = 0; i < 7; i++) {
            ActionRecorder.Event e = pair.client.recorder.next();
            if (e instanceof ActionRecorder.Sent) {
                sent++;
            } else if (e instanceof ActionRecorder.Received r && r.type() == BufferType.PONG) {
                pongs++;
            }
        }
        assertEquals(6, sent);
        assertEquals(1, pongs, "the server answered the ping");
        pair.server.recorder.expectAutoPong(new byte[0]);
        pair.server.recorder.expectReceived(BufferType.PONG);
        pair.server.recorder.expectMessage(BufferType.UTF8_MESSAGE, "κόσμε".getBytes(StandardCharsets.UTF_8));
        pair.server.recorder.expectMessage(BufferType.BINARY_MESSAGE, new byte[0]);
    }
}
