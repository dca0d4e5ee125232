package dev.ferry.jakarta;

import jakarta.websocket.Extension;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code Sec-WebSocket-Extensions} values as Jakarta {@link Extension}s ({@link JakartaExtension} values), both
 * ways (RFC 6455 §9.1): {@code extension-list = 1#( token *( ";" token [ "=" ( token / quoted-string ) ] ) )}.
 * Unlike {@link JakartaExtension#parse}, which reads one element it trusts, this reads whole header values from a
 * peer: commas inside quoted strings, empty list elements and malformed elements. Stateless.
 */
public final class ExtensionHeader {

    private ExtensionHeader() {
    }

    /** A Jakarta extension value. */
    public static Extension extension(String name, List<Extension.Parameter> parameters) {
        return new JakartaExtension(name, parameters);
    }

    /** Parses every header value given, in order; malformed elements are skipped. */
    public static List<Extension> parse(List<String> headerValues) {
        if (headerValues.isEmpty()) {
            return List.of(); // no Sec-WebSocket-Extensions, the usual case
        }
        List<Extension> extensions = new ArrayList<>();
        for (String value : headerValues) {
            extensions.addAll(parse(value));
        }
        return List.copyOf(extensions);
    }

    /**
     * Parses one header value. An element whose name or a parameter name is not a token is dropped, since an
     * element that cannot be read cannot be accepted either.
     */
    public static List<Extension> parse(String headerValue) {
        List<Extension> extensions = new ArrayList<>();
        for (String element : split(headerValue, ',')) {
            List<String> parts = split(element, ';');
            String name = parts.get(0).trim();
            if (!isToken(name)) {
                continue;
            }
            List<Extension.Parameter> parameters = new ArrayList<>();
            boolean valid = true;
            for (String part : parts.subList(1, parts.size())) {
                int eq = part.indexOf('=');
                String paramName = (eq < 0 ? part : part.substring(0, eq)).trim();
                String paramValue = eq < 0 ? null : unquote(part.substring(eq + 1).trim());
                if (!isToken(paramName) || (paramValue != null && paramValue.isEmpty())) {
                    valid = false;
                    break;
                }
                parameters.add(new JakartaExtension.Parameter(paramName, paramValue));
            }
            if (valid) {
                extensions.add(new JakartaExtension(name, parameters));
            }
        }
        return extensions;
    }

    /** One element's text, for example {@code permessage-deflate; client_max_window_bits=10}. */
    public static String format(Extension extension) {
        StringBuilder text = new StringBuilder(extension.getName());
        for (Extension.Parameter parameter : extension.getParameters()) {
            text.append("; ").append(parameter.getName());
            String value = parameter.getValue();
            if (value != null && !value.isEmpty()) {
                text.append('=').append(isToken(value) ? value : quote(value));
            }
        }
        return text.toString();
    }

    /** Splits at {@code separator} outside quoted strings; empty pieces are dropped (RFC 7230 §7 list rule). */
    private static List<String> split(String text, char separator) {
        List<String> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\' && i + 1 < text.length()) {
                current.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                addPiece(pieces, current, separator);
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        addPiece(pieces, current, separator);
        if (pieces.isEmpty()) {
            pieces.add("");
        }
        return pieces;
    }

    private static void addPiece(List<String> pieces, StringBuilder piece, char separator) {
        // Only list elements may be empty (and are skipped); a parameter slot keeps its place for validation.
        if (separator != ',' || !piece.toString().isBlank()) {
            pieces.add(piece.toString());
        }
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            StringBuilder text = new StringBuilder();
            for (int i = 1; i < value.length() - 1; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length() - 1) {
                    c = value.charAt(++i);
                }
                text.append(c);
            }
            return text.toString();
        }
        return isToken(value) ? value : "";
    }

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** RFC 7230 §3.2.6 token. */
    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
