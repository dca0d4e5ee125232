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

    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    public JakartaHandshakeResponse(List<HttpHeader> responseHeaders) {
        for (HttpHeader header : responseHeaders) {
            headers.computeIfAbsent(header.name(), name -> new ArrayList<>()).add(header.value());
        }
    }

    @Override
    public Map<String, List<String>> getHeaders() {
        return headers;
    }

    /**
     * The headers as they are now, one {@link HttpHeader} per value. Null or empty names, null values, and names or
     * values holding CR or LF (which would split the response, RFC 7230 §3.2) are left out.
     */
    public List<HttpHeader> toHeaders() {
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

    private static boolean isSafe(String text) {
        return text.indexOf('\r') < 0 && text.indexOf('\n') < 0;
    }
}
