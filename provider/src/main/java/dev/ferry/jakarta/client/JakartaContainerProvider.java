package dev.ferry.jakarta.client;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;

/**
 * The {@code ContainerProvider} service (registered in {@code META-INF/services/jakarta.websocket.ContainerProvider})
 * through which {@code ContainerProvider.getWebSocketContainer()} finds Ferry. Each call returns a new
 * {@link JakartaClientContainer}; an idle one holds no thread.
 */
public final class JakartaContainerProvider extends ContainerProvider {

    @Override
    protected WebSocketContainer getContainer() {
        return new JakartaClientContainer();
    }
}
