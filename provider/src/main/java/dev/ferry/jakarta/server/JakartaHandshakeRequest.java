package dev.ferry.jakarta.server;

import dev.ferry.protocol.HttpHeader;
import jakarta.websocket.server.HandshakeRequest;

import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link HandshakeRequest} given to {@code Configurator.modifyHandshake}: a read-only view of an
 * {@link UpgradeRequest}. Header names are case-insensitive keys (RFC 7230 §3.2); each header's values are listed
 * as received (one entry per header line). Immutable.
 */
public final class JakartaHandshakeRequest implements HandshakeRequest {

    private final UpgradeRequest request;
    /** Built by the first {@link #getHeaders}: the default configurator never asks, so most handshakes skip it. */
    private volatile Map<String, List<String>> headers;

    public JakartaHandshakeRequest(UpgradeRequest request) {
        this.request = request;
    }

    @Override
    public Map<String, List<String>> getHeaders() {
        Map<String, List<String>> built = headers;
        if (built == null) {
            // Two threads racing here build equal maps; either may win.
            Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (HttpHeader header : request.headers()) {
                byName.computeIfAbsent(header.name(), name -> new ArrayList<>()).add(header.value());
            }
            byName.replaceAll((name, values) -> List.copyOf(values));
            built = Collections.unmodifiableMap(byName);
            headers = built;
        }
        return built;
    }

    @Override
    public Principal getUserPrincipal() {
        return request.userPrincipal();
    }

    /** The complete request URI, {@code ws} or {@code wss} to the query ({@link UpgradeRequest#completeRequestUri()}). */
    @Override
    public URI getRequestURI() {
        return request.completeRequestUri();
    }

    @Override
    public boolean isUserInRole(String role) {
        return request.userInRole().test(role);
    }

    @Override
    public Object getHttpSession() {
        return request.httpSession();
    }

    @Override
    public Map<String, List<String>> getParameterMap() {
        return request.parameters();
    }

    @Override
    public String getQueryString() {
        return request.queryString();
    }
}
