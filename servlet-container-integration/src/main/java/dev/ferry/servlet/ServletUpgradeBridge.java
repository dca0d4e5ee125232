package dev.ferry.servlet;

import dev.ferry.jakarta.server.JakartaServerContainer;
import dev.ferry.jakarta.server.UpgradeBridge;
import dev.ferry.jakarta.server.UpgradeRequest;
import dev.ferry.jakarta.server.UpgradeResult;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.Map;

/**
 * Makes {@code ServerContainer.upgradeHttpToWebSocket(request, response, config, pathParameters)} work on servlet
 * requests: the same path as {@link UpgradeFilter}, with the caller's configuration instead of a deployed one.
 *
 * <p>Thread contract: thread safe.
 */
final class ServletUpgradeBridge implements UpgradeBridge {

    private final ServletUpgrade upgrade;

    ServletUpgradeBridge(ServletUpgrade upgrade) {
        this.upgrade = upgrade;
    }

    @Override
    public void upgrade(JakartaServerContainer container, Object request, Object response,
                        ServerEndpointConfig config, Map<String, String> pathParameters) throws IOException {
        if (!(request instanceof HttpServletRequest httpRequest)) {
            throw new IllegalArgumentException("expected an HttpServletRequest, got "
                    + (request == null ? "null" : request.getClass().getName()));
        }
        if (!(response instanceof HttpServletResponse httpResponse)) {
            throw new IllegalArgumentException("expected an HttpServletResponse, got "
                    + (response == null ? "null" : response.getClass().getName()));
        }
        UpgradeRequest upgradeRequest;
        try {
            upgradeRequest = ServletUpgradeRequests.from(httpRequest);
        } catch (IllegalArgumentException e) {
            ServletUpgrade.badRequest(httpResponse, "expected a valid request URI, got "
                    + httpRequest.getRequestURI() + " (RFC 6455 §4.1): " + e.getMessage());
            return;
        }
        UpgradeResult result = container.upgrade(upgradeRequest, config, pathParameters);
        if (result instanceof UpgradeResult.Accepted accepted) {
            upgrade.accept(httpRequest, httpResponse, accepted);
        } else if (result instanceof UpgradeResult.Rejected rejected) {
            ServletUpgrade.reject(httpResponse, rejected);
        } else if (result instanceof UpgradeResult.NotApplicable notApplicable) {
            ServletUpgrade.badRequest(httpResponse, notApplicable.reason());
        } else {
            throw new AssertionError(result);
        }
    }
}
