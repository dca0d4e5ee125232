package dev.ferry.jakarta.server;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The deployed server endpoints by path, and the §3.1.1 matching of request paths against them.
 *
 * <p>Thread contract: {@link #add} calls are serialized by the caller (deployment); {@link #match} may run on any
 * number of threads at once, also concurrently with {@link #add}. Each {@code add} publishes a new immutable
 * snapshot, so a match sees every endpoint added before it or none of a concurrent one.
 */
public final class EndpointRegistry {

    /** One deployed endpoint. */
    public record Entry(UriTemplate template, ServerEndpointConfig config) {
    }

    /** A request path resolved to an endpoint, with its path parameters (decoded, in the template's order). */
    public record Match(Entry entry, Map<String, String> pathParameters) {
        public Match {
            pathParameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(pathParameters));
        }
    }

    private record Snapshot(Map<String, Entry> exact, Map<Integer, List<Entry>> templatesBySize,
                            Map<String, Entry> byNormalizedPath) {
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of());

    /**
     * Adds an endpoint.
     *
     * @throws DeploymentException when an endpoint with an equivalent path ({@code /a/{x}} and {@code /a/{y}} are
     *                             equivalent) is already deployed
     */
    public void add(UriTemplate template, ServerEndpointConfig config) throws DeploymentException {
        Snapshot current = snapshot;
        Entry existing = current.byNormalizedPath.get(template.normalized());
        if (existing != null) {
            throw new DeploymentException("endpoint " + config.getEndpointClass().getName() + " at path '"
                    + template.path() + "' conflicts with " + existing.config().getEndpointClass().getName()
                    + " already deployed at '" + existing.template().path()
                    + "': both match the same requests (Jakarta WebSocket 2.2 §3.1.1)");
        }
        Entry entry = new Entry(template, config);
        Map<String, Entry> byNormalized = new HashMap<>(current.byNormalizedPath);
        byNormalized.put(template.normalized(), entry);
        Map<String, Entry> exact = current.exact;
        Map<Integer, List<Entry>> bySize = current.templatesBySize;
        if (template.isExact()) {
            exact = new HashMap<>(exact);
            exact.put(template.path(), entry);
        } else {
            bySize = new HashMap<>(bySize);
            List<Entry> sameSize = new ArrayList<>(bySize.getOrDefault(template.segments().size(), List.of()));
            sameSize.add(entry);
            sameSize.sort((a, b) -> UriTemplate.PRECEDENCE.compare(a.template(), b.template()));
            bySize.put(template.segments().size(), List.copyOf(sameSize));
        }
        snapshot = new Snapshot(Map.copyOf(exact), Map.copyOf(bySize), Map.copyOf(byNormalized));
    }

    /**
     * Finds the endpoint for a request path (percent-encoded, no query, application context path removed):
     * an exact path first, then the templates in {@link UriTemplate#PRECEDENCE} order.
     *
     * @return the match, or null when no endpoint matches
     */
    public Match match(String requestPath) {
        Snapshot current = snapshot;
        if (requestPath != null && requestPath.startsWith("/") && requestPath.indexOf('%') < 0) {
            // Nothing to decode, so the path is its own decoded form: one lookup for the common case.
            Entry exact = current.exact.get(requestPath);
            if (exact != null) {
                return new Match(exact, Map.of());
            }
        }
        List<String> segments = UriTemplate.decodeSegments(requestPath);
        if (segments == null) {
            return null;
        }
        // A decoded "%2F" inside a segment must not let "/a%2Fb" reach the exact path "/a/b".
        boolean joinable = segments.stream().noneMatch(s -> s.indexOf('/') >= 0);
        Entry exact = joinable ? current.exact.get("/" + String.join("/", segments)) : null;
        if (exact != null) {
            return new Match(exact, Map.of());
        }
        for (Entry entry : current.templatesBySize.getOrDefault(segments.size(), List.of())) {
            Map<String, String> values = entry.template().matchDecoded(segments);
            if (values != null) {
                return new Match(entry, values);
            }
        }
        return null;
    }

    /** Removes every endpoint: later matches find nothing. */
    public void clear() {
        snapshot = new Snapshot(Map.of(), Map.of(), Map.of());
    }

    /** Every deployed endpoint, in no particular order. */
    public List<Entry> entries() {
        return List.copyOf(snapshot.byNormalizedPath.values());
    }
}
