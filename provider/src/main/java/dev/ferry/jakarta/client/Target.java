package dev.ferry.jakarta.client;

import jakarta.websocket.DeploymentException;
import java.net.URI;

/**
 * Where a client connects, read from a {@code ws://} or {@code wss://} URI (RFC 6455 §3).
 *
 * @param secure        whether the scheme is wss
 * @param host          the host, without brackets for IPv6 literals
 * @param port          the port, 80 or 443 when the URI has none
 * @param requestTarget the path and query for the request line ("/" when the path is empty)
 * @param hostHeader    the Host header value (the port only when not the scheme's default)
 */
record Target(boolean secure, String host, int port, String requestTarget, String hostHeader) {

    /** Reads {@code uri}; anything but an absolute ws or wss URI with a host is a {@link DeploymentException}. */
    static Target of(URI uri) throws DeploymentException {
        if (uri == null) {
            throw new DeploymentException("the URI to connect to must not be null");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new DeploymentException("expected a ws:// or wss:// URI, got " + uri + " (RFC 6455 §3)");
        }
        if (uri.getRawFragment() != null) {
            throw new DeploymentException("a WebSocket URI has no fragment, got " + uri + " (RFC 6455 §3)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new DeploymentException("expected a host in " + uri);
        }
        boolean secure = scheme.equals("wss");
        int defaultPort = secure ? 443 : 80;
        int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String requestTarget = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String hostHeader = (bare.indexOf(':') >= 0 ? "[" + bare + "]" : bare) + (port == defaultPort ? "" : ":" + port);
        return new Target(secure, bare, port, requestTarget, hostHeader);
    }

    /** Whether the host is an IP address literal (no SNI for those, RFC 6066 §3). */
    boolean isIpLiteral() {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }
}
