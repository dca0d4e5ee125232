package dev.ferry.jakarta.server;

import dev.ferry.jakarta.ContainerBase;
import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.jakarta.JakartaSession;
import dev.ferry.jakarta.SessionHost;
import dev.ferry.jakarta.pojo.EndpointModel;
import dev.ferry.transport.DaemonThreads;
import dev.ferry.transport.ExecutorScheduler;
import dev.ferry.transport.Scheduler;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Ferry's {@link ServerContainer}: one per web application. It deploys endpoints (validated at
 * {@code addEndpoint}, see {@link EndpointModel#read} for annotated classes), matches request paths to them
 * (Jakarta WebSocket 2.2 §3.1.1, {@link EndpointRegistry}), holds the container defaults, and answers the
 * outer layer's upgrade requests through {@link #upgrade(UpgradeRequest)}.
 *
 * <p>A deployment error halts the application's deployment (Jakarta WebSocket 2.2 §5.2.1): the endpoints deployed
 * before it are removed from service, and every later {@code addEndpoint} fails with a {@link DeploymentException},
 * even for a valid endpoint. This holds while the application deploys, that is until the first connection is
 * accepted; after that a failing {@code addEndpoint} rejects only its own endpoint, so a running application is
 * not taken down by a late mistake.
 *
 * <p>Endpoints may be added while the container already accepts connections: since Jakarta WebSocket 2.1 the
 * {@link ServerContainer} Javadoc says "server endpoints may also be registered after the web application has
 * started", and the registry publishes each addition atomically. The outer layer that owns the application's
 * lifecycle may call {@link #closeDeployment()} (for example when the application stops); after that
 * {@code addEndpoint} throws {@link IllegalStateException}.
 *
 * <p>It is also the {@link SessionHost} of the sessions it opens: they read the container defaults when they open,
 * run their callbacks on the container's executor, and are counted per endpoint path for
 * {@code Session.getOpenSessions()}.
 *
 * <p>Thread contract: thread safe. {@code addEndpoint} calls are serialized on the container; upgrades and the
 * getters may run on any thread.
 */
public final class JakartaServerContainer extends ContainerBase implements ServerContainer {

    /**
     * The default largest whole text and binary message a session buffers, in bytes: 64 KiB. The spec sets no
     * default; a bound keeps one peer from making the server buffer without limit (a larger message closes with
     * 1009). Change it with the {@code setDefaultMax...BufferSize} setters or per session.
     */
    public static final int DEFAULT_MAX_MESSAGE_BUFFER_SIZE = 64 * 1024;

    private final EndpointRegistry registry = new EndpointRegistry();
    private final Map<Class<?>, EndpointModel> models = new ConcurrentHashMap<>();
    private final Set<Class<?>> annotatedClasses = ConcurrentHashMap.newKeySet(); // deployed by addEndpoint(Class)
    private final Supplier<WebSocketContainer> clientContainer;
    private final Object deploymentLock = new Object();
    private volatile boolean deploymentClosed;
    private volatile DeploymentException deploymentFailure; // set once; guarded by deploymentLock for writes
    private volatile boolean serving; // a connection was accepted: the deployment phase is over
    private volatile UpgradeBridge bridge;

    /** The threads this container made for itself (default constructor), which {@link #shutdown(Duration)} stops. */
    private final OwnThreads ownThreads;
    private final OpenSessions openSessions = new OpenSessions();

    /**
     * A container running the built-in permessage-deflate and the extensions registered with
     * {@link java.util.ServiceLoader} on the thread's context class loader ({@link InstalledExtensions#load}), whose
     * {@code connectToServer} methods use the platform's client container
     * ({@link ContainerProvider#getWebSocketContainer()}, Ferry's own when it is the provider on the class path).
     */
    public JakartaServerContainer() {
        this(InstalledExtensions.load(Thread.currentThread().getContextClassLoader()),
                ContainerProvider::getWebSocketContainer);
    }

    /**
     * A container whose sessions run callbacks on a pool of daemon threads that exit when idle and time out on
     * one daemon timer thread, so an idle container keeps no thread alive.
     *
     * @param extensions      the extensions this container can run
     * @param clientContainer makes the container that serves {@code connectToServer}, on first use
     */
    public JakartaServerContainer(InstalledExtensions extensions, Supplier<WebSocketContainer> clientContainer) {
        this(extensions, clientContainer, OwnThreads.create());
    }

    private JakartaServerContainer(InstalledExtensions extensions, Supplier<WebSocketContainer> clientContainer,
                                   OwnThreads own) {
        this(extensions, clientContainer, own.pool, own.timer, own);
    }

    /**
     * @param extensions      the extensions this container can run
     * @param clientContainer makes the container that serves {@code connectToServer}, on first use
     * @param executor        runs session callbacks (each session serializes its own on top of it)
     * @param scheduler       runs the sessions' timers
     */
    public JakartaServerContainer(InstalledExtensions extensions, Supplier<WebSocketContainer> clientContainer,
                                  Executor executor, Scheduler scheduler) {
        this(extensions, clientContainer, executor, scheduler, null);
    }

    private JakartaServerContainer(InstalledExtensions extensions, Supplier<WebSocketContainer> clientContainer,
                                   Executor executor, Scheduler scheduler, OwnThreads ownThreads) {
        super(DEFAULT_MAX_MESSAGE_BUFFER_SIZE, extensions, executor, scheduler);
        this.ownThreads = ownThreads;
        Objects.requireNonNull(clientContainer, "clientContainer");
        this.clientContainer = new Supplier<>() {
            private volatile WebSocketContainer created;

            @Override
            public WebSocketContainer get() {
                WebSocketContainer container = created;
                if (container == null) {
                    synchronized (this) {
                        if (created == null) {
                            created = Objects.requireNonNull(clientContainer.get(), "client container");
                        }
                        container = created;
                    }
                }
                return container;
            }
        };
    }

    /** A pool of daemon threads that exit when idle, and one daemon timer thread: nothing runs while idle. */
    private record OwnThreads(ThreadPoolExecutor pool, DaemonThreads poolThreads, ExecutorScheduler timer) {
        static OwnThreads create() {
            DaemonThreads threads = new DaemonThreads("ferry-server-");
            return new OwnThreads(new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), threads), threads, new ExecutorScheduler("ferry-server"));
        }

        boolean stop(long deadline) throws InterruptedException {
            pool.shutdownNow();
            timer.shutdown();
            long wait = stopWait(deadline);
            return pool.awaitTermination(wait, TimeUnit.NANOSECONDS)
                    && poolThreads.join(System.nanoTime() + stopWait(deadline))
                    && timer.awaitTermination(Duration.ofNanos(stopWait(deadline)));
        }
    }

    // ---- deployment --------------------------------------------------------------------------------------

    /**
     * Deploys a {@link ServerEndpoint @ServerEndpoint} class. Deploying a class that is already deployed this way
     * does nothing.
     *
     * @throws DeploymentException   when the class is not a valid annotated endpoint or its path is taken
     * @throws IllegalStateException when deployment is closed
     */
    @Override
    public void addEndpoint(Class<?> endpointClass) throws DeploymentException {
        Objects.requireNonNull(endpointClass, "endpointClass");
        synchronized (deploymentLock) {
            // The same annotated class twice (found by the scan and added by a listener, say) is one endpoint.
            if (deploymentFailure == null && !deploymentClosed && annotatedClasses.contains(endpointClass)) {
                return;
            }
            addEndpoint(EndpointDeployment.configOf(endpointClass));
            annotatedClasses.add(endpointClass);
        }
    }

    /**
     * Deploys an endpoint described by a configuration: a programmatic {@link Endpoint} subclass, or an annotated
     * class (its annotations' methods are read; the configuration's decoders, encoders and subprotocols apply).
     *
     * @throws DeploymentException   when the path is invalid or taken, or the class is not a valid endpoint
     * @throws IllegalStateException when deployment is closed
     */
    @Override
    public void addEndpoint(ServerEndpointConfig config) throws DeploymentException {
        Objects.requireNonNull(config, "config");
        synchronized (deploymentLock) {
            if (deploymentClosed) {
                throw new IllegalStateException("cannot deploy " + config.getEndpointClass() + " at '"
                        + config.getPath() + "': deployment of this container is closed (the application is no "
                        + "longer deploying endpoints, ServerContainer Javadoc)");
            }
            if (deploymentFailure != null) {
                throw new DeploymentException("cannot deploy " + config.getEndpointClass() + " at '"
                        + config.getPath() + "': this application's deployment already failed, so no endpoint may "
                        + "be deployed (Jakarta WebSocket 2.2 §5.2.1); the first error: "
                        + deploymentFailure.getMessage(), deploymentFailure);
            }
            if (registry.entries().stream().anyMatch(entry -> entry.config() == config)) {
                return; // the same configuration object again: already deployed
            }
            try {
                EndpointDeployment.Validated validated = EndpointDeployment.validate(config);
                registry.add(validated.template(), config);
                if (validated.model() != null) {
                    models.put(config.getEndpointClass(), validated.model());
                }
            } catch (DeploymentException e) {
                if (!serving) {
                    deploymentFailure = e;
                    registry.clear();
                    models.clear();
                    annotatedClasses.clear();
                }
                throw e;
            }
        }
    }

    /** Closes deployment: later {@code addEndpoint} calls throw {@link IllegalStateException}. Idempotent. */
    public void closeDeployment() {
        synchronized (deploymentLock) {
            deploymentClosed = true;
        }
    }

    /**
     * Stops the container: closes deployment and closes every open session with 1001 (going away, RFC 6455
     * §7.4.1), as when the application stops. Sessions finish their close handshakes on their own.
     */
    public void shutdown() {
        closeDeployment();
        openSessions.closeAll(new jakarta.websocket.CloseReason(jakarta.websocket.CloseReason.CloseCodes.GOING_AWAY,
                "server shutting down"));
    }

    /**
     * Stops the container for good, as an application's stop should: {@link #shutdown()}, then waits up to
     * {@code grace} for the sessions to finish their close handshakes, then stops the threads the container made
     * for itself (its callback pool and its timer; an executor or scheduler passed to the constructor is the
     * caller's to stop), so that none outlives the application. Sessions still open after {@code grace} lose their
     * timers and are left to the servlet container, which ends their connections as it stops.
     *
     * @return whether every session ended and every thread of the container's own stopped in time
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public boolean shutdown(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        shutdown();
        boolean ended = openSessions.awaitNone(deadline);
        return (ownThreads == null || ownThreads.stop(deadline)) && ended;
    }

    /** What is left of the grace period, but at least long enough for idle threads to see their interrupt. */
    private static long stopWait(long deadline) {
        return Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(200));
    }

    /** The error that halted this application's deployment, or null when deployment has not failed. */
    public DeploymentException deploymentFailure() {
        return deploymentFailure;
    }

    /** Whether deployment is closed. */
    public boolean isDeploymentClosed() {
        return deploymentClosed;
    }

    /** The endpoint deployed for a request path (percent-encoded, no query, no context path), or null. */
    public EndpointRegistry.Match match(String requestPath) {
        return registry.match(requestPath);
    }

    /** Every deployed endpoint. */
    public List<EndpointRegistry.Entry> endpoints() {
        return registry.entries();
    }

    /** The model of a deployed annotated class, or null when the class is not a deployed annotated endpoint. */
    public EndpointModel model(Class<?> annotatedClass) {
        return models.get(annotatedClass);
    }

    // ---- upgrade -----------------------------------------------------------------------------------------

    /**
     * Decides one HTTP request: {@link UpgradeResult.NotApplicable} when it does not ask for WebSocket (a GET with
     * {@code Upgrade: websocket}) or no endpoint matches its {@link UpgradeRequest#endpointPath()}; otherwise the
     * handshake's outcome, a 400 included when the rest of the handshake is wrong (see
     * {@link #upgrade(UpgradeRequest, ServerEndpointConfig, Map)}).
     */
    public UpgradeResult upgrade(UpgradeRequest request) {
        Objects.requireNonNull(request, "request");
        if (!ServerHandshake.asksForWebSocket(request)) {
            return new UpgradeResult.NotApplicable("not a WebSocket upgrade request");
        }
        EndpointRegistry.Match match = registry.match(request.endpointPath());
        if (match == null) {
            return new UpgradeResult.NotApplicable("no endpoint is deployed at " + request.endpointPath());
        }
        return upgrade(request, match.entry().config(), match.pathParameters());
    }

    /**
     * Runs the opening handshake of {@code request} for a given endpoint configuration, deployed or not (this backs
     * {@link #upgradeHttpToWebSocket}): origin check, subprotocol and extension negotiation, header validation by
     * the protocol handle, {@code modifyHandshake}, endpoint instantiation. Never NotApplicable: a request that is
     * not an upgrade is rejected with 400.
     */
    public UpgradeResult upgrade(UpgradeRequest request, ServerEndpointConfig config,
                                 Map<String, String> pathParameters) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(config, "config");
        UpgradeResult result = new ServerHandshake(this, request, config,
                pathParameters == null ? Map.of() : pathParameters).run();
        if (result instanceof UpgradeResult.Accepted) {
            serving = true;
        }
        return result;
    }

    /**
     * Installs the bridge that makes {@link #upgradeHttpToWebSocket} work on the outer layer's request and
     * response objects (the servlet integration installs one). Replaces any previous bridge.
     */
    public void setUpgradeBridge(UpgradeBridge bridge) {
        this.bridge = Objects.requireNonNull(bridge, "bridge");
    }

    /**
     * Upgrades the HTTP request represented by {@code httpServletRequest} and {@code httpServletResponse} with the
     * given configuration, through the installed {@link UpgradeBridge}.
     *
     * @throws IllegalStateException when no bridge is installed (the container runs outside a servlet container)
     */
    @Override
    public void upgradeHttpToWebSocket(Object httpServletRequest, Object httpServletResponse,
                                       ServerEndpointConfig sec, Map<String, String> pathParameters)
            throws IOException, DeploymentException {
        UpgradeBridge current = bridge;
        if (current == null) {
            throw new IllegalStateException("upgradeHttpToWebSocket needs an UpgradeBridge, installed by the "
                    + "servlet integration; none is installed on this container");
        }
        current.upgrade(this, httpServletRequest, httpServletResponse, sec,
                pathParameters == null ? Map.of() : pathParameters);
    }

    // ---- SessionHost ---------------------------------------------------------------------------------------

    @Override
    public void sessionOpened(JakartaSession session) {
        openSessions.add(session);
    }

    @Override
    public void sessionClosed(JakartaSession session) {
        openSessions.remove(session);
    }

    /** The open sessions of the same endpoint path as {@code session}. */
    @Override
    public Set<Session> openSessions(JakartaSession session) {
        return openSessions.sameEndpoint(session);
    }

    // ---- WebSocketContainer: connecting goes to the client container ----------------------------------

    @Override
    public Session connectToServer(Object annotatedEndpointInstance, URI path)
            throws DeploymentException, IOException {
        return clientContainer.get().connectToServer(annotatedEndpointInstance, path);
    }

    @Override
    public Session connectToServer(Class<?> annotatedEndpointClass, URI path)
            throws DeploymentException, IOException {
        return clientContainer.get().connectToServer(annotatedEndpointClass, path);
    }

    @Override
    public Session connectToServer(Endpoint endpointInstance, ClientEndpointConfig config, URI path)
            throws DeploymentException, IOException {
        return clientContainer.get().connectToServer(endpointInstance, config, path);
    }

    @Override
    public Session connectToServer(Class<? extends Endpoint> endpointClass, ClientEndpointConfig config, URI path)
            throws DeploymentException, IOException {
        return clientContainer.get().connectToServer(endpointClass, config, path);
    }
}
