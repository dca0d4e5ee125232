package dev.ferry.protocol;

import dev.ferry.protocol.frame.Opcode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.ferry.protocol.ReadLoop.concat;
import static dev.ferry.protocol.ReadLoop.frame;
import static dev.ferry.protocol.ReadLoop.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Reads that start with a whole small frame, the receive loop's usual step for small messages: a client hands such a
 * frame (FIN, no RSV bit, TEXT or BINARY, unmasked, a 7-bit length, all of it read) out as its message at once,
 * without the general parser. These tests check that every rule still holds on that step: the masking direction, RSV
 * bits, a new message inside a fragmented one, UTF-8, {@code maxMessageSize}; and that frames it must not take (a
 * 16-bit length with more than 125 bytes read, a header cut after its first byte, a masked frame a client accepts
 * because masking is disabled) go through the parser intact.
 */
class WholeFrameReadTest {

    private static final HandleProperties DEFAULTS = HandleProperties.builder().build();

    @Test
    void wholeSmallFramesInOneReadAreOneMessageEach() {
        byte[] a = pattern(64);
        byte[] b = pattern(125);
        String text = "caf\u00e9 \uD83D\uDE80";
        ReadLoop client = new ReadLoop(Handles.client(DEFAULTS, 1), concat(frame(true, Opcode.BINARY, false, a),
                frame(true, Opcode.TEXT, false, text.getBytes(StandardCharsets.UTF_8)),
                frame(true, Opcode.BINARY, false, b), frame(true, Opcode.BINARY, false, new byte[0])));
        client.readAll(4096);
        assertEquals(List.of("BINARY_MESSAGE 64", "UTF8_MESSAGE 10", "BINARY_MESSAGE 125", "BINARY_MESSAGE 0"),
                client.chunks);
        assertArrayEquals(concat(a, text.getBytes(StandardCharsets.UTF_8), b), client.data.toByteArray());
    }

    @Test
    void aMaskedFrameToAClientFails1002() {
        ReadLoop client = new ReadLoop(Handles.client(DEFAULTS, 2), frame(true, Opcode.BINARY, true, pattern(64)));
        assertViolation(1002, () -> client.read(4096), client);
    }

    @Test
    void aMaskedFrameToAClientWithMaskingDisabledIsUnmasked() {
        HandleProperties disabled = HandleProperties.builder().disableMasking(true).build();
        byte[] payload = pattern(64);
        ReadLoop client = new ReadLoop(Handles.client(disabled, 3), frame(true, Opcode.BINARY, true, payload));
        client.readAll(4096);
        assertEquals(List.of("BINARY_MESSAGE 64"), client.chunks);
        assertArrayEquals(payload, client.data.toByteArray());
    }

    @Test
    void rsvBitsNobodyNegotiatedFail1002() {
        byte[] wire = frame(true, Opcode.BINARY, false, pattern(64));
        wire[0] |= 0x40;
        ReadLoop client = new ReadLoop(Handles.client(DEFAULTS, 4), wire);
        assertViolation(1002, () -> client.read(4096), client);
    }

    @Test
    void aWholeFrameInsideAFragmentedMessageFails1002() {
        byte[] first = frame(false, Opcode.BINARY, false, pattern(10));
        ReadLoop client = new ReadLoop(Handles.client(DEFAULTS, 5),
                concat(first, frame(true, Opcode.BINARY, false, pattern(10))));
        client.read(12); // the first fragment
        assertEquals(List.of("BINARY_FRAGMENT 10"), client.chunks);
        assertViolation(1002, () -> client.read(4096), client);
    }

    @Test
    void invalidUtf8InAWholeTextFrameFails1007() {
        byte[] utf8 = "ferry".getBytes(StandardCharsets.UTF_8);
        utf8[2] = (byte) 0xC0; // never valid in UTF-8
        ReadLoop client = new ReadLoop(Handles.client(DEFAULTS, 6), frame(true, Opcode.TEXT, false, utf8));
        assertViolation(1007, () -> client.read(4096), client);
    }

    @Test
    void aWholeFrameOverMaxMessageSizeFails1009() {
        HandleProperties limited = HandleProperties.builder().maxMessageSize(100).build();
        ReadLoop client = new ReadLoop(Handles.client(limited, 7), concat(frame(true, Opcode.BINARY, false,
                pattern(100)), frame(true, Opcode.BINARY, false, pattern(101))));
        client.read(102);
        assertEquals(List.of("BINARY_MESSAGE 100"), client.chunks, "exactly the limit is allowed");
        assertViolation(1009, () -> client.read(4096), client);
    }

    @Test
    void aSixteenBitLengthWithMoreThan125BytesReadIsNotASmallFrame() {
        byte[] payload = pattern(200); // length 126 in the header's second byte, then 200 in two more bytes
        byte[] next = pattern(3);
        ReadLoop client = new ReadLoop(Handles.client(DEFAULTS, 8),
                concat(frame(true, Opcode.BINARY, false, payload), frame(true, Opcode.BINARY, false, next)));
        client.readAll(4096);
        assertEquals(List.of("BINARY_MESSAGE 200", "BINARY_MESSAGE 3"), client.chunks);
        assertArrayEquals(concat(payload, next), client.data.toByteArray());
    }

    @Test
    void aHeaderCutAfterItsFirstByteWaitsForTheRest() {
        byte[] payload = pattern(64);
        ReadLoop client = new ReadLoop(Handles.client(DEFAULTS, 9), frame(true, Opcode.BINARY, false, payload));
        client.read(1);
        assertEquals(List.of(), client.chunks);
        client.read(1);
        assertEquals(List.of(), client.chunks, "a header and no payload yet");
        client.readAll(4096);
        assertEquals(List.of("BINARY_MESSAGE 64"), client.chunks);
        assertArrayEquals(payload, client.data.toByteArray());
    }

    private static void assertViolation(int code, Runnable read, ReadLoop loop) {
        WebSocketProtocolException violation = assertThrows(WebSocketProtocolException.class, read::run);
        assertEquals(code, violation.closeStatus().code());
        assertEquals(HandleState.FAILED, loop.handle.state());
    }
}
