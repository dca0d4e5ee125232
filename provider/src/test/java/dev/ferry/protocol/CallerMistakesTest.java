package dev.ferry.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every caller mistake of spec §8.2 throws at once and leaves the handle as it was. */
class CallerMistakesTest {

    private final WebSocketHandle client = Handles.client(HandleProperties.defaults(), 3);
    private final WebSocketHandle server = Handles.server(HandleProperties.defaults(), 4);

    private static void rejects(Class<? extends RuntimeException> error, WebSocketHandle handle, Executable call) {
        HandleState before = handle.state();
        assertThrows(error, call);
        assertEquals(before, handle.state(), "state unchanged");
    }

    @Test
    void secondOutstandingSend() {
        client.send(BufferType.BINARY_MESSAGE, null, 1);
        rejects(IllegalStateException.class, client, () -> client.send(BufferType.BINARY_MESSAGE, null, 2));
        rejects(IllegalStateException.class, client, () -> client.sendClose(CloseStatus.NORMAL_CLOSURE, 2));
        Action.SendToNetwork s = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        assertEquals(1, s.context());
    }

    @Test
    void secondOutstandingReceive() {
        server.receive(1);
        rejects(IllegalStateException.class, server, () -> server.receive(2));
    }

    @Test
    void completingTwiceOrSomethingNotHandedOut() {
        client.send(BufferType.BINARY_MESSAGE, null, 1);
        Action.SendToNetwork s = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        long total = s.totalBytes();
        client.completeAction(s, total);
        rejects(IllegalStateException.class, client, () -> client.completeAction(s, total));
        rejects(IllegalStateException.class, client, () -> client.completeAction(
                new Action.IndicateSendComplete(BufferType.BINARY_MESSAGE, 1), 0));
        rejects(IllegalStateException.class, client, () -> client.completeAction(
                new Action.ReceiveFromNetwork(ByteBuffer.allocate(1), null), 0));
        rejects(IllegalStateException.class, server, () -> server.completeAction(s, total));
    }

    @Test
    void byteCountsOutOfRange() {
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[10]), 1);
        Action.SendToNetwork s = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        rejects(IllegalArgumentException.class, client, () -> client.completeAction(s, s.totalBytes() + 1));
        rejects(IllegalArgumentException.class, client, () -> client.completeAction(s, -1));
        client.receive(2);
        Action.ReceiveFromNetwork r = assertInstanceOf(Action.ReceiveFromNetwork.class, client.getAction(ActionQueue.RECEIVE));
        rejects(IllegalArgumentException.class, client, () -> client.completeAction(r, r.buffer().remaining() + 1));
        rejects(IllegalArgumentException.class, client, () -> client.completeAction(r, -1));
    }

    @Test
    void badSendArguments() {
        rejects(IllegalArgumentException.class, client, () -> client.send(BufferType.PING, ByteBuffer.allocate(126), 1));
        rejects(IllegalArgumentException.class, client,
                () -> client.send(BufferType.UNSOLICITED_PONG, ByteBuffer.allocate(126), 1));
        rejects(IllegalArgumentException.class, client, () -> client.send(BufferType.PONG, null, 1));
        rejects(IllegalArgumentException.class, client, () -> client.send(BufferType.CLOSE, null, 1));
        rejects(NullPointerException.class, client, () -> client.send(null, null, 1));
        rejects(NullPointerException.class, client, () -> client.getAction(null));
        rejects(NullPointerException.class, client, () -> client.completeAction(null, 0));
        client.send(BufferType.PING, ByteBuffer.allocate(125), 1);
    }

    @Test
    void closeCodesThatMayNotBeSent() {
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
            rejects(IllegalArgumentException.class, client, () -> client.sendClose(new CloseStatus(code, ""), 1));
        }
        rejects(IllegalArgumentException.class, client, () -> client.sendClose(new CloseStatus(1000, "\uD800"), 1));
        assertThrows(IllegalArgumentException.class, () -> new CloseStatus(1000, "x".repeat(124)));
        client.sendClose(new CloseStatus(4999, "é".repeat(61)), 1);
    }

    @Test
    void familyChangeInsideAMessage() {
        client.send(BufferType.UTF8_FRAGMENT, ByteBuffer.wrap("a".getBytes(StandardCharsets.UTF_8)), 1);
        drainSend(client);
        rejects(IllegalStateException.class, client, () -> client.send(BufferType.BINARY_MESSAGE, null, 2));
        rejects(IllegalStateException.class, client, () -> client.send(BufferType.BINARY_FRAGMENT, null, 2));
        client.send(BufferType.PING, null, 3); // control frames may go between fragments
        drainSend(client);
        client.send(BufferType.UTF8_MESSAGE, null, 4);
    }

    @Test
    void noDataAfterOurClose() {
        client.sendClose(CloseStatus.NORMAL_CLOSURE, 1);
        drainSend(client);
        assertEquals(HandleState.CLOSE_SENT, client.state());
        rejects(IllegalStateException.class, client, () -> client.send(BufferType.BINARY_MESSAGE, null, 2));
        rejects(IllegalStateException.class, client, () -> client.sendClose(CloseStatus.NORMAL_CLOSURE, 2));
    }

    @Test
    void noSendOnAnAbortedHandleAndTheErrorNamesTheCall() {
        client.abort();
        assertEquals(HandleState.ABORTED, client.state());
        IllegalStateException send = assertThrows(IllegalStateException.class,
                () -> client.send(BufferType.BINARY_MESSAGE, null, 1));
        assertEquals("expected an open handle to send BINARY_MESSAGE, got ABORTED", send.getMessage());
        IllegalStateException close = assertThrows(IllegalStateException.class,
                () -> client.sendClose(CloseStatus.NORMAL_CLOSURE, 2));
        assertEquals("expected an open handle to sendClose, got ABORTED", close.getMessage());
        assertEquals(HandleState.ABORTED, client.state());
    }

    @Test
    void sessionCallsBeforeTheHandshake() {
        WebSocketHandle fresh = WebSocketHandle.createClient(HandleProperties.defaults());
        rejects(IllegalStateException.class, fresh, () -> fresh.send(BufferType.BINARY_MESSAGE, null, 1));
        rejects(IllegalStateException.class, fresh, () -> fresh.sendClose(null, 1));
        rejects(IllegalStateException.class, fresh, () -> fresh.receive(1));
        rejects(IllegalStateException.class, fresh, () -> fresh.getAction(ActionQueue.ALL));
    }

    @Test
    void everyCallAfterCloseButCloseStateAndRole() {
        client.close();
        assertEquals(HandleState.DELETED, client.state());
        assertEquals(Role.CLIENT, client.role());
        client.close();
        rejects(IllegalStateException.class, client, () -> client.send(BufferType.BINARY_MESSAGE, null, 1));
        rejects(IllegalStateException.class, client, () -> client.sendClose(null, 1));
        rejects(IllegalStateException.class, client, () -> client.receive(1));
        rejects(IllegalStateException.class, client, () -> client.getAction(ActionQueue.ALL));
        rejects(IllegalStateException.class, client, () -> client.completeAction(Action.NO_ACTION, 0));
        rejects(IllegalStateException.class, client, client::abort);
        rejects(IllegalStateException.class, client, () -> client.beginClientHandshake(null, null, null));
        rejects(IllegalStateException.class, client, () -> client.endClientHandshake(java.util.List.of()));
    }

    @Test
    void receiveAfterThePeersClose() {
        HandlePair pair = new HandlePair();
        pair.client.autoReceive();
        pair.server.then(h -> h.sendClose(CloseStatus.NORMAL_CLOSURE, "c"));
        pair.pump();
        pair.client.recorder.expectReceived(BufferType.CLOSE);
        assertEquals(HandleState.CLOSE_RECEIVED, pair.client.handle.state());
        rejects(IllegalStateException.class, pair.client.handle, () -> pair.client.handle.receive(1));
    }

    @Test
    void propertiesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> HandleProperties.builder().receiveBufferSize(255).build());
        assertThrows(IllegalArgumentException.class, () -> HandleProperties.builder().sendBufferSize(255).build());
        assertThrows(IllegalArgumentException.class,
                () -> HandleProperties.builder().receiveBufferSize(HandleProperties.MAX_BUFFER_SIZE + 1).build());
        assertThrows(IllegalArgumentException.class, () -> HandleProperties.builder().maxMessageSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> HandleProperties.builder().maxMessageSize(-2).build());
        assertThrows(IllegalArgumentException.class, () -> HandleProperties.builder()
                .extensions(java.util.List.of(new XorExtension.Factory(), new XorExtension.Factory())).build());
        assertThrows(IllegalArgumentException.class, () -> WebSocketHandle.createClient(null));
    }

    static void drainSend(WebSocketHandle handle) {
        for (int i = 0; i < 100; i++) {
            Action a = handle.getAction(ActionQueue.SEND);
            if (a instanceof Action.NoAction) {
                return;
            }
            long n = a instanceof Action.SendToNetwork s ? s.totalBytes() : 0;
            handle.completeAction(a, n);
        }
        throw new AssertionError("send queue never drained");
    }
}
