package dev.ferry.benchmarks.load;

import jakarta.servlet.ServletContainerInitializer;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.List;

/**
 * Embedded Jetty 12.1 (ee11): one servlet context at {@code /}, one HTTP/1.1 connector on 127.0.0.1 whose selector
 * accepts connections (no acceptor thread).
 */
final class JettyHost implements LoadServer.Host {

    private final Server server;
    private final ServerConnector connector;

    private JettyHost(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    static JettyHost start(List<ServletContainerInitializer> initializers) throws Exception {
        Server server = new Server();
        // As Ferry's launcher (dev.ferry.examples.EmbeddedJetty) configures it, for both Ferry on Jetty and Jetty's own
        // WebSocket: no acceptor thread, the selector accepts (no hand-off and wake-up per connection).
        ServerConnector connector = new ServerConnector(server, 0, -1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        for (ServletContainerInitializer initializer : initializers) {
            context.addServletContainerInitializer(initializer, EchoEndpoint.class);
        }
        server.setHandler(asLauncherServes(context));
        server.start();
        return new JettyHost(server, connector);
    }

    /**
     * Ferry's launcher wraps its context in {@code dev.ferry.servlet.jetty.UpgradedInputFix}, a workaround for Jetty
     * 12.1's upgraded input of body-less upgrade requests; when that class is on the class path (only Ferry's
     * is given it) the load run serves the context the same way.
     */
    private static Handler asLauncherServes(Handler context) throws ReflectiveOperationException {
        Class<?> fix;
        try {
            fix = Class.forName("dev.ferry.servlet.jetty.UpgradedInputFix");
        } catch (ClassNotFoundException absent) {
            return context;
        }
        return (Handler) fix.getConstructor(Handler.class).newInstance(context);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
