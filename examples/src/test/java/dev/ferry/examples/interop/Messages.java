package dev.ferry.examples.interop;

/** Deterministic message bodies, the same shapes the script peers send (messages.mjs). */
final class Messages {

    private static final String PATTERN = "Ferry ⛴ fährt über den Fluß; 渡し船 😀 ";

    private Messages() {
    }

    /** A text of {@code length} UTF-16 units mixing 1- to 4-byte UTF-8 characters, never ending on half a pair. */
    static String mixedText(int length) {
        StringBuilder text = new StringBuilder(length + PATTERN.length());
        while (text.length() < length) {
            text.append(PATTERN);
        }
        text.setLength(length);
        if (length > 0 && Character.isHighSurrogate(text.charAt(length - 1))) {
            text.setCharAt(length - 1, 'x');
        }
        return text.toString();
    }

    /** {@code length} bytes counting up modulo 251. */
    static byte[] patternBytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }
}
