package dev.ferry.jakarta.client;

import dev.ferry.protocol.HttpHeader;
import jakarta.websocket.HandshakeResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The upgrade response as {@code ClientEndpointConfig.Configurator.afterResponse} sees it: header names are
 * case-insensitive; each name maps to its values in order. Immutable.
 */
final class JakartaHandshakeResponse implements HandshakeResponse {

    private final Map<String, List<String>> headers;

    JakartaHandshakeResponse(List<HttpHeader> fields) {
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HttpHeader field : fields) {
            map.computeIfAbsent(field.name(), n -> new ArrayList<>()).add(field.value());
        }
        map.replaceAll((name, values) -> List.copyOf(values));
        this.headers = Collections.unmodifiableMap(map);
    }

    @Override
    public Map<String, List<String>> getHeaders() {
        return headers;
    }
}
