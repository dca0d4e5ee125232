package dev.ferry.protocol;

import dev.ferry.protocol.frame.Opcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.ferry.protocol.ReadLoop.bytes;
import static dev.ferry.protocol.ReadLoop.concat;
import static dev.ferry.protocol.ReadLoop.frame;
import static dev.ferry.protocol.ReadLoop.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Reads that continue a data frame's payload, the receive loop's usual step in a long message: the receive pipeline
 * hands such a read's bytes out as a chunk at once, without going through its parser. These tests drive the edges of
 * that step with the fused calls, as a driver does: a read that ends exactly where the frame ends, a frame end and the
 * next header in one read, a header split across reads, control frames between the frames of a fragmented message,
 * text split inside a UTF-8 sequence, masked frames, and abort and close while a frame is half received. Receive
 * buffers are the smallest allowed (256 bytes), so frames span many reads.
 */
class ContinuingReadTest {

    private static final int BUFFER = 256;
    private static final HandleProperties SMALL = HandleProperties.builder().receiveBufferSize(BUFFER).build();

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 255, 256})
    void aLongBinaryFrameComesOutAsOneChunkPerReadWithEveryByte(int readSize) {
        byte[] payload = pattern(1000);
        ReadLoop client = new ReadLoop(Handles.client(SMALL, 1), frame(true, Opcode.BINARY, false, payload));
        client.readAll(readSize);
        assertArrayEquals(payload, client.data.toByteArray());
        List<String> types = client.types();
        assertEquals("BINARY_MESSAGE", types.get(types.size() - 1));
        assertEquals(types.size() - 1, types.stream().filter("BINARY_FRAGMENT"::equals).count(),
                "fragments, then the end");
        for (int i = 1; i < client.chunks.size() - 1; i++) {
            // A full-size read in the middle of the payload is handed out as one chunk of exactly its bytes.
            String chunk = client.chunks.get(i);
            assertEquals(Math.min(readSize, BUFFER), Integer.parseInt(chunk.substring(chunk.indexOf(' ') + 1)), chunk);
        }
    }

    @Test
    void aReadThatEndsExactlyAtTheFrameEndEndsTheMessageAndTheNextHeaderComesInTheNextRead() {
        byte[] first = pattern(300);
        byte[] second = pattern(5);
        byte[] firstFrame = frame(true, Opcode.BINARY, false, first);
        ReadLoop client = new ReadLoop(Handles.client(SMALL, 2),
                concat(firstFrame, frame(true, Opcode.BINARY, false, second)));
        client.read(BUFFER);                       // header (4 bytes) and 252 payload bytes
        client.read(firstFrame.length - BUFFER);   // the remaining 48 payload bytes, exactly to the frame's end
        assertEquals(List.of("BINARY_FRAGMENT 252", "BINARY_MESSAGE 48"), client.chunks);
        client.read(1);                            // half of the next header
        assertEquals(2, client.chunks.size(), "half a header is no unit");
        client.readAll(BUFFER);
        assertEquals(List.of("BINARY_FRAGMENT 252", "BINARY_MESSAGE 48", "BINARY_MESSAGE 5"), client.chunks);
        assertArrayEquals(concat(first, second), client.data.toByteArray());
    }

    @Test
    void aReadThatEndsAFrameAndStartsTheNextHeaderHandsOutOnlyTheFramesRest() {
        byte[] first = pattern(300);
        byte[] second = pattern(200);
        byte[] firstFrame = frame(true, Opcode.BINARY, false, first);
        ReadLoop client = new ReadLoop(Handles.client(SMALL, 3),
                concat(firstFrame, frame(true, Opcode.BINARY, false, second)));
        client.read(BUFFER);
        client.read(firstFrame.length - BUFFER + 3); // the first frame's last 48 bytes and 3 of the next 4-byte header
        assertEquals(List.of("BINARY_FRAGMENT 252", "BINARY_MESSAGE 48"), client.chunks,
                "the read's chunk stops at the frame's end");
        client.readAll(BUFFER);
        assertEquals(List.of("BINARY_FRAGMENT 252", "BINARY_MESSAGE 48", "BINARY_MESSAGE 200"), client.chunks);
        assertArrayEquals(concat(first, second), client.data.toByteArray());
    }

    @Test
    void controlFramesBetweenFragmentsAreHandledWhereTheyFallInAContinuingRead() {
        byte[] part1 = pattern(400);
        byte[] part2 = pattern(300);
        byte[] wire = concat(frame(false, Opcode.BINARY, false, part1), frame(true, Opcode.PING, false, bytes("p")),
                frame(true, Opcode.PONG, false, bytes("q")), frame(true, Opcode.CONTINUATION, false, part2));
        ReadLoop client = new ReadLoop(Handles.client(SMALL, 4), wire);
        client.readAll(BUFFER);
        // Read 1: the 4-byte header and 252 bytes. Read 2 (256 bytes): the first frame's last 148 bytes (a chunk that
        // stops at the frame's end), the ping (answered), the pong (its own receive), the continuation's 4-byte header
        // and 98 of its bytes. Read 3: its last 202 bytes.
        assertEquals(List.of("BINARY_FRAGMENT 252", "BINARY_FRAGMENT 148", "write PONG", "PONG 1",
                "BINARY_FRAGMENT 98", "BINARY_MESSAGE 202"), client.events);
        assertArrayEquals(concat(part1, part2), client.data.toByteArray());
    }

    @Test
    void maskedFramesToAServerAreUnmaskedReadByRead() {
        byte[] payload = pattern(1000);
        ReadLoop server = new ReadLoop(Handles.server(SMALL, 5), frame(true, Opcode.BINARY, true, payload));
        server.readAll(100);
        assertArrayEquals(payload, server.data.toByteArray());
    }

    @Test
    void textSplitInsideAUtf8SequenceAcrossReadsIsValidAndWhole() {
        String text = "ferry \u00e9\u20ac\uD83D\uDE80 ".repeat(40);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ReadLoop client = new ReadLoop(Handles.client(SMALL, 6), frame(true, Opcode.TEXT, false, utf8));
        client.readAll(BUFFER); // 256-byte reads cut the 2-, 3- and 4-byte sequences at various places
        assertEquals(text, client.data.toString(StandardCharsets.UTF_8));
        assertEquals("UTF8_MESSAGE", client.types().get(client.types().size() - 1));
    }

    @Test
    void invalidUtf8InAContinuingReadFailsThatRead() {
        byte[] utf8 = "x".repeat(600).getBytes(StandardCharsets.UTF_8);
        utf8[400] = (byte) 0xFF; // never valid in UTF-8
        ReadLoop client = new ReadLoop(Handles.client(SMALL, 7), frame(true, Opcode.TEXT, false, utf8));
        client.read(BUFFER);
        WebSocketProtocolException violation =
                assertThrows(WebSocketProtocolException.class, () -> client.read(BUFFER));
        assertEquals(CloseStatus.INVALID_PAYLOAD.code(), violation.closeStatus().code());
        assertEquals(HandleState.FAILED, client.handle.state());
    }

    @Test
    void abortWhileAFrameIsHalfReceivedEndsTheReceiveWithCloseAborted() {
        ReadLoop client = new ReadLoop(Handles.client(SMALL, 8), frame(true, Opcode.BINARY, false, pattern(1000)));
        client.read(BUFFER);
        client.handle.abort();
        client.read(BUFFER); // the read was outstanding; its bytes are not parsed
        assertEquals(List.of("BINARY_FRAGMENT 252", "CLOSE 0"), client.chunks);
        assertEquals(HandleState.ABORTED, client.handle.state());
    }

    @Test
    void closeWhileAFrameIsHalfReceivedRefusesTheOutstandingRead() {
        ReadLoop client = new ReadLoop(Handles.client(SMALL, 9), frame(true, Opcode.BINARY, false, pattern(1000)));
        client.read(BUFFER);
        client.handle.close();
        assertThrows(IllegalStateException.class, () -> client.read(BUFFER));
        assertEquals(HandleState.DELETED, client.handle.state());
    }

    @Test
    void aReadOfNoBytesInTheMiddleOfAFrameIsTheEndOfTheStream() {
        ReadLoop client = new ReadLoop(Handles.client(SMALL, 10), frame(true, Opcode.BINARY, false, pattern(1000)));
        client.read(BUFFER);
        client.read(0);
        assertEquals(List.of("BINARY_FRAGMENT 252", "CLOSE 0"), client.chunks);
    }
}
