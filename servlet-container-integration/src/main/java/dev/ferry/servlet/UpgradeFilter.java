package dev.ferry.servlet;

import dev.ferry.jakarta.server.JakartaServerContainer;
import dev.ferry.jakarta.server.UpgradeRequest;
import dev.ferry.jakarta.server.UpgradeResult;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;

/**
 * Turns WebSocket upgrade requests for a deployed endpoint into sessions; everything else passes through to
 * the rest of the chain. The container decides ({@link JakartaServerContainer#upgrade(UpgradeRequest)}):
 * <ul>
 *   <li>not an upgrade, or no endpoint at that path: passed on, so the application's servlets answer;</li>
 *   <li>a failed handshake: 400 when malformed, 426 with {@code Sec-WebSocket-Version: 13} for another version,
 *       403 when {@code checkOrigin} refuses, 500 when the endpoint cannot be created;</li>
 *   <li>a good handshake: 101 and the switch to the WebSocket protocol.</li>
 * </ul>
 * Ordinary requests cost one header lookup: only a request with an {@code Upgrade} header is copied for the
 * container.
 *
 * <p>Thread contract: thread safe; the container calls it concurrently for many requests.
 */
final class UpgradeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private final transient JakartaServerContainer container;
    private final transient ServletUpgrade upgrade;

    UpgradeFilter(JakartaServerContainer container, ServletUpgrade upgrade) {
        this.container = container;
        this.upgrade = upgrade;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!asksForWebSocket(request)) {
            chain.doFilter(request, response);
            return;
        }
        UpgradeRequest upgradeRequest;
        try {
            upgradeRequest = ServletUpgradeRequests.from(request);
        } catch (IllegalArgumentException e) {
            ServletUpgrade.badRequest(response, "expected a valid request URI, got " + request.getRequestURI()
                    + " (RFC 6455 §4.1): " + e.getMessage());
            return;
        }
        UpgradeResult result = container.upgrade(upgradeRequest);
        if (result instanceof UpgradeResult.NotApplicable) {
            chain.doFilter(request, response);
        } else if (result instanceof UpgradeResult.Rejected rejected) {
            ServletUpgrade.reject(response, rejected);
        } else if (result instanceof UpgradeResult.Accepted accepted) {
            upgrade.accept(request, response, accepted);
        } else {
            throw new AssertionError(result);
        }
    }

    /** Whether any {@code Upgrade} header names websocket (RFC 6455 §4.2.1 item 3), ignoring case. */
    private static boolean asksForWebSocket(HttpServletRequest request) {
        for (Enumeration<String> values = request.getHeaders("Upgrade"); values.hasMoreElements(); ) {
            String value = values.nextElement();
            if (value.indexOf(',') < 0 ? value.trim().equalsIgnoreCase("websocket") : hasWebSocketToken(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasWebSocketToken(String value) {
        for (String token : value.split(",")) {
            if (token.trim().equalsIgnoreCase("websocket")) {
                return true;
            }
        }
        return false;
    }
}
