package dev.ferry.protocol.frame;

import dev.ferry.protocol.InvalidProtocolFormatException;
import dev.ferry.protocol.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Generator round trip: what the generator writes, the parser reads back unchanged; masking is its own inverse. */
class FrameGeneratorTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 125, 126, 127, 65535, 65536, 1L << 32, Long.MAX_VALUE})
    void headersRoundTripAtEveryLengthBoundary(long length) {
        Random random = new Random(length);
        for (Opcode opcode : Opcode.values()) {
            if (opcode.isControl() && length > 125) {
                continue;
            }
            for (boolean masked : new boolean[] {false, true}) {
                int rsv = opcode == Opcode.TEXT || opcode == Opcode.BINARY ? random.nextInt(8) : 0;
                FrameHeader header = new FrameHeader(opcode.isControl() || random.nextBoolean(), rsv, opcode, masked,
                        masked ? random.nextInt() : 0, length);
                ByteBuffer buffer = ByteBuffer.allocate(FrameHeader.MAX_LENGTH);
                FrameGenerator.writeHeader(buffer, header);
                assertEquals(header.length(), buffer.position(), "header length");
                FrameParser parser = new FrameParser(masked ? Role.SERVER : Role.CLIENT, false);
                parser.allowRsv(7);
                for (int cut = 0; cut < header.length(); cut++) {
                    assertEquals(0, parser.parse(buffer, 0, cut), "incomplete header at " + cut);
                }
                assertEquals(header.length(), parser.parse(buffer, 0, buffer.position()));
                assertEquals(header, parser.header());
                // The same bytes through a buffer without an accessible array, and through a slice whose array
                // starts with other bytes: each parsed by a parser that has seen nothing else.
                FrameParser readOnly = new FrameParser(masked ? Role.SERVER : Role.CLIENT, false);
                readOnly.allowRsv(7);
                assertEquals(header.length(), readOnly.parse(buffer.asReadOnlyBuffer(), 0, buffer.position()));
                assertEquals(header, readOnly.header());
                byte[] shifted = new byte[3 + header.length()];
                buffer.get(0, shifted, 3, header.length());
                FrameParser sliced = new FrameParser(masked ? Role.SERVER : Role.CLIENT, false);
                sliced.allowRsv(7);
                assertEquals(header.length(), sliced.parse(ByteBuffer.wrap(shifted).position(3).slice(), 0, header.length()));
                assertEquals(header, sliced.header());
            }
        }
    }

    @Test
    void rfcExampleBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(14);
        FrameGenerator.writeHeader(buffer, true, 0, Opcode.TEXT, true, 0x37fa213d, 5);
        assertEquals("818537fa213d", HexFormat.of().formatHex(buffer.array(), 0, buffer.position()));
        ByteBuffer payload = ByteBuffer.wrap("Hello".getBytes());
        Masking.maskInPlace(payload, 0, 5, 0x37fa213d, 0);
        assertEquals("7f9f4d5158", HexFormat.of().formatHex(payload.array()), "RFC 6455 §5.7");
    }

    @Test
    void maskingInPiecesEqualsMaskingAtOnce() {
        Random random = new Random(9);
        for (int n = 0; n < 100; n++) {
            byte[] data = new byte[random.nextInt(100)];
            random.nextBytes(data);
            int key = random.nextInt();
            ByteBuffer whole = ByteBuffer.wrap(data.clone());
            Masking.maskInPlace(whole, 0, data.length, key, 0);
            ByteBuffer pieces = ByteBuffer.wrap(data.clone());
            int at = 0;
            while (at < data.length) {
                int next = Math.min(data.length, at + 1 + random.nextInt(11));
                Masking.maskInPlace(pieces, at, next, key, at);
                at = next;
            }
            assertEquals(whole, pieces);
            ByteBuffer little = ByteBuffer.wrap(data.clone()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            Masking.maskInPlace(little, 0, data.length, key, 0);
            assertEquals(whole.rewind(), little.rewind().order(java.nio.ByteOrder.BIG_ENDIAN));
        }
    }

    @Test
    void parserChecksHeaderRulesFromTheFirstTwoBytes() {
        FrameParser client = new FrameParser(Role.CLIENT, false);
        assertThrows(InvalidProtocolFormatException.class, () -> client.parse(ByteBuffer.wrap(new byte[] {(byte) 0x83, 0}), 0, 2));
        assertThrows(InvalidProtocolFormatException.class, () -> client.parse(ByteBuffer.wrap(new byte[] {(byte) 0x09, 0}), 0, 2));
        assertEquals(0, client.parse(ByteBuffer.wrap(new byte[] {(byte) 0x81}), 0, 1));
    }
}
