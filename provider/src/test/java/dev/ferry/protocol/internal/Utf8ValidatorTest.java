package dev.ferry.protocol.internal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The DFA agrees with the JDK's strict decoder on every input, fed whole or byte by byte, and fails fast. */
class Utf8ValidatorTest {

    private static boolean jdkValid(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void agreesWithTheJdkOnRandomInput() {
        Random random = new Random(17);
        byte[] interesting = {(byte) 0xC2, (byte) 0xDF, (byte) 0xE0, (byte) 0xED, (byte) 0xEF, (byte) 0xF0,
                (byte) 0xF4, (byte) 0xF5, (byte) 0x80, (byte) 0x8F, (byte) 0x90, (byte) 0x9F, (byte) 0xA0,
                (byte) 0xBF, (byte) 0xC0, (byte) 0xFF, 0x41, 0};
        for (int n = 0; n < 200_000; n++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = interesting[random.nextInt(interesting.length)];
            }
            boolean expected = jdkValid(bytes);
            assertEquals(expected, Utf8Validator.isValid(ByteBuffer.wrap(bytes), 0, bytes.length), () -> hex(bytes));
            Utf8Validator v = new Utf8Validator();
            boolean ok = true;
            for (int i = 0; i < bytes.length && ok; i++) {
                ok = v.feed(ByteBuffer.wrap(bytes), i, i + 1);
            }
            assertEquals(expected, ok && v.isComplete(), () -> "byte by byte " + hex(bytes));
        }
    }

    @Test
    void failsOnTheFirstImpossibleByte() {
        Utf8Validator v = new Utf8Validator();
        assertEquals(true, v.feed(ByteBuffer.wrap(new byte[] {(byte) 0xF4}), 0, 1));
        assertFalse(v.feed(ByteBuffer.wrap(new byte[] {(byte) 0x90}), 0, 1), "U+110000 and above fail at the second byte");
        Utf8Validator w = new Utf8Validator();
        assertFalse(w.feed(ByteBuffer.wrap(new byte[] {(byte) 0xED, (byte) 0xA0}), 0, 2), "surrogates fail at the second byte");
    }

    @Test
    void longAsciiRunsAndMixedText() {
        byte[] text = ("a".repeat(1000) + "κόσμε𝄞" + "b".repeat(17)).getBytes(StandardCharsets.UTF_8);
        assertEquals(true, Utf8Validator.isValid(ByteBuffer.wrap(text), 0, text.length));
        text[1003] = (byte) 0xFF;
        assertFalse(Utf8Validator.isValid(ByteBuffer.wrap(text), 0, text.length));
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
