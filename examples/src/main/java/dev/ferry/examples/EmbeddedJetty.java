package dev.ferry.examples;

import dev.ferry.servlet.jetty.UpgradedInputFix;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.websocket.server.ServerEndpoint;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.ServiceLoader;
import org.eclipse.jetty.ee11.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee11.servlet.DefaultServlet;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Ferry on embedded Jetty 12.1 (ee11): one web application at the root context behind one HTTP/1.1
 * connector. Jetty's own WebSocket modules are not on the class path (the build bans them); WebSocket
 * support comes from the {@code ServletContainerInitializer}s that {@link ServiceLoader} finds, which
 * is Ferry's. Each is handed the classes its {@link HandlesTypes} selects from the classes given, the
 * way a container hands it the matching classes of a scanned war.
 *
 * <p>Thread contract: create, {@link #port()}, {@link #join()} and {@link #close()} from any thread;
 * Jetty runs the connections on its own pool.
 */
public final class EmbeddedJetty implements AutoCloseable {

    /** Class-path folder of the example chat page. */
    public static final String EXAMPLE_PAGE = "dev/ferry/examples/web/";

    private final Server server;
    private final ServerConnector connector;

    private EmbeddedJetty(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts Jetty serving {@code classes} (endpoint and {@code ServerApplicationConfig} classes) loaded
     * by {@code loader}, and, when {@code examplePage} is set, the example chat page at {@code /}.
     *
     * @throws Exception when Jetty cannot bind or the web application fails to deploy (for example a
     *                   {@code DeploymentException} from an endpoint); nothing is left running then
     */
    public static EmbeddedJetty serveClasses(
            String host, int port, Collection<Class<?>> classes, ClassLoader loader, boolean examplePage)
            throws Exception {
        ServletContextHandler context = new ServletContextHandler("/", ServletContextHandler.SESSIONS);
        context.setClassLoader(loader);
        int initializers = 0;
        for (ServletContainerInitializer initializer : ServiceLoader.load(ServletContainerInitializer.class, loader)) {
            context.addServletContainerInitializer(initializer, handedClasses(initializer, classes));
            initializers += handles(initializer, ServerEndpoint.class) ? 1 : 0;
        }
        if (initializers == 0) {
            throw new IllegalStateException("expected a ServletContainerInitializer handling @ServerEndpoint"
                    + " (Ferry's) on the class path, found none");
        }
        if (examplePage) {
            context.setBaseResource(ResourceFactory.of(context).newClassLoaderResource(EXAMPLE_PAGE));
            ServletHolder files = new ServletHolder("example-page", DefaultServlet.class);
            files.setInitParameter("dirAllowed", "false");
            context.addServlet(files, "/");
        }
        return start(host, port, context);
    }

    /** Starts Jetty serving a war file or an exploded web application, with annotation scanning. */
    public static EmbeddedJetty serveWar(String host, int port, Path war) throws Exception {
        WebAppContext webApp = new WebAppContext();
        webApp.setContextPath("/");
        webApp.setWar(war.toAbsolutePath().toString());
        webApp.addConfiguration(new AnnotationConfiguration());
        webApp.setThrowUnavailableOnStartupException(true);
        return start(host, port, webApp);
    }

    private static EmbeddedJetty start(String host, int port, Handler webApp) throws Exception {
        Server server = new Server();
        // No acceptor thread: the selector accepts new connections as it reads ready ones, so a new connection wakes
        // no acceptor thread blocked in accept() and needs no hand-off from it to the selector (about one context
        // switch less per connection). The load benchmark's Jetty host (dev.ferry.benchmarks.load.JettyHost) is
        // configured the same way.
        ServerConnector connector = new ServerConnector(server, 0, -1);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new UpgradedInputFix(webApp));
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new EmbeddedJetty(server, connector);
    }

    /** The classes of {@code classes} that {@code initializer}'s {@link HandlesTypes} selects. */
    static Class<?>[] handedClasses(ServletContainerInitializer initializer, Collection<Class<?>> classes) {
        HandlesTypes handlesTypes = initializer.getClass().getAnnotation(HandlesTypes.class);
        if (handlesTypes == null) {
            return new Class<?>[0];
        }
        List<Class<?>> handed = new ArrayList<>();
        for (Class<?> candidate : classes) {
            for (Class<?> type : handlesTypes.value()) {
                if (selects(type, candidate)) {
                    handed.add(candidate);
                    break;
                }
            }
        }
        return handed.toArray(Class<?>[]::new);
    }

    private static boolean selects(Class<?> type, Class<?> candidate) {
        if (type.isAnnotation()) {
            @SuppressWarnings("unchecked")
            Class<? extends Annotation> annotation = (Class<? extends Annotation>) type;
            return candidate.isAnnotationPresent(annotation);
        }
        return type.isAssignableFrom(candidate) && type != candidate;
    }

    private static boolean handles(ServletContainerInitializer initializer, Class<?> type) {
        HandlesTypes handlesTypes = initializer.getClass().getAnnotation(HandlesTypes.class);
        return handlesTypes != null && List.of(handlesTypes.value()).contains(type);
    }

    /** How many threads of their own accept connections: none, the selector does ({@link #start}). */
    int acceptorThreads() {
        return connector.getAcceptors();
    }

    /** The port Jetty listens on (the real one when asked for port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code scheme://host:port/path} on the bound address, for {@code http} or {@code ws}. */
    public URI uri(String scheme, String path) {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create(scheme + "://" + host + ":" + port() + path);
    }

    /** Waits until Jetty stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
