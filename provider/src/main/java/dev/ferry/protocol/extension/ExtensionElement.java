package dev.ferry.protocol.extension;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One parsed {@code Sec-WebSocket-Extensions} list element: a token, then parameters, each a token with
 * an optional value that is a token or a quoted string (RFC 6455 §9.1). An immutable value.
 *
 * @param name       the extension token, as written
 * @param parameters the parameters in order, duplicates kept (whether they are allowed is the
 *                   extension's business)
 */
record ExtensionElement(String name, List<Parameter> parameters) {

    /**
     * One {@code name[=value]} parameter.
     *
     * @param name  the parameter token, as written
     * @param value the value with quotes and escapes removed, or null when the parameter has none
     */
    record Parameter(String name, String value) {
        Parameter {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return value == null ? name : name + "=" + value;
        }
    }

    ExtensionElement {
        Objects.requireNonNull(name, "name");
        parameters = List.copyOf(parameters);
    }

    /**
     * Parses one element such as {@code permessage-deflate; client_max_window_bits=10}. Spaces and
     * tabs may surround {@code ;} and {@code =}.
     *
     * @throws IllegalArgumentException naming the first character that breaks the grammar
     */
    static ExtensionElement parse(String text) {
        return new Reader(text).element();
    }

    /** The element in its canonical form: {@code name; p1; p2=v}, values as bare tokens. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name);
        for (Parameter parameter : parameters) {
            out.append("; ").append(parameter);
        }
        return out.toString();
    }

    /** A cursor over the element's characters; each method consumes what it names. */
    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = Objects.requireNonNull(text, "element");
        }

        ExtensionElement element() {
            skipSpace();
            String name = token("extension name");
            List<Parameter> parameters = new ArrayList<>();
            skipSpace();
            while (at < text.length()) {
                expect(';');
                skipSpace();
                String parameter = token("parameter name");
                skipSpace();
                String value = null;
                if (at < text.length() && text.charAt(at) == '=') {
                    at++;
                    skipSpace();
                    value = at < text.length() && text.charAt(at) == '"' ? quoted() : token("parameter value");
                    skipSpace();
                }
                parameters.add(new Parameter(parameter, value));
            }
            return new ExtensionElement(name, parameters);
        }

        private String token(String what) {
            int start = at;
            while (at < text.length() && isTokenChar(text.charAt(at))) {
                at++;
            }
            if (at == start) {
                throw error("expected a token for the " + what);
            }
            return text.substring(start, at);
        }

        /** A quoted string whose unescaped content must be a token (RFC 6455 §9.1). */
        private String quoted() {
            at++; // the opening quote
            StringBuilder value = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("expected a closing '\"'");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (at >= text.length()) {
                        throw error("expected a character after '\\'");
                    }
                    c = text.charAt(at++);
                }
                value.append(c);
            }
            if (value.isEmpty() || !value.chars().allMatch(c -> isTokenChar((char) c))) {
                throw error("expected a quoted value that is a token, got \"" + value + "\"");
            }
            return value.toString();
        }

        private void expect(char c) {
            if (at >= text.length() || text.charAt(at) != c) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        private void skipSpace() {
            while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
                at++;
            }
        }

        private IllegalArgumentException error(String expected) {
            String seen = at < text.length() ? "'" + text.charAt(at) + "' at index " + at : "the end";
            return new IllegalArgumentException(expected + ", got " + seen + " in extension element '" + text
                    + "' (RFC 6455 §9.1)");
        }

        /** RFC 7230 §3.2.6 tchar. */
        private static boolean isTokenChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }
}
