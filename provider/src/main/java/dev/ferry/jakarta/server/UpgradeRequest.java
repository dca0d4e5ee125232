package dev.ferry.jakarta.server;

import dev.ferry.jakarta.QueryParameters;
import dev.ferry.protocol.HttpHeader;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One HTTP request that may ask for a WebSocket upgrade, as the outer layer (the servlet integration, or a test)
 * hands it to {@link JakartaServerContainer#upgrade(UpgradeRequest)}. No servlet types: the outer layer copies
 * what the handshake and the session need. Immutable.
 *
 * @param method         the HTTP method; RFC 6455 §4.1 requires GET
 * @param requestUri     the request URI: either the request target as received (the path, including any application
 *                       context path, and the query), or the complete URI; see {@link #completeRequestUri()}
 * @param endpointPath   the path within the application (servlet path plus path info, percent-encoded, no query):
 *                       what is matched against the endpoints' paths
 * @param headers        the request headers, in order, names as received
 * @param parameters     the query's parameters as the outer layer read them, in order (empty: the handshake parses
 *                       the query); the handshake adds the path parameters for {@code HandshakeRequest.getParameterMap()}
 *                       and {@code Session.getRequestParameterMap()}
 * @param userPrincipal  the authenticated user, or null
 * @param userInRole     answers {@code HandshakeRequest.isUserInRole}
 * @param httpSession    the HTTP session object, opaque here ({@code HandshakeRequest.getHttpSession()}), or null
 * @param secure         whether the request came over TLS
 */
public record UpgradeRequest(String method, URI requestUri, String endpointPath, List<HttpHeader> headers,
                             Map<String, List<String>> parameters, Principal userPrincipal,
                             Predicate<String> userInRole, Object httpSession, boolean secure) {

    public UpgradeRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(requestUri, "requestUri");
        Objects.requireNonNull(endpointPath, "endpointPath");
        headers = List.copyOf(headers);
        parameters = QueryParameters.copyOf(Objects.requireNonNull(parameters, "parameters"));
        Objects.requireNonNull(userInRole, "userInRole");
    }

    /** A builder for a GET of {@code requestUri} whose endpoint path is the URI's raw path; nothing else set. */
    public static Builder get(URI requestUri) {
        return new Builder(requestUri);
    }

    /** The query string without {@code ?}, or null when there is none. */
    public String queryString() {
        return requestUri.getRawQuery();
    }

    /**
     * The complete request URI, as {@code Session.getRequestURI()} and {@code HandshakeRequest.getRequestURI()}
     * report it (Jakarta WebSocket 2.2: "from protocol to query string", with the scheme {@code ws} or {@code wss}):
     * an absolute {@link #requestUri} with its scheme made {@code ws} or {@code wss}; otherwise the effective request
     * URI of RFC 9112 §3.3, the {@code Host} header's authority followed by the raw path and query. When there is no
     * single valid {@code Host} header (HTTP/1.0), the request target as received.
     */
    public URI completeRequestUri() {
        String scheme = secure || "https".equalsIgnoreCase(requestUri.getScheme())
                || "wss".equalsIgnoreCase(requestUri.getScheme()) ? "wss" : "ws";
        String authority = requestUri.getRawAuthority();
        if (!requestUri.isAbsolute()) {
            List<String> hosts = headerValues("Host");
            authority = hosts.size() == 1 ? hosts.get(0).trim() : null;
        }
        if (authority == null || authority.isEmpty()) {
            return requestUri;
        }
        String path = requestUri.getRawPath() == null || requestUri.getRawPath().isEmpty() ? "/"
                : requestUri.getRawPath();
        String query = requestUri.getRawQuery();
        CompleteUri last = lastComplete;
        if (last != null && last.isFor(scheme, authority, path, query)) {
            return last.uri();
        }
        try {
            URI complete = new URI(scheme + "://" + authority + path + (query == null ? "" : "?" + query));
            if (complete.getHost() == null) {
                return requestUri; // a registry-based authority is no host
            }
            lastComplete = new CompleteUri(scheme, authority, path, query, complete);
            return complete;
        } catch (URISyntaxException malformed) {
            return requestUri;
        }
    }

    /**
     * The last complete URI {@link #completeRequestUri()} made, with the parts it was made of: the handshakes a
     * server sees mostly repeat one URI, and parsing it again costs more than comparing four short strings. A URI is
     * immutable, so any thread may take it.
     */
    private record CompleteUri(String scheme, String authority, String path, String query, URI uri) {
        boolean isFor(String scheme, String authority, String path, String query) {
            return this.scheme.equals(scheme) && this.authority.equals(authority) && this.path.equals(path)
                    && Objects.equals(this.query, query);
        }
    }

    private static volatile CompleteUri lastComplete;

    /** This request with {@code uri} as its request URI and {@code parameters} as its parameters (one copy). */
    public UpgradeRequest with(URI uri, Map<String, List<String>> parameters) {
        return new UpgradeRequest(method, uri, endpointPath, headers, parameters, userPrincipal, userInRole,
                httpSession, secure);
    }

    /** The values of every header called {@code name}, ignoring case, in order. */
    public List<String> headerValues(String name) {
        return HttpHeader.values(headers, name);
    }

    /** Mutable builder; not thread safe. */
    public static final class Builder {
        private String method = "GET";
        private final URI requestUri;
        private String endpointPath;
        private List<HttpHeader> headers = List.of();
        private Map<String, List<String>> parameters = Map.of();
        private Principal userPrincipal;
        private Predicate<String> userInRole = role -> false;
        private Object httpSession;
        private boolean secure;

        private Builder(URI requestUri) {
            this.requestUri = Objects.requireNonNull(requestUri, "requestUri");
            this.endpointPath = requestUri.getRawPath() == null ? "/" : requestUri.getRawPath();
        }

        public Builder method(String value) {
            method = value;
            return this;
        }

        public Builder endpointPath(String value) {
            endpointPath = value;
            return this;
        }

        public Builder headers(List<HttpHeader> value) {
            headers = value;
            return this;
        }

        public Builder parameters(Map<String, List<String>> value) {
            parameters = value;
            return this;
        }

        public Builder userPrincipal(Principal value) {
            userPrincipal = value;
            return this;
        }

        public Builder userInRole(Predicate<String> value) {
            userInRole = value;
            return this;
        }

        public Builder httpSession(Object value) {
            httpSession = value;
            return this;
        }

        public Builder secure(boolean value) {
            secure = value;
            return this;
        }

        public UpgradeRequest build() {
            return new UpgradeRequest(method, requestUri, endpointPath, headers, parameters, userPrincipal,
                    userInRole, httpSession, secure);
        }
    }
}
