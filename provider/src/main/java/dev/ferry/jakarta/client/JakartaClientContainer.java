package dev.ferry.jakarta.client;

import dev.ferry.jakarta.ContainerBase;
import dev.ferry.jakarta.ExtensionHeader;
import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.jakarta.Instances;
import dev.ferry.jakarta.JakartaSession;
import dev.ferry.jakarta.SessionHost;
import dev.ferry.jakarta.SessionSpec;
import dev.ferry.jakarta.pojo.AnnotatedEndpoint;
import dev.ferry.jakarta.pojo.EndpointModel;
import dev.ferry.protocol.ClientHandshakeResult;
import dev.ferry.protocol.ExtensionFactory;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.protocol.WebSocketProtocolException;
import dev.ferry.protocol.extension.PerMessageDeflate;
import dev.ferry.transport.ClientChannel;
import dev.ferry.transport.ExecutorScheduler;
import dev.ferry.transport.NioLoop;
import dev.ferry.transport.Transport;
import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Ferry's client {@link WebSocketContainer}: connects annotated and programmatic endpoints to {@code ws://} and
 * {@code wss://} servers.
 *
 * <p>A connection: TCP connect and, for {@code wss}, a TLS handshake with SNI and hostname verification
 * (endpoint identification "HTTPS") using {@link ClientEndpointConfig#getSSLContext()} or the JVM default; then the
 * HTTP/1.1 upgrade request, which {@code Configurator.beforeRequest} may change, and the 101 response (at most
 * 16 KiB of headers), which {@code Configurator.afterResponse} sees (whatever its status). All of it must finish within the connect
 * timeout ({@link #setConnectTimeout}, default 30 s), on the calling thread. Failures: a refused or unreachable
 * port, a timeout or a connection that ends early throw {@link IOException}; an invalid URI, a status other than
 * 101, or a response that breaks RFC 6455 §4.1 (missing upgrade headers, wrong accept key, a subprotocol or
 * extension that was not offered) throw {@link DeploymentException} naming what was expected and what came.
 *
 * <p>Extensions offered ({@link ExtensionOffer}):
 * <ul>
 *   <li>With a {@link ClientEndpointConfig} ({@link #connectToServer(Endpoint, ClientEndpointConfig, URI)} and
 *       its {@code Class} twin): exactly its {@link ClientEndpointConfig#getExtensions() extensions}, in order,
 *       with their parameters, and nothing else; an empty list offers none. An {@link Extension} named
 *       {@code permessage-deflate} turns compression on: without parameters it is offered with the installed
 *       factory's settings, with parameters those are offered and honoured (for example
 *       {@code client_no_context_takeover} or {@code client_max_window_bits=10} bind this client). A name nothing
 *       installed implements is offered as given and, when accepted, negotiated by name only.</li>
 *   <li>Without one ({@code connectToServer(Object, URI)} and {@code connectToServer(Class, URI)}, for
 *       {@link ClientEndpoint @ClientEndpoint} classes, whose annotation cannot list extensions; or a null
 *       configuration): every installed extension but the no-op ones ({@link InstalledExtensions#offeredByDefault()}),
 *       so permessage-deflate (RFC 7692) is offered by default.</li>
 * </ul>
 * permessage-deflate is installed by default; more come from {@link InstalledExtensions} ({@code ServiceLoader})
 * or {@link #extensions()}.
 *
 * <p>Threads: one daemon selector thread serves every connection of this container and one small daemon pool runs
 * endpoint callbacks; both exit when idle, so the container never keeps a JVM alive and costs no thread when no
 * connection is open.
 *
 * <p>Thread contract: thread safe.
 */
public final class JakartaClientContainer extends ContainerBase {

    private static final AtomicInteger CONTAINERS = new AtomicInteger();

    private final NioLoop loop;
    private final Set<Session> open = ConcurrentHashMap.newKeySet();
    private volatile long connectTimeout = 30_000;

    /** A container with the extensions found by {@code ServiceLoader} plus permessage-deflate. */
    public JakartaClientContainer() {
        this("ferry-client-" + CONTAINERS.incrementAndGet());
    }

    private JakartaClientContainer(String name) {
        super(1 << 20, installedExtensions(), callbackPool(name), new ExecutorScheduler(name));
        this.loop = new NioLoop(name + "-io");
    }

    /** permessage-deflate, then what {@code ServiceLoader} finds on the thread's context class loader. */
    private static InstalledExtensions installedExtensions() {
        InstalledExtensions installed = new InstalledExtensions();
        installed.install(PerMessageDeflate.defaults());
        for (ExtensionFactory factory : InstalledExtensions.load(Thread.currentThread().getContextClassLoader())
                .factories()) {
            installed.install(factory);
        }
        return installed;
    }

    /** A fixed pool of daemon threads that exit after 30 s idle. */
    private static ThreadPoolExecutor callbackPool(String name) {
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, name + "-callback-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    // ------------------------------------------------------------------ connectToServer

    @Override
    public Session connectToServer(Object annotatedEndpointInstance, URI path) throws DeploymentException, IOException {
        if (annotatedEndpointInstance == null) {
            throw new DeploymentException("the endpoint instance must not be null");
        }
        if (annotatedEndpointInstance instanceof Endpoint endpoint) {
            return connect(endpoint, ClientEndpointConfig.Builder.create().build(),
                    ExtensionOffer.defaults(extensions()), path);
        }
        Class<?> type = annotatedEndpointInstance.getClass();
        return connect(new AnnotatedEndpoint(EndpointModel.readClient(type), annotatedEndpointInstance),
                annotatedConfig(type), ExtensionOffer.defaults(extensions()), path);
    }

    @Override
    public Session connectToServer(Class<?> annotatedEndpointClass, URI path) throws DeploymentException, IOException {
        if (annotatedEndpointClass == null) {
            throw new DeploymentException("the endpoint class must not be null");
        }
        if (Endpoint.class.isAssignableFrom(annotatedEndpointClass)) {
            return connect((Endpoint) instantiate(annotatedEndpointClass), ClientEndpointConfig.Builder.create().build(),
                    ExtensionOffer.defaults(extensions()), path);
        }
        EndpointModel model = EndpointModel.readClient(annotatedEndpointClass);
        return connect(new AnnotatedEndpoint(model, instantiate(annotatedEndpointClass)),
                annotatedConfig(annotatedEndpointClass), ExtensionOffer.defaults(extensions()), path);
    }

    @Override
    public Session connectToServer(Endpoint endpointInstance, ClientEndpointConfig config, URI path)
            throws DeploymentException, IOException {
        if (endpointInstance == null) {
            throw new DeploymentException("the endpoint instance must not be null");
        }
        if (config == null) {
            return connect(endpointInstance, ClientEndpointConfig.Builder.create().build(),
                    ExtensionOffer.defaults(extensions()), path);
        }
        return connect(endpointInstance, config, ExtensionOffer.of(config.getExtensions(), extensions()), path);
    }

    @Override
    public Session connectToServer(Class<? extends Endpoint> endpointClass, ClientEndpointConfig config, URI path)
            throws DeploymentException, IOException {
        if (endpointClass == null) {
            throw new DeploymentException("the endpoint class must not be null");
        }
        return connectToServer(instantiate(endpointClass), config, path);
    }

    /** Creates an endpoint or configurator ({@link Instances#create}); a failure is a {@code DeploymentException}. */
    private static <T> T instantiate(Class<T> type) throws DeploymentException {
        try {
            return Instances.create(type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new DeploymentException("cannot create " + type.getName() + ": " + Instances.why(e),
                    Instances.cause(e));
        }
    }

    /** The configuration an {@link ClientEndpoint @ClientEndpoint} annotation describes. */
    private static ClientEndpointConfig annotatedConfig(Class<?> type) throws DeploymentException {
        ClientEndpoint annotation = type.getAnnotation(ClientEndpoint.class);
        if (annotation == null) {
            throw new DeploymentException(type.getName() + " is not annotated with @ClientEndpoint");
        }
        return ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of(annotation.subprotocols()))
                .encoders(List.of(annotation.encoders()))
                .decoders(List.of(annotation.decoders()))
                .configurator(instantiate(annotation.configurator()))
                .build();
    }

    private Session connect(Endpoint endpoint, ClientEndpointConfig config, ExtensionOffer offer, URI uri)
            throws DeploymentException, IOException {
        Target target = Target.of(uri);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeout);
        SSLEngine sslEngine = target.secure() ? sslEngine(config, target) : null;
        ClientChannel channel = ClientChannel.connect(new InetSocketAddress(target.host(), target.port()), sslEngine,
                deadline);
        boolean handedOff = false;
        try {
            WebSocketHandle handle = WebSocketHandle.createClient(
                    HandleProperties.builder().extensions(offer.factories()).build());
            List<String> subprotocols = config.getPreferredSubprotocols() == null ? List.of()
                    : config.getPreferredSubprotocols();
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.put("Host", List.of(target.hostHeader()));
            List<HttpHeader> upgradeHeaders;
            try {
                upgradeHeaders = handle.beginClientHandshake(subprotocols, offer.elements(), List.of());
            } catch (IllegalArgumentException e) {
                throw new DeploymentException("cannot offer the configured subprotocols or extensions: "
                        + e.getMessage(), e);
            }
            for (HttpHeader header : upgradeHeaders) {
                headers.computeIfAbsent(header.name(), n -> new ArrayList<>()).add(header.value());
            }
            config.getConfigurator().beforeRequest(headers);
            channel.write(requestBytes(target, headers), deadline);

            UpgradeResponse response = UpgradeResponse.read(channel, deadline, uri.toString());
            config.getConfigurator().afterResponse(new JakartaHandshakeResponse(response.headers()));
            if (response.status() != 101) {
                throw new DeploymentException("expected status 101 Switching Protocols from " + uri + ", got "
                        + response.status() + " " + response.reason() + " (RFC 6455 §4.1)");
            }
            ClientHandshakeResult result;
            try {
                result = handle.endClientHandshake(response.headers());
            } catch (WebSocketProtocolException | IllegalArgumentException e) {
                // IllegalArgumentException: a factory could not read the offered element (malformed parameters).
                throw new DeploymentException("invalid upgrade response from " + uri + ": " + e.getMessage(), e);
            }

            String subprotocol = result.selectedSubprotocol().isPresent()
                    ? subprotocols.get(result.selectedSubprotocol().getAsInt()) : "";
            List<Extension> negotiated = new ArrayList<>();
            for (String element : result.negotiatedExtensions()) {
                negotiated.addAll(ExtensionHeader.parse(element));
            }
            SessionSpec spec = SessionSpec.of(uri, Map.of(), null, config.getUserProperties(), subprotocol, negotiated,
                    target.secure());
            Transport transport = channel.toTransport(loop, response.leftover());
            handedOff = true;
            return JakartaSession.open(this, handle, transport, endpoint, config, spec);
        } finally {
            if (!handedOff) {
                channel.close();
            }
        }
    }

    private static ByteBuffer requestBytes(Target target, Map<String, List<String>> headers) {
        StringBuilder request = new StringBuilder(256);
        request.append("GET ").append(target.requestTarget()).append(" HTTP/1.1\r\n");
        headers.forEach((name, values) -> {
            for (String value : values) {
                if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                        || value.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("header " + name + " holds a line break (RFC 9110 §5.5)");
                }
                request.append(name).append(": ").append(value).append("\r\n");
            }
        });
        request.append("\r\n");
        return ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static SSLEngine sslEngine(ClientEndpointConfig config, Target target) throws IOException {
        SSLContext context = config.getSSLContext();
        if (context == null) {
            try {
                context = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("no default SSLContext for wss", e);
            }
        }
        SSLEngine engine = context.createSSLEngine(target.host(), target.port());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 6125 hostname verification
        if (!target.isIpLiteral()) {
            parameters.setServerNames(List.of(new SNIHostName(target.host())));
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    // ------------------------------------------------------------------ container settings

    /** How long connecting, the TLS handshake and the upgrade may take together, in milliseconds (default 30000). */
    public void setConnectTimeout(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("connect timeout must be positive, got " + millis);
        }
        connectTimeout = millis;
    }

    /** The connect timeout in milliseconds. */
    public long getConnectTimeout() {
        return connectTimeout;
    }

    // ------------------------------------------------------------------ SessionHost

    @Override
    public void sessionOpened(JakartaSession session) {
        open.add(session);
    }

    @Override
    public void sessionClosed(JakartaSession session) {
        open.remove(session);
    }

    /** Every open session of this container. */
    @Override
    public Set<Session> openSessions(JakartaSession session) {
        Set<Session> snapshot = ConcurrentHashMap.newKeySet();
        for (Session s : open) {
            if (s.isOpen()) {
                snapshot.add(s);
            }
        }
        return Set.copyOf(snapshot);
    }

}
