package dev.ferry.protocol.extension;

import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.MessageTooBigException;
import dev.ferry.protocol.WebSocketProtocolException;
import dev.ferry.protocol.extension.HandleLink.Message;
import dev.ferry.protocol.extension.HandleLink.WireFrame;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.ferry.protocol.extension.ExtensionDriver.HEX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** permessage-deflate driven by real handles: a client and a server pumped against each other in memory. */
class PerMessageDeflateHandleTest {

    private static final int RSV1 = 0x4;

    private static HandleProperties withDeflate(PerMessageDeflate deflate) {
        return HandleProperties.builder().extensions(List.of(deflate)).build();
    }

    private static HandleLink link() {
        return HandleLink.open(withDeflate(PerMessageDeflate.defaults()), withDeflate(PerMessageDeflate.defaults()));
    }

    @Test
    void handshakeNegotiatesPermessageDeflate() {
        HandleLink link = link();
        List<String> answered = link.responseHeaders.stream()
                .filter(h -> h.name().equalsIgnoreCase("Sec-WebSocket-Extensions")).map(HttpHeader::value).toList();
        assertEquals(List.of("permessage-deflate"), answered);
    }

    @Test
    void rfc7692HelloCrossesTheWireCompressedWithRsv1() {
        HandleLink link = link();
        link.client.receiving();
        link.server.send(BufferType.UTF8_MESSAGE, bytes("Hello")).send(BufferType.UTF8_MESSAGE, bytes("Hello"));
        link.pump();

        // RFC 7692 §7.2.3.1 and §7.2.3.2, as whole frames: c1 07 f2 48 cd c9 c9 07 00, then c1 05 f2 00 11 00 00.
        assertEquals("c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00",
                HEX.formatHex(link.server.written.toByteArray()));
        assertEquals(List.of("Hello", "Hello"), texts(link.client.messages));
    }

    @Test
    void textAndBinaryMessagesRoundTripBothWaysWithRsv1OnEveryFirstFrame() {
        HandleLink link = link();
        link.client.receiving();
        link.server.receiving();
        Random random = new Random(7692);
        List<Message> fromClient = new ArrayList<>();
        List<Message> fromServer = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byte[] data = i % 2 == 0 ? bytes("message " + i + " ".repeat(i) + "end") : randomBytes(random, 20_000);
            BufferType type = i % 2 == 0 ? BufferType.UTF8_MESSAGE : BufferType.BINARY_MESSAGE;
            (i % 3 == 0 ? link.server : link.client).send(type, data);
            (i % 3 == 0 ? fromServer : fromClient).add(new Message(i % 2 == 0, data));
        }
        link.pump();

        assertSameMessages(fromClient, link.server.messages);
        assertSameMessages(fromServer, link.client.messages);
        for (HandleLink.Side side : List.of(link.client, link.server)) {
            for (WireFrame frame : side.frames()) {
                assertTrue(frame.isData() && frame.fin(), "only whole data messages were sent");
                assertEquals(RSV1, frame.rsv(), "every message goes compressed");
            }
        }
        assertNull(link.client.failure);
        assertNull(link.server.failure);
    }

    @Test
    void fragmentedMessagesCarryRsv1OnTheFirstFrameOnly() {
        HandleLink link = link();
        link.server.receiving();
        link.client.receiving();
        link.client.send(BufferType.UTF8_FRAGMENT, bytes("Hello, "))
                .send(BufferType.UTF8_FRAGMENT, new byte[0])
                .send(BufferType.UTF8_MESSAGE, bytes("permessage-deflate"));
        byte[] large = randomBytes(new Random(1), 50_000);
        link.server.send(BufferType.BINARY_FRAGMENT, java.util.Arrays.copyOfRange(large, 0, 30_000))
                .send(BufferType.BINARY_MESSAGE, java.util.Arrays.copyOfRange(large, 30_000, large.length));
        link.pump();

        assertEquals(List.of("Hello, permessage-deflate"), texts(link.server.messages));
        assertSameMessages(List.of(new Message(false, large)), link.client.messages);
        assertRsv1OnFirstFramesOnly(link.client.frames(), 3);
        assertRsv1OnFirstFramesOnly(link.server.frames(), 2);
    }

    @Test
    void largeCompressedMessageIsDeliveredInChunksOfTheReceiveBuffer() {
        HandleProperties small = HandleProperties.builder().receiveBufferSize(256)
                .extensions(List.of(PerMessageDeflate.defaults())).build();
        HandleLink link = HandleLink.open(small, small);
        link.client.receiving();
        byte[] zeros = new byte[1 << 20];
        link.server.send(BufferType.BINARY_MESSAGE, zeros);
        link.pump();

        assertSameMessages(List.of(new Message(false, zeros)), link.client.messages);
        assertTrue(link.client.largestChunk <= 256, "chunk of " + link.client.largestChunk + " bytes");
    }

    @Test
    void aLargeMessageIsInflatedSeveralChunksAtATimeAndHandedOutInChunksOfTheReceiveBuffer() {
        ZlibRecorder zlib = new ZlibRecorder();
        HandleProperties receiver = HandleProperties.builder().receiveBufferSize(4096)
                .extensions(List.of(PerMessageDeflate.builder().zlib(zlib).build())).build();
        HandleLink link = HandleLink.open(receiver, withDeflate(PerMessageDeflate.defaults()));
        link.client.receiving();
        byte[] text = new byte[256 * 1024];
        Random random = new Random(16384);
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + random.nextInt(8));
        }
        link.server.send(BufferType.BINARY_MESSAGE, text);
        link.pump();

        assertSameMessages(List.of(new Message(false, text)), link.client.messages);
        assertTrue(link.client.largestChunk <= 4096, "chunk of " + link.client.largestChunk + " bytes");
        // zlib gets room for two receive buffers per call: fewer calls, and fewer bytes on its slow path at the end
        // of each call's room; the chunks handed out stay within one receive buffer.
        assertEquals(2 * 4096, zlib.inflaters.get(0).rooms.stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    @Test
    void compressionBombOverMaxMessageSizeFails1009WithoutInflatingIt() {
        HandleProperties limited = HandleProperties.builder().maxMessageSize(1 << 20)
                .extensions(List.of(PerMessageDeflate.defaults())).build();
        HandleLink link = HandleLink.open(limited, withDeflate(PerMessageDeflate.defaults()));
        byte[] bomb = ExtensionDriver.encode(PerMessageDeflate.defaults().accept(PerMessageDeflate.NAME),
                new byte[16 << 20]).get(0);
        assertTrue(bomb.length < 32 * 1024, "16 MiB of zeros compress to " + bomb.length + " bytes");

        link.client.receiving();
        link.client.inbound.add(serverFrame(0x80 | 0x40 | 0x2, bomb)); // FIN, RSV1, BINARY
        long before = AllocationMeter.allocatedBytes();
        link.pump();
        long allocated = AllocationMeter.allocatedBytes() - before;

        MessageTooBigException failure = assertInstanceOf(MessageTooBigException.class, link.client.failure);
        assertEquals(CloseStatus.MESSAGE_TOO_BIG.code(), failure.closeStatus().code());
        assertEquals(List.of(), link.client.messages);
        assertEquals(1009, closeCodeWritten(link.client));
        if (before >= 0) {
            assertTrue(allocated < 8 << 20, "the bomb cost " + allocated + " bytes of heap");
        }
    }

    @Test
    void rsv1OnAContinuationFrameFails1002() {
        HandleLink link = link();
        link.client.receiving();
        // RFC 7692 §6.1: only the first frame of a message may carry RSV1.
        link.client.inbound.add(serverFrame(0x40 | 0x1, HEX.parseHex("f2 48 cd")));     // TEXT, RSV1, not FIN
        link.client.inbound.add(serverFrame(0x80 | 0x40, HEX.parseHex("c9 c9 07 00"))); // FIN, RSV1, CONTINUATION
        link.pump();

        assertProtocolError(link.client);
    }

    @Test
    void rsv1OnAControlFrameFails1002() {
        HandleLink link = link();
        link.client.receiving();
        link.client.inbound.add(serverFrame(0x80 | 0x40 | 0x9, new byte[0])); // FIN, RSV1, PING
        link.pump();

        assertProtocolError(link.client);
    }

    @Test
    void undecodableCompressedDataFails1007() {
        HandleLink link = link();
        link.client.receiving();
        link.client.inbound.add(serverFrame(0x80 | 0x40 | 0x1, HEX.parseHex("07 ff ff"))); // BTYPE 11 is reserved
        link.pump();

        assertNotNull(link.client.failure);
        assertEquals(CloseStatus.INVALID_PAYLOAD.code(), link.client.failure.closeStatus().code());
        assertEquals(1007, closeCodeWritten(link.client));
    }

    @Test
    void closeAndAbortEndTheZlibStreams() {
        ZlibRecorder clientZlib = new ZlibRecorder();
        ZlibRecorder serverZlib = new ZlibRecorder();
        HandleLink link = HandleLink.open(withDeflate(PerMessageDeflate.builder().zlib(clientZlib).build()),
                withDeflate(PerMessageDeflate.builder().zlib(serverZlib).build()));
        assertEquals(0, clientZlib.deflaters.size() + clientZlib.inflaters.size(), "nothing before the first message");
        link.client.receiving();
        link.server.receiving();
        link.client.send(BufferType.UTF8_MESSAGE, bytes("ping?"));
        link.server.send(BufferType.UTF8_MESSAGE, bytes("pong!"));
        link.pump();
        assertEquals(List.of("ping?"), texts(link.server.messages));
        assertEquals(List.of("pong!"), texts(link.client.messages));
        for (ZlibRecorder zlib : List.of(clientZlib, serverZlib)) {
            assertEquals(1, zlib.deflaters.size());
            assertEquals(1, zlib.inflaters.size());
        }

        link.client.handle.close();
        assertEquals(1, clientZlib.deflaters.get(0).ends);
        assertEquals(1, clientZlib.inflaters.get(0).ends);

        link.server.handle.abort();
        assertEquals(1, serverZlib.deflaters.get(0).ends);
        assertEquals(1, serverZlib.inflaters.get(0).ends);
        link.server.handle.close();
        assertEquals(1, serverZlib.deflaters.get(0).ends, "close after abort must not end the streams again");
        assertEquals(1, serverZlib.inflaters.get(0).ends);
    }

    private static void assertProtocolError(HandleLink.Side side) {
        WebSocketProtocolException failure = side.failure;
        assertNotNull(failure, "expected a protocol violation");
        assertEquals(CloseStatus.PROTOCOL_ERROR.code(), failure.closeStatus().code(), failure.getMessage());
        assertEquals(1002, closeCodeWritten(side));
        assertEquals(List.of(), side.messages);
    }

    private static void assertRsv1OnFirstFramesOnly(List<WireFrame> frames, int count) {
        assertEquals(count, frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(i == 0 ? RSV1 : 0, frames.get(i).rsv(), "frame " + i);
            assertEquals(i == 0 ? frames.get(0).opcode() : 0, frames.get(i).opcode(), "frame " + i);
        }
    }

    private static void assertSameMessages(List<Message> expected, List<Message> actual) {
        assertEquals(expected.size(), actual.size(), "message count");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).text(), actual.get(i).text(), "type of message " + i);
            assertArrayEquals(expected.get(i).data(), actual.get(i).data(), "message " + i);
        }
    }

    /** The code of the one Close this side wrote. */
    private static int closeCodeWritten(HandleLink.Side side) {
        List<WireFrame> closes = side.frames().stream().filter(f -> f.opcode() == 0x8).toList();
        assertEquals(1, closes.size(), "exactly one Close written");
        return ByteBuffer.wrap(closes.get(0).payload()).getShort() & 0xffff;
    }

    /** An unmasked frame as a server writes it. */
    private static byte[] serverFrame(int firstByte, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else if (payload.length <= 0xffff) {
            frame.write(126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    private static List<String> texts(List<Message> messages) {
        return messages.stream().map(m -> new String(m.data(), StandardCharsets.UTF_8)).toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(Random random, int maxLength) {
        byte[] data = new byte[random.nextInt(maxLength)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) "abcdefgh ".charAt(random.nextInt(9)); // compressible, yet never the same twice
        }
        return data;
    }
}
