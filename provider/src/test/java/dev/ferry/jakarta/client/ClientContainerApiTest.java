package dev.ferry.jakarta.client;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import java.net.URI;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client container's methods that need no server (issue 3's API audit). */
class ClientContainerApiTest {

    private final JakartaClientContainer container = new JakartaClientContainer();
    private final URI uri = URI.create("ws://127.0.0.1:1/never");

    @Test
    void getInstalledExtensionsIncludesPermessageDeflate() {
        assertTrue(container.getInstalledExtensions().stream().map(Extension::getName)
                .anyMatch("permessage-deflate"::equals), container.getInstalledExtensions().toString());
    }

    @Test
    void nullEndpointsAreDeploymentErrors() {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create().build();
        assertThrows(DeploymentException.class, () -> container.connectToServer((Object) null, uri));
        assertThrows(DeploymentException.class, () -> container.connectToServer((Class<?>) null, uri));
        assertThrows(DeploymentException.class, () -> container.connectToServer((Endpoint) null, config, uri));
        assertThrows(DeploymentException.class,
                () -> container.connectToServer((Class<? extends Endpoint>) null, config, uri));
    }

    public abstract static class Abstract extends Endpoint {
    }

    @Test
    void anEndpointClassThatCannotBeCreatedIsADeploymentError() {
        DeploymentException failure = assertThrows(DeploymentException.class, () -> container.connectToServer(
                Abstract.class, ClientEndpointConfig.Builder.create().build(), uri));
        assertTrue(failure.getMessage().contains(Abstract.class.getName()), failure.getMessage());
    }

    @Test
    void theConnectTimeoutMustBePositive() {
        assertEquals(30_000, container.getConnectTimeout());
        assertThrows(IllegalArgumentException.class, () -> container.setConnectTimeout(0));
        container.setConnectTimeout(5);
        assertEquals(5, container.getConnectTimeout());
    }
}
