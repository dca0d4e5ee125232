package dev.ferry.protocol.handshake;

import dev.ferry.protocol.HttpHeader;

import java.util.ArrayList;
import java.util.List;

/**
 * Reading handshake header values: comma-separated lists (RFC 7230 §7), token lists such as
 * {@code Connection}, and {@code Sec-WebSocket-Extensions} elements (RFC 6455 §9.1). Stateless.
 */
public final class HeaderValues {

    private HeaderValues() {
    }

    /**
     * The elements of every header called {@code name}, split at commas outside quoted strings, trimmed,
     * empty elements dropped, in order.
     */
    public static List<String> elements(List<HttpHeader> headers, String name) {
        List<String> out = new ArrayList<>();
        for (HttpHeader header : headers) {
            if (header.hasName(name)) {
                split(header.value(), out);
            }
        }
        return out;
    }

    /** Whether any header called {@code name} lists {@code token} (compared ignoring case). */
    public static boolean containsToken(List<HttpHeader> headers, String name, String token) {
        for (HttpHeader header : headers) {
            if (header.hasName(name) && listsToken(header.value(), token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an element {@link #elements} finds in {@code value} is {@code token}, ignoring case; no copies. */
    private static boolean listsToken(String value, String token) {
        return findElement(value, (start, end) -> isElement(value, start, end, token));
    }

    /**
     * Whether {@code value} from {@code start} to {@code end}, trimmed as {@link String#trim} trims, is {@code token},
     * ignoring case: one element of a list compared without copying it out.
     */
    public static boolean isElement(String value, int start, int end, String token) {
        while (start < end && value.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && value.charAt(end - 1) <= ' ') {
            end--;
        }
        return end - start == token.length() && value.regionMatches(true, start, token, 0, token.length());
    }

    /** The number of headers called {@code name}. */
    public static int count(List<HttpHeader> headers, String name) {
        int n = 0;
        for (HttpHeader header : headers) {
            if (header.hasName(name)) {
                n++;
            }
        }
        return n;
    }

    /** The value of the only header called {@code name}, or null when there is none. */
    public static String single(List<HttpHeader> headers, String name) {
        for (HttpHeader header : headers) {
            if (header.hasName(name)) {
                return header.value().trim();
            }
        }
        return null;
    }

    /** Whether {@code name} is an HTTP token (RFC 7230 §3.2.6): visible ASCII but no delimiters. */
    public static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The extension name of a {@code Sec-WebSocket-Extensions} element: the token before any {@code ;}. */
    public static String extensionName(String element) {
        int semicolon = element.indexOf(';');
        return (semicolon < 0 ? element : element.substring(0, semicolon)).trim();
    }

    /** Whether an extension element carries parameters. */
    public static boolean hasParameters(String element) {
        return element.indexOf(';') >= 0;
    }

    private static void split(String value, List<String> out) {
        findElement(value, (start, end) -> {
            add(value.substring(start, end), out);
            return false;
        });
    }

    /** One element of a list, untrimmed, from {@code start} to {@code end}: whether to stop there. */
    private interface ElementVisitor {
        boolean stopAt(int start, int end);
    }

    /** Visits the elements of {@code value}, split at commas outside quoted strings, until one stops it. */
    private static boolean findElement(String value, ElementVisitor visitor) {
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == ',' && !quoted) {
                if (visitor.stopAt(start, i)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return visitor.stopAt(start, value.length());
    }

    private static void add(String element, List<String> out) {
        String trimmed = element.trim();
        if (!trimmed.isEmpty()) {
            out.add(trimmed);
        }
    }
}
