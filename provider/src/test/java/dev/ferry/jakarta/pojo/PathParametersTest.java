package dev.ferry.jakarta.pojo;

import jakarta.websocket.DecodeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code @PathParam} conversion for every type Jakarta WebSocket 2.2 §4.3 allows, and the variable's name. */
class PathParametersTest {

    /** Type, a text that converts, its value, a text that does not convert (null: every text converts). */
    static Stream<Arguments> types() {
        return Stream.of(
                Arguments.of(String.class, "any text", "any text", null),
                Arguments.of(boolean.class, "false", false, "no"),
                Arguments.of(Boolean.class, "TRUE", true, "1"),
                Arguments.of(byte.class, "-128", (byte) -128, "128"),
                Arguments.of(Byte.class, "127", (byte) 127, "x"),
                Arguments.of(short.class, "-32768", (short) -32768, "32768"),
                Arguments.of(Short.class, "12", (short) 12, "1.5"),
                Arguments.of(char.class, "x", 'x', "xy"),
                Arguments.of(Character.class, "%", '%', ""),
                Arguments.of(int.class, "2147483647", Integer.MAX_VALUE, "2147483648"),
                Arguments.of(Integer.class, "-7", -7, "seven"),
                Arguments.of(long.class, "9223372036854775807", Long.MAX_VALUE, "9223372036854775808"),
                Arguments.of(Long.class, "0", 0L, "0x10"),
                Arguments.of(float.class, "2.5", 2.5f, "two"),
                Arguments.of(Float.class, "-1e3", -1000f, "1,5"),
                Arguments.of(double.class, "0.125", 0.125, "half"),
                Arguments.of(Double.class, "1e-3", 0.001, "1..2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void everyAllowedTypeConverts(Class<?> type, String text, Object expected, String invalid) throws DecodeException {
        assertTrue(PathParameters.isSupported(type), type + " is allowed by §4.3");
        assertEquals(expected, PathParameters.convert("p", text, type));
        if (invalid != null) {
            DecodeException failure = assertThrows(DecodeException.class,
                    () -> PathParameters.convert("p", invalid, type));
            assertTrue(failure.getMessage().contains("{p}") && failure.getMessage().contains(invalid),
                    failure.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aMissingValueIsNullExceptForAPrimitive(Class<?> type) throws DecodeException {
        if (type.isPrimitive()) {
            assertThrows(DecodeException.class, () -> PathParameters.convert("p", null, type));
        } else {
            assertNull(PathParameters.convert("p", null, type));
        }
    }

    @Test
    void otherTypesAreNotAllowed() {
        for (Class<?> type : List.of(Object.class, byte[].class, StringBuilder.class, void.class)) {
            assertTrue(!PathParameters.isSupported(type), type + " must be refused");
        }
    }

    @Test
    void aBracedNameNamesTheTemplateVariable() {
        List<String> variables = List.of("param", "{odd}");
        assertEquals("param", PathParameters.variableName("param", variables));
        assertEquals("param", PathParameters.variableName("{param}", variables));
        assertEquals("{odd}", PathParameters.variableName("{odd}", variables), "a literal match wins");
        assertEquals("{other}", PathParameters.variableName("{other}", variables), "no such variable: unchanged");
        assertEquals("{}", PathParameters.variableName("{}", variables));
    }
}
