package dev.ferry.jakarta.server;

import dev.ferry.jakarta.InstalledExtensions;
import jakarta.websocket.DeploymentException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Connection}s a test opens, each closed after the test (register it with {@code @RegisterExtension}),
 * and the server-only containers they connect to. Not thread safe: a test opens its connections from its own thread.
 */
final class OpenConnections implements AfterEachCallback {

    private final List<Connection> open = new ArrayList<>();

    /** A server container with no client side: connecting out from it fails the test. */
    static JakartaServerContainer serverOnly(InstalledExtensions extensions) {
        return new JakartaServerContainer(extensions, () -> {
            throw new AssertionError("no client in these tests");
        });
    }

    /** A server-only container with {@code endpoints} deployed. */
    static JakartaServerContainer deploy(Class<?>... endpoints) throws DeploymentException {
        JakartaServerContainer container = serverOnly(new InstalledExtensions());
        for (Class<?> endpoint : endpoints) {
            container.addEndpoint(endpoint);
        }
        return container;
    }

    /** A client connected to {@code uri} on {@code container}; closed after the test. */
    Connection open(JakartaServerContainer container, String uri) {
        return open(container, uri, List.of());
    }

    /** A client that asks for {@code subprotocols}, connected to {@code uri} on {@code container}. */
    Connection open(JakartaServerContainer container, String uri, List<String> subprotocols) {
        Connection connection = Connection.open(container, uri, subprotocols);
        open.add(connection);
        return connection;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        open.forEach(Connection::close);
        open.clear();
    }
}
