package dev.ferry.jakarta;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter map {@code HandshakeRequest.getParameterMap()} and {@code Session.getRequestParameterMap()} report:
 * a raw query string parsed, plus the path parameters of the matched template. Stateless.
 */
public final class QueryParameters {

    private QueryParameters() {
    }

    /**
     * Splits {@code rawQuery} at {@code &} and {@code =} and decodes names and values as
     * {@code application/x-www-form-urlencoded} UTF-8. A name without {@code =} has the value "". Values of a
     * repeated name keep their order.
     *
     * @return an unmodifiable map; empty for a null or empty query
     */
    public static Map<String, List<String>> parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return copyOf(params);
    }

    /**
     * An unmodifiable copy of {@code parameters} that keeps their order, with unmodifiable copies of the value
     * lists. An empty map is copied as {@link Collections#emptyMap()}, allocating nothing: most handshakes have no
     * query. Either way the copy answers {@code get(null)} with null, as a copied {@code LinkedHashMap} does.
     */
    public static Map<String, List<String>> copyOf(Map<String, List<String>> parameters) {
        if (parameters.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        parameters.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * The request parameters of a handshake whose endpoint path matched a URI template: {@code query}'s, in order,
     * then each path parameter. A path parameter whose name the query also has goes first in that name's list, so
     * a reader of the first value sees what {@code @PathParam} sees and the query's values are kept after it.
     *
     * @return an unmodifiable map
     */
    public static Map<String, List<String>> withPathParameters(Map<String, List<String>> query,
                                                               Map<String, String> pathParameters) {
        if (pathParameters.isEmpty()) {
            return copyOf(query);
        }
        Map<String, List<String>> merged = new LinkedHashMap<>();
        query.forEach((name, values) -> merged.put(name, List.copyOf(values)));
        pathParameters.forEach((name, value) -> {
            List<String> values = new ArrayList<>();
            values.add(value);
            values.addAll(merged.getOrDefault(name, List.of()));
            merged.put(name, List.copyOf(values));
        });
        return Collections.unmodifiableMap(merged);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s; // a stray '%' is kept as written rather than failing the whole handshake
        }
    }
}
