package dev.ferry.jakarta;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Encodes a text message sent in parts as UTF-8, carrying a high surrogate that ends one part over to the next
 * so a character split between two parts is encoded whole. A lone surrogate becomes {@code ?} (the UTF-8 encoder's
 * replacement).
 *
 * <p>Thread contract: not thread safe; one per partial message (callers serialize).
 */
final class Utf8Parts {

    private char pendingHigh;

    /** The bytes of {@code part}; with {@code last} false, a trailing high surrogate waits for the next part. */
    ByteBuffer encode(CharSequence part, boolean last) {
        StringBuilder chars = new StringBuilder(part.length() + 1);
        if (pendingHigh != 0) {
            chars.append(pendingHigh);
            pendingHigh = 0;
        }
        chars.append(part);
        if (!last && chars.length() > 0 && Character.isHighSurrogate(chars.charAt(chars.length() - 1))) {
            pendingHigh = chars.charAt(chars.length() - 1);
            chars.setLength(chars.length() - 1);
        }
        return utf8(chars);
    }

    /** {@code text} as UTF-8, lone surrogates replaced. */
    static ByteBuffer utf8(CharSequence text) {
        if (text instanceof String string) {
            // The same bytes (a lone surrogate becomes '?', the UTF-8 encoder's replacement too), without an encoder
            // and a CharBuffer per message.
            return ByteBuffer.wrap(string.getBytes(StandardCharsets.UTF_8));
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return encoder.encode(CharBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            throw new AssertionError("REPLACE never throws", e);
        }
    }
}
