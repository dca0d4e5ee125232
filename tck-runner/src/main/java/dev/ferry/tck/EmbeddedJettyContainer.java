package dev.ferry.tck;

import dev.ferry.servlet.jetty.UpgradedInputFix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.jetty.ee11.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.exporter.ExplodedExporter;

/**
 * An Arquillian container that runs embedded Jetty 12.1 (EE 11) in the test JVM and deploys each archive as a
 * {@link WebAppContext} with annotation configuration, so that {@code ServletContainerInitializer}s (Ferry's,
 * found on the class path, and the archive's own), {@code @WebServlet}s and listeners are honoured.
 *
 * <p>A web application that fails to start is left deployed but unavailable (Jetty answers 503), and
 * {@link #deploy} still returns normally with its {@link HTTPContext}: the TCK's negative-deployment tests
 * expect exactly that, and build their URLs from the context even then.
 *
 * <p>Thread contract: Arquillian calls the lifecycle methods from one thread at a time; not thread safe.
 */
public final class EmbeddedJettyContainer implements DeployableContainer<EmbeddedJettyConfiguration> {

    private static final System.Logger LOG = System.getLogger(EmbeddedJettyContainer.class.getName());

    /** The servlet name in the returned metadata; Arquillian builds resource URLs from its context root. */
    private static final String SERVLET_NAME = "default";

    private final Map<String, WebAppContext> deployed = new HashMap<>();
    private EmbeddedJettyConfiguration configuration = new EmbeddedJettyConfiguration();
    private Server server;
    private ServerConnector connector;
    private ContextHandlerCollection contexts;
    private Path workDirectory;

    @Override
    public Class<EmbeddedJettyConfiguration> getConfigurationClass() {
        return EmbeddedJettyConfiguration.class;
    }

    @Override
    public void setup(EmbeddedJettyConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public void start() throws LifecycleException {
        try {
            workDirectory = Files.createTempDirectory("ferry-tck-");
            server = new Server();
            connector = new ServerConnector(server);
            connector.setHost(configuration.getBindAddress());
            connector.setPort(configuration.getPort());
            server.addConnector(connector);
            contexts = new ContextHandlerCollection(true);
            server.setHandler(new UpgradedInputFix(contexts));
            server.start();
        } catch (Exception e) {
            throw new LifecycleException("could not start embedded Jetty on "
                    + configuration.getBindAddress() + ":" + configuration.getPort(), e);
        }
        LOG.log(Level.INFO, "embedded Jetty listening on {0}:{1,number,#}", host(), connector.getLocalPort());
    }

    @Override
    public void stop() throws LifecycleException {
        try {
            server.stop();
        } catch (Exception e) {
            throw new LifecycleException("could not stop embedded Jetty", e);
        } finally {
            deployed.clear();
            deleteRecursively(workDirectory);
        }
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        // The TCK's deployments are all testable = false: tests run as clients in this JVM, so no
        // in-container protocol is ever used.
        return new ProtocolDescription("Local");
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        String contextPath = contextPathOf(archive.getName());
        Path webRoot = archive.as(ExplodedExporter.class)
                .exportExploded(workDirectory.toFile(), archive.getName())
                .toPath();

        WebAppContext context = new WebAppContext();
        context.setContextPath(contextPath);
        context.setWar(webRoot.toString());
        context.addConfiguration(new AnnotationConfiguration());
        context.setThrowUnavailableOnStartupException(false);
        contexts.addHandler(context);
        deployed.put(archive.getName(), context);
        try {
            context.start();
        } catch (Exception | LinkageError e) {
            // A failed start is a legitimate outcome (negative deployment): report it, never rethrow.
            LOG.log(Level.INFO, "web application " + contextPath + " failed to start", e);
        }
        if (!context.isAvailable()) {
            LOG.log(Level.INFO, "web application {0} is unavailable: {1}", contextPath,
                    context.getUnavailableException());
        }

        HTTPContext http = new HTTPContext(host(), connector.getLocalPort());
        http.add(new Servlet(SERVLET_NAME, contextPath));
        return new ProtocolMetaData().addContext(http);
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        WebAppContext context = deployed.remove(archive.getName());
        if (context == null) {
            return;
        }
        try {
            context.stop();
        } catch (Exception e) {
            throw new DeploymentException("could not stop web application " + context.getContextPath(), e);
        } finally {
            contexts.removeHandler(context);
            deleteRecursively(workDirectory.resolve(archive.getName()));
        }
    }

    /** {@code "echo.war"} is served at {@code /echo}; {@code "ROOT.war"} at {@code /}. */
    static String contextPathOf(String archiveName) {
        String base = archiveName.endsWith(".war")
                ? archiveName.substring(0, archiveName.length() - ".war".length())
                : archiveName;
        return base.equals("ROOT") || base.isEmpty() ? "/" : "/" + base;
    }

    private String host() {
        return configuration.getBindAddress();
    }

    private static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.WARNING, "could not delete " + root, e);
        }
    }
}
