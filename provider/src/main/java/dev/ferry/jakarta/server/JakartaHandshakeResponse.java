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

    /** The headers as they are now, one {@link HttpHeader} per value; null names and values are skipped. */
    public List<HttpHeader> toHeaders() {
        List<HttpHeader> list = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (name != null && !name.isEmpty() && values != null) {
                for (String value : values) {
                    if (value != null) {
                        list.add(new HttpHeader(name, value));
                    }
                }
            }
        });
        return List.copyOf(list);
    }
}
