package dev.ferry.jakarta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.DecodeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The session's small helpers: query parsing, built-in decoders, UTF-8 parts, the stream pipe. */
class SmallPartsTest {

    @Test
    void queryParameters() {
        assertEquals(Map.of(), QueryParameters.parse(null));
        assertEquals(Map.of("a", List.of("1", "2"), "b", List.of(""), "c d", List.of("e&f")),
                QueryParameters.parse("a=1&b&a=2&c+d=e%26f"));
        assertEquals(Map.of("bad", List.of("%zz")), QueryParameters.parse("bad=%zz"));
    }

    @Test
    void parameterCopiesAreUnmodifiableOrderedAndAnswerANullName() {
        Map<String, List<String>> original = new LinkedHashMap<>();
        original.put("z", new ArrayList<>(List.of("1")));
        original.put("a", new ArrayList<>(List.of("2", "3")));
        Map<String, List<String>> copy = QueryParameters.copyOf(original);
        original.get("z").add("later");
        original.put("b", List.of());
        assertEquals(List.of("z", "a"), List.copyOf(copy.keySet()), "order kept; later puts not seen");
        assertEquals(List.of("1"), copy.get("z"), "the value lists are copied too");
        assertThrows(UnsupportedOperationException.class, () -> copy.put("c", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> copy.get("a").add("4"));

        for (Map<String, List<String>> empty : List.of(QueryParameters.copyOf(Map.of()),
                QueryParameters.withPathParameters(Map.of(), Map.of()))) {
            assertTrue(empty.isEmpty());
            assertEquals(null, empty.get(null), "a null name is absent, not an error");
            assertFalse(empty.containsKey(null));
            assertThrows(UnsupportedOperationException.class, () -> empty.put("c", List.of()));
        }
        Map<String, List<String>> query = QueryParameters.withPathParameters(copy, Map.of());
        assertEquals(copy, query, "no path parameters: the query's parameters alone");
        assertEquals(null, query.get(null));
    }

    @ParameterizedTest(name = "{0} from \"{1}\"")
    @CsvSource({"int, 42, 42", "java.lang.Long, -7, -7", "boolean, TRUE, true", "char, x, x", "char, Echar, E",
            "java.lang.Double, 2.5, 2.5", "short, ' 12 ', 12", "byte, -128, -128"})
    void builtInDecoders(String typeName, String text, String expected) throws Exception {
        Class<?> type = switch (typeName) {
            case "int" -> int.class;
            case "boolean" -> boolean.class;
            case "char" -> char.class;
            case "short" -> short.class;
            case "byte" -> byte.class;
            default -> Class.forName(typeName);
        };
        assertEquals(expected, String.valueOf(PrimitiveDecoders.decode(type, text)));
    }

    @ParameterizedTest(name = "{0} refuses \"{1}\"")
    @CsvSource({"int, 4x2", "boolean, yes", "char, ''", "byte, 300"})
    void builtInDecodersRefuse(String typeName, String text) {
        Class<?> type = switch (typeName) {
            case "int" -> int.class;
            case "boolean" -> boolean.class;
            case "char" -> char.class;
            default -> byte.class;
        };
        assertThrows(DecodeException.class, () -> PrimitiveDecoders.decode(type, text));
    }

    @Test
    void utf8PartsKeepASurrogatePairWhole() {
        Utf8Parts parts = new Utf8Parts();
        String emoji = "😀";
        ByteBuffer first = parts.encode("a" + emoji.charAt(0), false);
        ByteBuffer second = parts.encode(emoji.charAt(1) + "b", true);
        ByteBuffer joined = ByteBuffer.allocate(first.remaining() + second.remaining()).put(first).put(second).flip();
        assertEquals("a😀b", StandardCharsets.UTF_8.decode(joined).toString());
        assertArrayEquals(new byte[] {'?'}, bytes(Utf8Parts.utf8("\uD800")), "a lone surrogate is replaced");
    }

    /** A String takes a shortcut to its bytes: the same bytes the encoder makes of any other CharSequence. */
    @Test
    void aStringEncodesAsTheSameTextInAStringBuilderDoes() {
        for (String text : List.of("", "hello", "h\u00e9llo \u20ac", "a\uD83D\uDE00b", "\uD800", "\uDC00x", "x\uD800",
                "\uD800\uD800\uDC00", "\uDC00\uD800", "mixed \uD83D\uDE00 and lone \uDFFF end")) {
            assertArrayEquals(bytes(Utf8Parts.utf8(new StringBuilder(text))), bytes(Utf8Parts.utf8(text)), text);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Test
    void chunkPipePausesTheWriterAndResumesItOnce() throws IOException {
        AtomicInteger resumes = new AtomicInteger();
        ChunkPipe pipe = new ChunkPipe(10, resumes::incrementAndGet);
        InputStream in = pipe.input();
        assertTrue(pipe.offer(ByteBuffer.wrap(new byte[6])));
        assertFalse(pipe.offer(ByteBuffer.wrap(new byte[6])), "over the limit: the writer pauses");
        assertEquals(6, in.read(new byte[6]));
        assertEquals(0, resumes.get(), "6 bytes still wait, more than half the limit");
        assertEquals(1, in.read(new byte[1]));
        assertEquals(1, resumes.get(), "drained to half: resumed");
        assertFalse(pipe.end(), "the reader has not returned yet");
        assertEquals(5, in.readNBytes(100).length);
        assertEquals(-1, in.read());
        assertTrue(pipe.abandon(), "the message ended before the reader returned: the caller resumes");
        assertEquals(1, resumes.get());
    }

    @Test
    void chunkPipeReportsAConnectionThatDied() {
        ChunkPipe pipe = new ChunkPipe(10, () -> { });
        pipe.fail(new IOException("gone"));
        assertThrows(IOException.class, () -> pipe.input().read());
    }
}
