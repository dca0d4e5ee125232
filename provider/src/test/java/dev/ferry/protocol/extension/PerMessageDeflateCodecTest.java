package dev.ferry.protocol.extension;

import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.Extension;
import dev.ferry.protocol.InvalidProtocolFormatException;
import dev.ferry.protocol.extension.ExtensionDriver.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.ferry.protocol.extension.ExtensionDriver.HEX;
import static dev.ferry.protocol.extension.ExtensionDriver.decode;
import static dev.ferry.protocol.extension.ExtensionDriver.decodeHex;
import static dev.ferry.protocol.extension.ExtensionDriver.encode;
import static dev.ferry.protocol.extension.ExtensionDriver.encodeHex;
import static dev.ferry.protocol.extension.ExtensionDriver.negotiate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The framing of RFC 7692 §7.2: the RFC's examples to the byte, round trips, chunked and bounded decoding. */
class PerMessageDeflateCodecTest {

    private static Extension client() {
        return negotiate(PerMessageDeflate.defaults(), PerMessageDeflate.defaults()).client();
    }

    private static Extension server() {
        return negotiate(PerMessageDeflate.defaults(), PerMessageDeflate.defaults()).server();
    }

    @Test
    void claimsRsv1() {
        assertEquals(0x4, server().rsvBits());
        assertEquals("permessage-deflate", server().name());
    }

    @Test
    void rfc7692_7_2_3_1_helloCompressesToTheRfcBytes() {
        assertEquals("f2 48 cd c9 c9 07 00", encodeHex(server(), "Hello"));
    }

    @Test
    void rfc7692_7_2_3_2_secondHelloWithContextTakeoverRefersToTheFirst() {
        Extension sender = server();
        assertEquals("f2 48 cd c9 c9 07 00", encodeHex(sender, "Hello"));
        assertEquals("f2 00 11 00 00", encodeHex(sender, "Hello"));
    }

    @Test
    void rfc7692_7_2_3_2_withoutContextTakeoverEachHelloStandsAlone() {
        PerMessageDeflate noTakeover = PerMessageDeflate.builder().serverNoContextTakeover(true).build();
        Extension sender = negotiate(PerMessageDeflate.defaults(), noTakeover).server();
        assertEquals("f2 48 cd c9 c9 07 00", encodeHex(sender, "Hello"));
        assertEquals("f2 48 cd c9 c9 07 00", encodeHex(sender, "Hello"));
    }

    @Test
    void rfc7692_7_2_3_1_decodesHello() {
        assertEquals("Hello", decodeHex(client(), "f2 48 cd c9 c9 07 00"));
    }

    @Test
    void rfc7692_7_2_3_1_decodesHelloSplitAcrossTwoFrames() {
        byte[] message = decode(client(), List.of(HEX.parseHex("f2 48 cd"), HEX.parseHex("c9 c9 07 00")));
        assertEquals("Hello", new String(message, StandardCharsets.UTF_8));
    }

    @Test
    void rfc7692_7_2_3_2_decodesBothMessagesSharingTheWindow() {
        Extension receiver = client();
        assertEquals("Hello", decodeHex(receiver, "f2 48 cd c9 c9 07 00"));
        assertEquals("Hello", decodeHex(receiver, "f2 00 11 00 00"));
    }

    @Test
    void rfc7692_7_2_3_3_decodesAStoredBlock() {
        assertEquals("Hello", decodeHex(client(), "00 05 00 fa ff 48 65 6c 6c 6f 00"));
    }

    @Test
    void rfc7692_7_2_3_4_decodesABlockWithBfinalThenANewStream() {
        Extension receiver = client();
        assertEquals("Hello", decodeHex(receiver, "f3 48 cd c9 c9 07 00 00"));
        // The final block ended the sender's stream; the next message starts a fresh one.
        assertEquals("Hello", decodeHex(receiver, "f2 48 cd c9 c9 07 00"));
    }

    @Test
    void rfc7692_7_2_3_5_decodesTwoBlocksInOneMessage() {
        assertEquals("Hello", decodeHex(client(), "f2 48 05 00 00 00 ff ff ca c9 c9 07 00"));
    }

    @Test
    void rfc7692_7_2_3_6_emptyMessageIsOneZeroByte() {
        Extension sender = server();
        assertEquals("00", encodeHex(sender, ""));
        assertEquals("00", encodeHex(sender, "")); // zlib writes nothing here; the encoder still sends 00
        assertEquals("f2 48 cd c9 c9 07 00", encodeHex(sender, "Hello"));
        assertEquals("00", encodeHex(sender, ""));
    }

    @Test
    void emptyMessagesDecodeAndKeepTheContext() {
        Extension receiver = client();
        assertEquals("", decodeHex(receiver, "00"));
        assertEquals("Hello", decodeHex(receiver, "f2 48 cd c9 c9 07 00"));
        assertEquals(0, decode(receiver, List.of(new byte[0])).length, "an empty payload is the empty message");
        assertEquals("Hello", decodeHex(receiver, "f2 00 11 00 00"));
    }

    @Test
    void messageEndingInAnEmptyFinalFrameRoundTrips() {
        Connection connection = connection();
        List<byte[]> payloads = encode(connection.server(), bytes("Hello"), new byte[0]);
        assertEquals("00", HEX.formatHex(payloads.get(1)));
        assertEquals("Hello", new String(decode(connection.client(), payloads)));
        assertEquals("Hello", new String(decode(connection.client(), encode(connection.server(), bytes("Hello")))));
    }

    @Test
    void payloadThatKeptItsTailDecodesAndKeepsTheContext() {
        Extension receiver = client();
        assertEquals("Hello", decodeHex(receiver, "f2 48 cd c9 c9 07 00 00 00 ff ff"));
        assertEquals("Hello", decodeHex(receiver, "f2 00 11 00 00"));
    }

    @Test
    void undecodableDataIsInvalidPayload1007() {
        Extension receiver = client();
        receiver.decodeInput(ByteBuffer.wrap(HEX.parseHex("07 ff ff")), true); // BTYPE 11 is reserved
        InvalidProtocolFormatException failure =
                assertThrows(InvalidProtocolFormatException.class, () -> receiver.decode(ByteBuffer.allocate(64)));
        assertEquals(CloseStatus.INVALID_PAYLOAD.code(), failure.closeStatus().code());
        assertEquals(InvalidProtocolFormatException.HRESULT, failure.hresult());
        assertTrue(failure.getMessage().contains("RFC 7692"), failure.getMessage());
        assertThrows(IllegalStateException.class, () -> receiver.decode(ByteBuffer.allocate(64)));
    }

    @Test
    void garbageEitherDecodesOrFails1007AndNeverHangs() {
        Random random = new Random(1007);
        byte[] valid = encode(server(), bytes("Hello, Hello, Hello, permessage-deflate!")).get(0);
        int failures = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] payload;
            if (i % 2 == 0) {
                payload = new byte[random.nextInt(48)];
                random.nextBytes(payload);
            } else {
                payload = valid.clone();
                payload[random.nextInt(payload.length)] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                decode(client(), List.of(payload), 1 + random.nextInt(8), 1 + random.nextInt(16));
            } catch (InvalidProtocolFormatException e) {
                assertEquals(CloseStatus.INVALID_PAYLOAD.code(), e.closeStatus().code());
                failures++;
            }
        }
        assertTrue(failures > 100, "garbage was rejected " + failures + " times");
    }

    @Test
    void decodeNeedsRoomAndInputOnlyWhenAskedFor() {
        Extension receiver = client();
        assertEquals(0, receiver.decode(ByteBuffer.allocate(8)), "nothing supplied, nothing decoded");
        receiver.decodeInput(ByteBuffer.wrap(HEX.parseHex("f2 48 cd c9 c9 07 00")), true);
        assertFalse(receiver.needsInput());
        assertThrows(IllegalStateException.class, () -> receiver.decodeInput(ByteBuffer.allocate(1), true));
        assertThrows(IllegalArgumentException.class, () -> receiver.decode(ByteBuffer.allocate(0)));
    }

    @ParameterizedTest(name = "context takeover {0}, chunk {1}, piece {2}")
    @CsvSource({
            "true, 1, 3", "true, 7, 1000", "true, 4096, 100000",
            "false, 1, 5", "false, 7, 64", "false, 4096, 100000"})
    void randomMessagesRoundTripBothWays(boolean takeover, int chunk, int pieceSize) {
        PerMessageDeflate settings = PerMessageDeflate.builder()
                .serverNoContextTakeover(!takeover).clientNoContextTakeover(!takeover).build();
        Connection connection = negotiate(settings, settings);
        Random random = new Random(7692L * chunk + pieceSize + (takeover ? 1 : 0));
        int messages = chunk == 1 ? 12 : 40;
        for (int i = 0; i < messages; i++) {
            byte[] message = randomMessage(random, chunk == 1 ? 3000 : 70_000);
            byte[][] parts = split(random, message);
            boolean fromClient = random.nextBoolean();
            Extension sender = fromClient ? connection.client() : connection.server();
            Extension receiver = fromClient ? connection.server() : connection.client();
            byte[] decoded = decode(receiver, encode(sender, parts), pieceSize, chunk);
            assertArrayEquals(message, decoded, "message " + i + " of " + message.length + " bytes in "
                    + parts.length + " parts");
        }
    }

    @Test
    void contextTakeoverShrinksRepeatedMessages() {
        byte[] message = bytes("{\"type\":\"quote\",\"symbol\":\"FERRY\",\"price\":101.25,\"volume\":4200}");
        Extension withTakeover = connection().server();
        Extension without = negotiate(PerMessageDeflate.defaults(),
                PerMessageDeflate.builder().serverNoContextTakeover(true).build()).server();
        encode(withTakeover, message);
        encode(without, message);
        assertTrue(encode(withTakeover, message).get(0).length < encode(without, message).get(0).length / 2);
    }

    @Test
    void compressionBombIsDecodedOneCallerChunkAtATime() {
        Connection connection = connection();
        byte[] zeros = new byte[10 << 20];
        byte[] bomb = encode(connection.server(), zeros).get(0);
        assertTrue(bomb.length < 16 * 1024, "10 MiB of zeros compress to " + bomb.length + " bytes");

        Extension receiver = connection.client();
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        long allocatedBefore = AllocationMeter.allocatedBytes();
        receiver.decodeInput(ByteBuffer.wrap(bomb), true);
        long total = 0;
        int calls = 0;
        int written;
        while ((written = receiver.decode(chunk.clear())) > 0) {
            total += written;
            calls++;
            if (chunk.get(0) != 0 || chunk.get(written - 1) != 0) {
                throw new AssertionError("expected zeros");
            }
        }
        long allocated = AllocationMeter.allocatedBytes() - allocatedBefore;
        assertEquals(zeros.length, total);
        assertTrue(calls >= zeros.length / 4096, "every call is bounded by the 4 KiB chunk");
        if (allocatedBefore >= 0) {
            assertTrue(allocated < 256 * 1024, "inflating 10 MiB allocated " + allocated + " bytes on the heap");
        }
    }

    @Test
    void encodeLeavesThePayloadPositionAndAcceptsReadOnlyAndDirectBuffers() {
        Connection connection = connection();
        byte[] text = bytes("Hello, permessage-deflate; Hello, permessage-deflate");
        ByteBuffer readOnly = ByteBuffer.wrap(text).asReadOnlyBuffer();
        ByteBuffer direct = ByteBuffer.allocateDirect(text.length).put(text).flip();
        for (ByteBuffer payload : List.of(readOnly, direct)) {
            ByteBuffer encoded = connection.server().encode(payload, true, true);
            assertEquals(0, payload.position());
            byte[] copy = new byte[encoded.remaining()];
            encoded.get(copy);
            assertArrayEquals(text, decode(connection.client(), List.of(copy)));
        }
    }

    @Test
    void encodeReusesItsOutputBuffer() {
        Extension sender = server();
        ByteBuffer first = sender.encode(ByteBuffer.wrap(bytes("Hello")), true, true);
        ByteBuffer second = sender.encode(ByteBuffer.wrap(bytes("World")), true, true);
        assertSame(first, second);
        byte[] large = randomMessage(new Random(1), 200_000);
        ByteBuffer grown = sender.encode(ByteBuffer.wrap(large), true, true);
        assertTrue(grown.capacity() >= grown.remaining());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 1000})
    void minCompressSizeLeavesSmallWholeMessagesPlain(int size) {
        PerMessageDeflate settings = PerMessageDeflate.builder().minCompressSize(64).build();
        Extension sender = negotiate(settings, settings).server();
        ByteBuffer payload = ByteBuffer.allocate(size);
        assertEquals(size >= 64, sender.encodes(payload, true));
        assertTrue(sender.encodes(payload, false), "a message in parts is compressed whatever its first part");
        assertTrue(server().encodes(ByteBuffer.allocate(0), true), "default: compress everything");
    }

    private static Connection connection() {
        return negotiate(PerMessageDeflate.defaults(), PerMessageDeflate.defaults());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Random bytes, text-like runs or zeros, so both compressible and incompressible data are covered. */
    static byte[] randomMessage(Random random, int maxLength) {
        int length = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(16);
            case 1 -> random.nextInt(2000);
            default -> random.nextInt(maxLength);
        };
        byte[] message = new byte[length];
        switch (random.nextInt(3)) {
            case 0 -> random.nextBytes(message);
            case 1 -> {
                String words = "the quick brown fox jumps over the lazy dog ferry deflate window ";
                for (int i = 0; i < length; i++) {
                    message[i] = (byte) words.charAt((i * 7 + random.nextInt(3)) % words.length());
                }
            }
            default -> Arrays.fill(message, (byte) random.nextInt(3));
        }
        return message;
    }

    /** Splits a message into 1 to 4 parts at random points, empty parts included. */
    static byte[][] split(Random random, byte[] message) {
        int parts = 1 + random.nextInt(4);
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < parts - 1; i++) {
            int end = at + random.nextInt(message.length - at + 1);
            out.add(Arrays.copyOfRange(message, at, end));
            at = end;
        }
        out.add(Arrays.copyOfRange(message, at, message.length));
        return out.toArray(byte[][]::new);
    }

    @Test
    void aPieceUsedUpIsNoticedWithoutAnEmptyCallIntoZlib() {
        ZlibRecorder zlib = new ZlibRecorder();
        Extension receiver = negotiate(PerMessageDeflate.builder().zlib(zlib).build(), PerMessageDeflate.defaults())
                .client();
        byte[] text = new byte[64 * 1024];
        Random random = new Random(7692);
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + random.nextInt(8)); // compresses, but not to nothing: every piece has output
        }
        byte[] payload = encode(server(), text).get(0);
        int pieceSize = 1000;
        int pieces = (payload.length + pieceSize - 1) / pieceSize;
        assertTrue(pieces >= 5, "a payload of " + payload.length + " bytes");

        assertArrayEquals(text, decode(receiver, List.of(payload), pieceSize, 1 << 20));
        // Each piece inflates in one call (the output has room for all of it), then the tail in one more. Before, a
        // used-up piece took a second call that returned 0.
        assertTrue(zlib.inflaters.get(0).rooms.size() <= pieces + 1,
                zlib.inflaters.get(0).rooms.size() + " calls into zlib for " + pieces + " pieces");
    }

}
