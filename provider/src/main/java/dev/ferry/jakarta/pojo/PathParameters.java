package dev.ferry.jakarta.pojo;

import jakarta.websocket.DecodeException;

import java.util.Collection;
import java.util.Map;

/**
 * Conversion of path-parameter text to the types {@code @PathParam} allows: {@code String}, the primitives and
 * their boxes (Jakarta WebSocket 2.2 §4.3). Stateless.
 */
public final class PathParameters {

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(
            boolean.class, Boolean.class, byte.class, Byte.class, short.class, Short.class, char.class,
            Character.class, int.class, Integer.class, long.class, Long.class, float.class, Float.class,
            double.class, Double.class);

    private PathParameters() {
    }

    /** Whether {@code @PathParam} may annotate a parameter of this type. */
    public static boolean isSupported(Class<?> type) {
        return type == String.class || BOXES.containsKey(type) || BOXES.containsValue(type);
    }

    /**
     * The template variable a {@code @PathParam} value names. The value is the variable's bare name ({@code "room"}
     * for {@code /rooms/{room}}); a value written as the template spells it, braces included ({@code "{room}"}), names
     * the same variable when the template has no variable called that literally. The Javadoc only speaks of the
     * name, and the TCK writes both forms, so Ferry accepts both rather than binding a braced name to null.
     *
     * @param value     the annotation's value
     * @param variables the template's variable names
     */
    public static String variableName(String value, Collection<String> variables) {
        if (value.length() > 2 && value.startsWith("{") && value.endsWith("}") && !variables.contains(value)) {
            String bare = value.substring(1, value.length() - 1);
            if (variables.contains(bare)) {
                return bare;
            }
        }
        return value;
    }

    /** The box of a primitive type; other types unchanged. */
    public static Class<?> boxed(Class<?> type) {
        return BOXES.getOrDefault(type, type);
    }

    /**
     * Converts one value.
     *
     * @throws DecodeException when the text is not a value of the type (the container reports it to the endpoint's
     *                         error handler, §4.3)
     */
    public static Object convert(String name, String text, Class<?> type) throws DecodeException {
        Class<?> target = boxed(type);
        if (text == null) {
            if (type.isPrimitive()) {
                throw new DecodeException((String) null, "path parameter {" + name + "} has no value, but "
                        + type.getName() + " needs one");
            }
            return null;
        }
        try {
            if (target == String.class) {
                return text;
            } else if (target == Integer.class) {
                return Integer.valueOf(text);
            } else if (target == Long.class) {
                return Long.valueOf(text);
            } else if (target == Short.class) {
                return Short.valueOf(text);
            } else if (target == Byte.class) {
                return Byte.valueOf(text);
            } else if (target == Double.class) {
                return Double.valueOf(text);
            } else if (target == Float.class) {
                return Float.valueOf(text);
            } else if (target == Boolean.class) {
                return parseBoolean(text);
            } else if (target == Character.class) {
                if (text.length() != 1) {
                    throw new IllegalArgumentException("expected exactly one character");
                }
                return text.charAt(0);
            }
        } catch (IllegalArgumentException e) {
            DecodeException failure = new DecodeException(text, "path parameter {" + name + "} = '" + text
                    + "' is not a " + type.getSimpleName() + " (" + e.getMessage() + ")");
            failure.initCause(e);
            throw failure;
        }
        throw new IllegalArgumentException("@PathParam does not support type " + type.getName());
    }

    private static Boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (text.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("expected true or false");
    }
}
