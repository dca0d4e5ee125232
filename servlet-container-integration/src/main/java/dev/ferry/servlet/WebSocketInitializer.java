package dev.ferry.servlet;

import dev.ferry.jakarta.server.JakartaServerContainer;
import dev.ferry.transport.DaemonThreads;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Installs Ferry in a web application: found by the servlet container through
 * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer}, handed the application's endpoint
 * classes, it
 * <ol>
 *   <li>creates the application's {@link JakartaServerContainer} and publishes it as the
 *       {@code jakarta.websocket.server.ServerContainer} context attribute, before any application listener runs,
 *       so a {@code ServletContextListener} can {@code addEndpoint};</li>
 *   <li>deploys what the {@link ServerApplicationConfig} rules select from the classes the container handed over
 *       ({@link EndpointDiscovery}); it never scans the class path itself;</li>
 *   <li>registers the {@link UpgradeFilter} on {@code /*} and the {@code upgradeHttpToWebSocket} bridge;</li>
 *   <li>when the application stops, shuts the container down: open sessions close with 1001, and no thread Ferry
 *       made for the application outlives it.</li>
 * </ol>
 * A deployment error fails the application's start with a {@link ServletException}, before the filter exists, so
 * none of its endpoints is reachable.
 *
 * <p>Thread contract: the container calls {@link #onStartup} once per application, on its deployment thread.
 */
@HandlesTypes({ServerEndpoint.class, ServerApplicationConfig.class, Endpoint.class})
public final class WebSocketInitializer implements ServletContainerInitializer {

    /** The filter's name in the application. */
    public static final String FILTER_NAME = "dev.ferry.servlet.UpgradeFilter";

    /** How long an application's stop waits for its sessions to finish their close handshakes. */
    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(WebSocketInitializer.class.getName());

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        JakartaServerContainer container = new JakartaServerContainer();
        context.setAttribute(ServerContainer.class.getName(), container);
        try {
            EndpointDiscovery.deploy(container, classes == null ? Set.of() : classes);
        } catch (DeploymentException e) {
            context.removeAttribute(ServerContainer.class.getName());
            throw new ServletException("WebSocket deployment of " + describe(context) + " failed: "
                    + e.getMessage(), e);
        }
        DaemonThreads threads = new DaemonThreads(
                "ferry-io" + (context.getContextPath().isEmpty() ? "" : "-" + context.getContextPath()) + "-");
        ExecutorService executor = executor(threads);
        ServletUpgrade upgrade = new ServletUpgrade(executor, ContainerTraits.of(context.getServerInfo()));
        container.setUpgradeBridge(new ServletUpgradeBridge(upgrade));
        FilterRegistration.Dynamic filter = context.addFilter(FILTER_NAME, new UpgradeFilter(container, upgrade));
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        context.addListener(new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                stop(container, executor, threads, context);
            }
        });
    }

    /**
     * Closes the application's sessions with 1001, waits up to {@link #STOP_GRACE} for their close handshakes, and
     * stops every thread Ferry made for the application, so none outlives it (a container that checks, as Tomcat
     * does, finds none left running).
     */
    private static void stop(JakartaServerContainer container, ExecutorService executor, DaemonThreads threads,
                             ServletContext context) {
        try {
            long deadline = System.nanoTime() + STOP_GRACE.toNanos();
            boolean ended = container.shutdown(STOP_GRACE);
            executor.shutdownNow();
            ended &= executor.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                    && threads.join(Math.max(deadline, System.nanoTime() + STOP_GRACE.toNanos() / 10));
            if (!ended) {
                LOG.log(System.Logger.Level.INFO, "WebSocket sessions of " + describe(context) + " were still open "
                        + STOP_GRACE.toMillis() + " ms after the application began to stop; the container ends them");
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A few daemon threads, one per core at most, that report readiness found by a demand for every upgraded
     * connection of the application; they exit when idle for 30 s.
     */
    private static ExecutorService executor(DaemonThreads threads) {
        int count = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor executor = new ThreadPoolExecutor(count, count, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private static String describe(ServletContext context) {
        return context.getContextPath().isEmpty() ? "the root application" : context.getContextPath();
    }
}
