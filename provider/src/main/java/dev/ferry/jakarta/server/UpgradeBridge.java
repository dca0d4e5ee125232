package dev.ferry.jakarta.server;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.util.Map;

/**
 * Outer code's half of {@link JakartaServerContainer#upgradeHttpToWebSocket}: the provider cannot name the
 * servlet types, so the servlet integration installs an implementation with
 * {@link JakartaServerContainer#setUpgradeBridge}. A typical implementation turns the request into an
 * {@link UpgradeRequest}, calls {@link JakartaServerContainer#upgrade(UpgradeRequest, ServerEndpointConfig, Map)},
 * writes the {@link UpgradeResult}'s status and headers to the response and, when accepted, switches protocols
 * and opens the session on the upgraded connection.
 *
 * <p>Thread contract: called on the request's thread; may be called concurrently for different requests.
 */
@FunctionalInterface
public interface UpgradeBridge {

    /**
     * Upgrades one request with an explicit configuration and path parameters.
     *
     * @param container      the container whose endpoint is being reached
     * @param request        the outer layer's request object (for the servlet integration, an
     *                       {@code HttpServletRequest})
     * @param response       the outer layer's response object
     * @param config         the endpoint configuration to use (need not be deployed)
     * @param pathParameters the path parameters the session reports
     * @throws IllegalArgumentException when the objects are not the bridge's request and response types
     */
    void upgrade(JakartaServerContainer container, Object request, Object response, ServerEndpointConfig config,
                 Map<String, String> pathParameters) throws IOException, DeploymentException;
}
