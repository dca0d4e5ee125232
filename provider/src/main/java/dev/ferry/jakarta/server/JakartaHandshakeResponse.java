package dev.ferry.jakarta.server;

import dev.ferry.protocol.HttpHeader;
import jakarta.websocket.HandshakeResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link HandshakeResponse} given to {@code Configurator.modifyHandshake}: the 101 response's headers as the
 * container formulated them, in a mutable map with case-insensitive names whose lists the configurator may change
 * too. Not thread safe: used by one handshake on one thread.
 */
public final class JakartaHandshakeResponse implements HandshakeResponse {

    private final List<HttpHeader> formulated;
    /** Made by the first {@link #getHeaders}: the default configurator never asks, so most handshakes skip it. */
    private Map<String, List<String>> headers;

    public JakartaHandshakeResponse(List<HttpHeader> responseHeaders) {
        this.formulated = List.copyOf(responseHeaders);
    }

    @Override
    public Map<String, List<String>> getHeaders() {
        if (headers == null) {
            headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (HttpHeader header : formulated) {
                headers.computeIfAbsent(header.name(), name -> new ArrayList<>()).add(header.value());
            }
        }
        return headers;
    }

    /**
     * The headers as they are now, one {@link HttpHeader} per value. Null or empty names, null values, and names or
     * values holding CR or LF (which would split the response, RFC 7230 §3.2) are left out.
     */
    public List<HttpHeader> toHeaders() {
        if (headers == null) {
            return safe(formulated); // never edited: as formulated, in their order
        }
        List<HttpHeader> list = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (name != null && !name.isEmpty() && isSafe(name) && values != null) {
                for (String value : values) {
                    if (value != null && isSafe(value)) {
                        list.add(new HttpHeader(name, value));
                    }
                }
            }
        });
        return List.copyOf(list);
    }

    /** {@code headers} without those whose name or value holds CR or LF (HttpHeader rules out null and empty). */
    private static List<HttpHeader> safe(List<HttpHeader> headers) {
        for (HttpHeader header : headers) {
            if (!isSafe(header.name()) || !isSafe(header.value())) {
                return headers.stream().filter(h -> isSafe(h.name()) && isSafe(h.value())).toList();
            }
        }
        return headers;
    }

    private static boolean isSafe(String text) {
        return text.indexOf('\r') < 0 && text.indexOf('\n') < 0;
    }
}
