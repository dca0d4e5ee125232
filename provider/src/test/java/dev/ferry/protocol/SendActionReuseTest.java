package dev.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The send path's allocation (issue 2): an action whose buffers, type and context did not change is handed out
 * again, as on the receive path; what a caller sees in it is always the current frame.
 */
class SendActionReuseTest {

    private static final HexFormat HEX = HexFormat.of();

    private record Sent(Action.SendToNetwork frame, Action.IndicateSendComplete completion, String hex) {
    }

    private static Sent sendOne(WebSocketHandle handle, ByteBuffer payload, Object context) {
        handle.send(BufferType.BINARY_MESSAGE, payload, context);
        Action.SendToNetwork frame = assertInstanceOf(Action.SendToNetwork.class, handle.getAction(ActionQueue.SEND));
        ByteQueue wire = new ByteQueue();
        frame.buffers().forEach(b -> wire.add(b.duplicate()));
        frame.buffers().forEach(b -> b.position(b.limit())); // as a channel write leaves them
        handle.completeAction(frame, frame.totalBytes());
        Action.IndicateSendComplete completion = assertInstanceOf(Action.IndicateSendComplete.class,
                handle.getAction(ActionQueue.SEND));
        assertEquals(context, completion.context());
        handle.completeAction(completion, 0);
        return new Sent(frame, completion, HEX.formatHex(wire.drain()));
    }

    @Test
    void aClientReusesItsActionsAndStillSendsEachPayloadFreshlyMasked() {
        WebSocketHandle client = Handles.client(HandleProperties.builder().disableMasking(true).build(), 1);
        ByteBuffer payload = ByteBuffer.wrap("Hello".getBytes());
        Sent first = sendOne(client, payload, "ctx");
        payload.put(0, (byte) 'J');
        Sent second = sendOne(client, payload, "ctx");
        assertSame(first.frame(), second.frame());
        assertSame(first.completion(), second.completion());
        assertEquals("828500000000" + HEX.formatHex("Hello".getBytes()), first.hex());
        assertEquals("828500000000" + HEX.formatHex("Jello".getBytes()), second.hex());

        Sent other = sendOne(client, ByteBuffer.wrap("Hi".getBytes()), "other");
        assertNotSame(first.frame(), other.frame(), "a new context is a new action");
        assertEquals("other", other.frame().context());
        assertEquals("828200000000" + HEX.formatHex("Hi".getBytes()), other.hex());
    }

    /**
     * A driver hands its callers' payloads to the handle as they are, without a view of its own to spare (it counts
     * queued bytes by their remaining length): the handle reads from position to limit and moves neither.
     */
    @Test
    void aSendLeavesThePayloadsPositionAndLimitWhereTheyWere() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 1);
        WebSocketHandle client = Handles.client(HandleProperties.builder().sendBufferSize(256).build(), 1);
        for (WebSocketHandle handle : new WebSocketHandle[] {server, client}) {
            ByteBuffer payload = ByteBuffer.allocate(1000).position(3).limit(900); // the client's goes in 4 chunks
            handle.send(BufferType.BINARY_MESSAGE, payload, "ctx");
            Action action;
            while ((action = handle.getAction(ActionQueue.SEND)) instanceof Action.SendToNetwork s) {
                s.buffers().forEach(b -> b.position(b.limit())); // as a channel write leaves them
                handle.completeAction(s, s.totalBytes());
            }
            handle.completeAction(assertInstanceOf(Action.IndicateSendComplete.class, action), 0);
            assertEquals(3, payload.position(), handle.role() + ": position");
            assertEquals(900, payload.limit(), handle.role() + ": limit");
        }
    }

    @Test
    void aClientFrameInSeveralChunksReusesOneActionForTheFirstAndOneForTheOthers() {
        WebSocketHandle client = Handles.client(HandleProperties.builder().sendBufferSize(256).build(), 1);
        java.util.List<Action> first = chunkActions(client);
        java.util.List<Action> second = chunkActions(client);
        assertEquals(4, first.size(), "1000 bytes through 256");
        for (int i = 0; i < first.size(); i++) {
            assertSame(first.get(i), second.get(i));
        }
        assertSame(first.get(1), first.get(3), "the later chunks share one action");
        assertNotSame(first.get(0), first.get(1));
    }

    private static java.util.List<Action> chunkActions(WebSocketHandle client) {
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.allocate(1000), "ctx");
        java.util.List<Action> actions = new java.util.ArrayList<>();
        Action action;
        while ((action = client.getAction(ActionQueue.SEND)) instanceof Action.SendToNetwork s) {
            actions.add(s);
            client.completeAction(s, s.totalBytes());
        }
        client.completeAction(assertInstanceOf(Action.IndicateSendComplete.class, action), 0);
        return actions;
    }

    @Test
    void aServerReusesItsViewOnlyForTheSameBufferAtTheSamePosition() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 1);
        ByteBuffer payload = ByteBuffer.wrap("xHello".getBytes()).position(1);
        Sent first = sendOne(server, payload, null);
        Sent again = sendOne(server, payload, null);
        assertSame(first.frame(), again.frame());
        assertEquals("8205" + HEX.formatHex("Hello".getBytes()), again.hex());

        Sent shorter = sendOne(server, payload.limit(4), null);
        assertNotSame(first.frame(), shorter.frame());
        assertEquals("8203" + HEX.formatHex("Hel".getBytes()), shorter.hex());
        Sent otherBuffer = sendOne(server, ByteBuffer.wrap("Hel".getBytes()), null);
        assertNotSame(shorter.frame(), otherBuffer.frame());
        assertEquals(shorter.hex(), otherBuffer.hex());
    }
}
