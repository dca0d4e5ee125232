package dev.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WebSocketHandle#receiveBytesAhead()}: while a data chunk is held, how much more of its frame the header
 * declared, so a caller can size a message buffer once: exact for a message's final frame, 0 once a frame is handed
 * out whole, and never counting the later frames of a fragmented message.
 */
class ReceiveBytesAheadTest {

    private final WebSocketHandle client = Handles.client(HandleProperties.defaults(), 7);

    /** An unmasked server frame header with a 16-bit or 64-bit length (RFC 6455 §5.2). */
    private static byte[] header(int firstByte, long length) {
        if (length <= 0xFFFF) {
            return new byte[] {(byte) firstByte, 126, (byte) (length >>> 8), (byte) length};
        }
        ByteBuffer header = ByteBuffer.allocate(10).put((byte) firstByte).put((byte) 127).putLong(length);
        return header.array();
    }

    /** Feeds {@code bytes} through as many reads as the handle's buffer needs, collecting each chunk's hint. */
    private List<Long> feedAndCollect(byte[] bytes, List<BufferType> types) {
        List<Long> ahead = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            Action action = client.getAction(ActionQueue.RECEIVE);
            if (action instanceof Action.ReceiveFromNetwork read) {
                int n = Math.min(read.buffer().remaining(), bytes.length - at);
                read.buffer().put(bytes, at, n);
                at += n;
                client.completeAction(read, n);
                continue;
            }
            Action.IndicateReceiveComplete chunk = assertInstanceOf(Action.IndicateReceiveComplete.class, action);
            ahead.add(client.receiveBytesAhead());
            types.add(chunk.bufferType());
            client.completeAction(chunk, 0);
            client.receive(null);
        }
        Action last;
        while ((last = client.getAction(ActionQueue.RECEIVE)) instanceof Action.IndicateReceiveComplete chunk) {
            ahead.add(client.receiveBytesAhead());
            types.add(chunk.bufferType());
            client.completeAction(chunk, 0);
            client.receive(null);
        }
        if (last instanceof Action.ReceiveFromNetwork read) {
            client.returnAction(read);
        }
        return ahead;
    }

    private static byte[] join(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer joined = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            joined.put(part);
        }
        return joined.array();
    }

    @Test
    void eachChunkOfALargeFinalFrameTellsTheRestOfTheMessage() {
        int length = 10_000; // three chunks of the default 4096-byte receive buffer
        client.receive(null);
        List<BufferType> types = new ArrayList<>();
        List<Long> ahead = feedAndCollect(join(header(0x82, length), new byte[length]), types);
        // The first chunk holds what fit after the 4-byte header; what it says is ahead is the rest, to the byte.
        assertEquals(length - (4096 - 4), ahead.get(0));
        for (int i = 1; i < ahead.size(); i++) {
            assertTrue(ahead.get(i) < ahead.get(i - 1), "each chunk leaves less ahead: " + ahead);
        }
        assertEquals(0, ahead.get(ahead.size() - 1), "nothing is ahead of the last chunk");
        for (int i = 0; i < types.size(); i++) {
            assertEquals(i == types.size() - 1 ? BufferType.BINARY_MESSAGE : BufferType.BINARY_FRAGMENT, types.get(i));
        }
    }

    @Test
    void aFrameOverAMebibyteIsDeclaredInFullWithA64BitLength() {
        int length = 1 << 20;
        client.receive(null);
        List<BufferType> types = new ArrayList<>();
        List<Long> ahead = feedAndCollect(join(header(0x82, length), new byte[length]), types);
        assertEquals(length - (4096 - 10), ahead.get(0));
        assertEquals(0, ahead.get(ahead.size() - 1));
    }

    @Test
    void aNonFinalFrameTellsOnlyItsOwnRestAndAWholeSmallMessageNothing() {
        client.receive(null);
        List<BufferType> types = new ArrayList<>();
        // A fragmented message: a 5000-byte first frame (no FIN) and a 3-byte final CONTINUATION, then "hi" whole.
        byte[] bytes = join(header(0x02, 5000), new byte[5000], new byte[] {(byte) 0x80, 3, 1, 2, 3},
                new byte[] {(byte) 0x82, 2, 'h', 'i'});
        List<Long> ahead = feedAndCollect(bytes, types);
        // First chunk: the first frame's rest only, not the continuation still to come.
        assertEquals(5000 - (4096 - 4), ahead.get(0));
        assertEquals(BufferType.BINARY_FRAGMENT, types.get(0));
        for (int i = 1; i < ahead.size(); i++) {
            assertEquals(0, ahead.get(i), "chunk " + i + " (" + types.get(i) + ") ends its frame");
        }
        assertEquals(BufferType.BINARY_MESSAGE, types.get(types.size() - 1));
    }
}
