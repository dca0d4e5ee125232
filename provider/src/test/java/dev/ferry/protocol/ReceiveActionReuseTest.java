package dev.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The receive path allocates nothing per frame (issue 2 item 6): with the same receive context, a steady
 * stream of reads and chunks gets the same action objects back, showing the data of the current chunk.
 */
class ReceiveActionReuseTest {

    /** Unmasked "Hello" (RFC 6455 §5.7) as a server sends it. */
    private static final byte[] HELLO = {(byte) 0x82, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};

    @Test
    void readsAndChunksAreReusedWhileTheContextStaysTheSame() {
        try (WebSocketHandle client = Handles.client(HandleProperties.defaults(), 7)) {
            Action.IndicateReceiveComplete first = receiveOne(client, "ctx", (byte) 'H');
            Action.ReceiveFromNetwork firstRead = lastRead;
            Action.IndicateReceiveComplete second = receiveOne(client, "ctx", (byte) 'J');
            assertSame(first, second);
            assertSame(firstRead, lastRead);
            assertEquals('J', second.data().get(second.data().position()));

            Action.IndicateReceiveComplete other = receiveOne(client, "other", (byte) 'K');
            assertNotSame(first, other);
            assertEquals("other", other.context());
            assertNotSame(firstRead, lastRead);
        }
    }

    private Action.ReceiveFromNetwork lastRead;

    private Action.IndicateReceiveComplete receiveOne(WebSocketHandle handle, Object context, byte firstByte) {
        byte[] frame = HELLO.clone();
        frame[2] = firstByte;
        handle.receive(context);
        lastRead = assertInstanceOf(Action.ReceiveFromNetwork.class, handle.getAction(ActionQueue.RECEIVE));
        ByteBuffer into = lastRead.buffer();
        into.put(frame);
        handle.completeAction(lastRead, frame.length);
        Action.IndicateReceiveComplete chunk = assertInstanceOf(Action.IndicateReceiveComplete.class,
                handle.getAction(ActionQueue.RECEIVE));
        assertEquals(BufferType.BINARY_MESSAGE, chunk.bufferType());
        assertEquals(5, chunk.data().remaining());
        assertEquals(context, chunk.context());
        handle.completeAction(chunk, 0);
        return chunk;
    }
}
