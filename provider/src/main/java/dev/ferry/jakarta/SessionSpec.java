package dev.ferry.jakarta;

import jakarta.websocket.Extension;
import java.net.URI;
import java.security.Principal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an opening handshake established for one session: the facts {@link JakartaSession} reports through
 * {@code Session}'s getters. Built by the server container after its upgrade and by the client container after
 * its handshake.
 *
 * <p>Immutable but for {@code userProperties}, which is the session's own mutable, thread-safe map: each
 * session starts from a copy of its endpoint configuration's user properties, and changes to one session's
 * map are seen by no other session.
 *
 * @param requestUri        the complete request URI, scheme to query (server: {@code ws} or {@code wss}, the Host
 *                          header's authority, path and query; client: the URI connected to)
 * @param queryString       the query without its {@code ?}, or null when there is none
 * @param requestParameters the query's parameters, decoded, in order (server: then the path parameters); empty when
 *                          none
 * @param pathParameters    the URI-template variables matched (server); empty for clients
 * @param userPrincipal     the authenticated user, or null
 * @param userProperties    the session's user properties; {@link #of} copies the map it is given
 * @param subprotocol       the negotiated subprotocol, "" when none
 * @param extensions        the negotiated extensions, in the order of the handshake response
 * @param secure            whether the connection is encrypted (wss or https upgrade)
 * @param id                the session id, or null to let {@link JakartaSession#open} take one from the host
 *                          ({@link SessionHost#nextSessionId()})
 */
public record SessionSpec(URI requestUri, String queryString, Map<String, List<String>> requestParameters,
                          Map<String, String> pathParameters, Principal userPrincipal,
                          Map<String, Object> userProperties, String subprotocol, List<Extension> extensions,
                          boolean secure, String id) {

    public SessionSpec {
        Objects.requireNonNull(requestUri, "requestUri");
        requestParameters = QueryParameters.copyOf(Objects.requireNonNull(requestParameters, "requestParameters"));
        pathParameters = Objects.requireNonNull(pathParameters, "pathParameters").isEmpty() ? Collections.emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(pathParameters));
        Objects.requireNonNull(userProperties, "userProperties");
        subprotocol = Objects.requireNonNullElse(subprotocol, "");
        extensions = List.copyOf(Objects.requireNonNull(extensions, "extensions"));
    }

    /**
     * A spec whose query string and parameter map are taken from {@code requestUri}, with a fresh copy of
     * {@code configUserProperties} as the session's user properties.
     */
    public static SessionSpec of(URI requestUri, Map<String, String> pathParameters, Principal userPrincipal,
                                 Map<String, Object> configUserProperties, String subprotocol,
                                 List<Extension> extensions, boolean secure) {
        String query = requestUri.getRawQuery();
        return new SessionSpec(requestUri, query, QueryParameters.parse(query), pathParameters, userPrincipal,
                new java.util.concurrent.ConcurrentHashMap<>(configUserProperties == null ? Map.of()
                        : withoutNulls(configUserProperties)), subprotocol, extensions, secure, null);
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k != null && v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }
}
