package dev.ferry.jakarta.server;

import dev.ferry.protocol.HttpHeader;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The 101 response's headers once {@code Configurator.modifyHandshake} has edited them. The configurator may add,
 * change and remove any header, except where the edit would make the response describe a connection other than
 * the one the protocol handle will run:
 * <ul>
 *   <li>{@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Accept} and {@code Sec-WebSocket-Extensions}
 *       are always the values the handle formulated. The extensions were negotiated (through
 *       {@code getNegotiatedExtensions}) before {@code modifyHandshake} runs, and the handle already runs them with
 *       the parameters in its answer; a configurator that copies the request's headers into the response would
 *       otherwise answer with the client's offer (for example a bare {@code client_max_window_bits}, which RFC 7692
 *       §7.1.2.2 forbids in a response).</li>
 *   <li>{@code Sec-WebSocket-Protocol} may be changed to one subprotocol the client requested, or removed (no
 *       subprotocol); anything else (several values, one the client did not request) keeps the negotiated one
 *       (RFC 6455 §4.2.2).</li>
 *   <li>{@code Content-Length} and {@code Transfer-Encoding} are dropped: a 101 response has no content
 *       (RFC 9110 §8.6, RFC 9112 §6.1).</li>
 * </ul>
 * Header names are compared ignoring case. Stateless.
 */
final class ResponseHeaders {

    private static final List<String> OWNED = List.of("upgrade", "connection", "sec-websocket-accept",
            "sec-websocket-extensions");
    private static final List<String> NO_CONTENT = List.of("content-length", "transfer-encoding");
    private static final String PROTOCOL = "sec-websocket-protocol";

    /**
     * The settled response.
     *
     * @param headers     the headers to send: the handle's own first, in its order, then the others as edited
     * @param subprotocol the subprotocol the response selects, "" for none
     * @param overruled   the names of headers whose edit was not applied (for a warning), lower case
     */
    record Settled(List<HttpHeader> headers, String subprotocol, List<String> overruled) {
        Settled {
            headers = List.copyOf(headers);
            overruled = List.copyOf(overruled);
        }
    }

    private ResponseHeaders() {
    }

    /**
     * Applies the rules above.
     *
     * @param formulated         the headers the handle formulated, before {@code modifyHandshake}
     * @param edited             the headers after {@code modifyHandshake}
     * @param requestedProtocols the subprotocols the client requested, in order
     */
    static Settled settle(List<HttpHeader> formulated, List<HttpHeader> edited, List<String> requestedProtocols) {
        if (edited.equals(formulated) && allOwned(formulated)) {
            // Untouched by modifyHandshake (the default configurator) and no subprotocol: the rules below would give
            // back the handle's headers in their order, and nothing overruled. This is most handshakes.
            return new Settled(formulated, "", List.of());
        }
        List<HttpHeader> headers = new ArrayList<>();
        List<String> overruled = new ArrayList<>();
        for (HttpHeader header : formulated) {
            if (oneOf(OWNED, header.name()) != null) {
                headers.add(header);
            }
        }
        if (!edited.equals(formulated)) { // untouched by modifyHandshake (the default): nothing to compare
            for (String owned : OWNED) {
                if (!sameElements(values(formulated, owned), values(edited, owned))) {
                    overruled.add(owned);
                }
            }
        }

        List<String> negotiated = values(formulated, PROTOCOL);
        List<String> chosen = elements(values(edited, PROTOCOL));
        String subprotocol;
        if (chosen.isEmpty() || (chosen.size() == 1 && requestedProtocols.contains(chosen.get(0)))) {
            subprotocol = chosen.isEmpty() ? "" : chosen.get(0);
        } else {
            subprotocol = negotiated.isEmpty() ? "" : negotiated.get(0).trim();
            overruled.add(PROTOCOL);
        }
        if (!subprotocol.isEmpty()) {
            headers.add(new HttpHeader("Sec-WebSocket-Protocol", subprotocol));
        }

        for (HttpHeader header : edited) {
            String noContent = oneOf(NO_CONTENT, header.name());
            if (noContent != null) {
                if (!overruled.contains(noContent)) {
                    overruled.add(noContent);
                }
            } else if (oneOf(OWNED, header.name()) == null && !header.name().equalsIgnoreCase(PROTOCOL)) {
                headers.add(header);
            }
        }
        return new Settled(headers, subprotocol, overruled);
    }

    /** Whether every header is one of {@link #OWNED} (no subprotocol, nothing else). */
    private static boolean allOwned(List<HttpHeader> headers) {
        for (int i = 0; i < headers.size(); i++) {
            if (oneOf(OWNED, headers.get(i).name()) == null) {
                return false;
            }
        }
        return true;
    }

    /** Whether two lists of header values hold the same comma-separated elements, ignoring case and spacing. */
    private static boolean sameElements(List<String> a, List<String> b) {
        return normalized(a).equals(normalized(b));
    }

    private static List<String> normalized(List<String> values) {
        List<String> normalized = new ArrayList<>();
        for (String element : elements(values)) {
            normalized.add(withoutSpaceAroundSeparators(element).toLowerCase(Locale.ROOT));
        }
        return normalized;
    }

    /**
     * {@code element} without the white space on either side of each {@code ;} and {@code =}, so that
     * {@code "a ; b = 1"} and {@code "a;b=1"} compare equal. A loop rather than a regular expression: this runs
     * for every handshake.
     */
    static String withoutSpaceAroundSeparators(String element) {
        int length = element.length();
        StringBuilder out = null;
        int i = 0;
        while (i < length) {
            char c = element.charAt(i);
            if (!isSpace(c)) {
                if (out != null) {
                    out.append(c);
                }
                i++;
                continue;
            }
            int end = i;
            while (end < length && isSpace(element.charAt(end))) {
                end++;
            }
            boolean besideSeparator = (i > 0 && isSeparator(element.charAt(i - 1)))
                    || (end < length && isSeparator(element.charAt(end)));
            if (besideSeparator && out == null) {
                out = new StringBuilder(length).append(element, 0, i);
            } else if (!besideSeparator && out != null) {
                out.append(element, i, end);
            }
            i = end;
        }
        return out == null ? element : out.toString();
    }

    /** White space as {@code \s} matches it in {@link java.util.regex.Pattern}. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    private static boolean isSeparator(char c) {
        return c == ';' || c == '=';
    }

    /** The non-empty comma-separated elements of {@code values}, trimmed (RFC 9110 §5.6.1). */
    private static List<String> elements(List<String> values) {
        List<String> elements = new ArrayList<>();
        for (String value : values) {
            for (String element : value.split(",")) {
                if (!element.isBlank()) {
                    elements.add(element.trim());
                }
            }
        }
        return elements;
    }

    /** The values of the headers named {@code name} (ignoring case), in order. */
    private static List<String> values(List<HttpHeader> headers, String name) {
        List<String> values = new ArrayList<>(1);
        for (HttpHeader header : headers) {
            if (header.name().equalsIgnoreCase(name)) {
                values.add(header.value());
            }
        }
        return values;
    }

    /**
     * The name among {@code lowerCaseNames} that {@code name} is, ignoring case, or null: a comparison rather than a
     * lower-cased copy of every header name of every handshake.
     */
    private static String oneOf(List<String> lowerCaseNames, String name) {
        for (int i = 0; i < lowerCaseNames.size(); i++) { // no iterator: this runs for every header of every handshake
            String candidate = lowerCaseNames.get(i);
            if (candidate.equalsIgnoreCase(name)) {
                return candidate;
            }
        }
        return null;
    }
}
