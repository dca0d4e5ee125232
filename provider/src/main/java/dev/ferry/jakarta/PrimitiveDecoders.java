package dev.ferry.jakarta;

import jakarta.websocket.DecodeException;
import java.util.Map;

/**
 * The decoders every container has built in (Jakarta WebSocket 2.2 §4.7 / §5.2.1): text messages to
 * {@code String}, the primitives and their boxed forms. Stateless; thread safe.
 */
public final class PrimitiveDecoders {

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(boolean.class, Boolean.class, byte.class, Byte.class,
            char.class, Character.class, short.class, Short.class, int.class, Integer.class, long.class, Long.class,
            float.class, Float.class, double.class, Double.class);

    private PrimitiveDecoders() {
    }

    /** Whether {@code type} is {@code String}, a primitive or a boxed primitive. */
    public static boolean supports(Class<?> type) {
        return type == String.class || BOXES.containsKey(type) || BOXES.containsValue(type);
    }

    /** The boxed form of a primitive type; other types unchanged. */
    public static Class<?> boxed(Class<?> type) {
        return BOXES.getOrDefault(type, type);
    }

    /**
     * Decodes a whole text message.
     *
     * @throws DecodeException when the text is not a value of {@code type} ({@code Character} takes the first
     *                         character and needs one; {@code Boolean} accepts only "true" or "false", ignoring case)
     */
    public static Object decode(Class<?> type, String text) throws DecodeException {
        Class<?> target = boxed(type);
        try {
            if (target == String.class) {
                return text;
            } else if (target == Boolean.class) {
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(text);
                }
                throw new DecodeException(text, "expected \"true\" or \"false\" for a boolean message, got \""
                        + abbreviate(text) + "\"");
            } else if (target == Character.class) {
                if (text.isEmpty()) {
                    throw new DecodeException(text, "expected at least one character for a char message, got none");
                }
                return text.charAt(0); // the first character, as the TCK's echo tests expect
            } else if (target == Byte.class) {
                return Byte.valueOf(text.trim());
            } else if (target == Short.class) {
                return Short.valueOf(text.trim());
            } else if (target == Integer.class) {
                return Integer.valueOf(text.trim());
            } else if (target == Long.class) {
                return Long.valueOf(text.trim());
            } else if (target == Float.class) {
                return Float.valueOf(text.trim());
            } else if (target == Double.class) {
                return Double.valueOf(text.trim());
            }
        } catch (NumberFormatException e) {
            throw new DecodeException(text, "expected a " + type.getSimpleName() + " message, got \""
                    + abbreviate(text) + "\"", e);
        }
        throw new IllegalArgumentException("no built-in decoder for " + type.getName());
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
