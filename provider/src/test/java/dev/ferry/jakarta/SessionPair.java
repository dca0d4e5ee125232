package dev.ferry.jakarta;

import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.transport.MemoryTransport;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A client session and a server session connected in memory, no sockets: both handles do a real handshake with
 * each other, then each side's {@link JakartaSession} is opened over one end of a {@link MemoryTransport} pair.
 * Either side may instead be left raw, for tests that play a misbehaving peer byte by byte.
 */
final class SessionPair implements AutoCloseable {

    static final URI URI_ = URI.create("ws://example.com/chat?room=1&user=a%20b");
    static final String HOST_THREAD = "session-pair";
    static final String WIRE_THREAD = "session-pair-wire";

    /** The hosts' executor: callbacks Ferry hands off run here. */
    final ExecutorService executor = pool(HOST_THREAD);
    /** The transports' callback threads (the "I/O threads"): callbacks Ferry runs inline run here. */
    final ExecutorService wireExecutor = pool(WIRE_THREAD);
    final TestHost clientHost = new TestHost(executor);
    final TestHost serverHost = new TestHost(executor);
    final MemoryTransport.Pair wires;
    final WebSocketHandle clientHandle;
    final WebSocketHandle serverHandle;
    JakartaSession client;
    JakartaSession server;

    private SessionPair(int capacity, HandleProperties properties) {
        this(capacity, properties, List.of());
    }

    private SessionPair(int capacity, HandleProperties properties, List<String> extensions) {
        wires = MemoryTransport.pair(wireExecutor, capacity);
        clientHandle = WebSocketHandle.createClient(properties);
        serverHandle = WebSocketHandle.createServer(properties);
        List<HttpHeader> request = new ArrayList<>(clientHandle.beginClientHandshake(List.of(), extensions, List.of()));
        request.add(new HttpHeader("Host", "example.com"));
        List<String> offered = HttpHeader.values(request, "Sec-WebSocket-Extensions");
        List<HttpHeader> response = serverHandle.beginServerHandshake(null, offered, request);
        serverHandle.endServerHandshake();
        clientHandle.endClientHandshake(response);
    }

    /** A pair with room for {@code capacity} bytes in flight each way. */
    static SessionPair create(int capacity) {
        return new SessionPair(capacity, HandleProperties.defaults());
    }

    static SessionPair create() {
        return create(1 << 16);
    }

    /** A pair whose handles negotiated the given extensions (for example permessage-deflate). */
    static SessionPair withExtensions(List<dev.ferry.protocol.ExtensionFactory> extensions) {
        return new SessionPair(1 << 16, HandleProperties.builder().extensions(extensions).build(),
                extensions.stream().map(dev.ferry.protocol.ExtensionFactory::name).toList());
    }

    SessionPair openServer(Endpoint endpoint, EndpointConfig config) {
        server = JakartaSession.open(serverHost, serverHandle, wires.server(), endpoint, config,
                SessionSpec.of(URI.create("/chat?room=1&user=a%20b"), Map.of("room", "1"), null,
                        config.getUserProperties(), "", List.of(), false));
        return this;
    }

    SessionPair openClient(Endpoint endpoint, EndpointConfig config) {
        client = JakartaSession.open(clientHost, clientHandle, wires.client(), endpoint, config,
                SessionSpec.of(URI_, Map.of(), null, config.getUserProperties(), "", List.of(), false));
        return this;
    }

    /** Both sides opened with default configurations. */
    SessionPair open(Endpoint clientEndpoint, Endpoint serverEndpoint) {
        openServer(serverEndpoint, config());
        return openClient(clientEndpoint, config());
    }

    static EndpointConfig config() {
        return ClientEndpointConfig.Builder.create().build();
    }

    static EndpointConfig config(List<Class<? extends jakarta.websocket.Encoder>> encoders,
                                 List<Class<? extends jakarta.websocket.Decoder>> decoders) {
        return ClientEndpointConfig.Builder.create().encoders(encoders).decoders(decoders).build();
    }

    @Override
    public void close() throws InterruptedException {
        wires.client().close();
        wires.server().close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((client != null && !clientHost.closed.contains(client)
                || server != null && !serverHost.closed.contains(server)) && System.nanoTime() < deadline) {
            Thread.sleep(2); // bounded: lets onClose run before the pool goes away
        }
        executor.shutdownNow();
        wireExecutor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        wireExecutor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static ExecutorService pool(String name) {
        return Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
