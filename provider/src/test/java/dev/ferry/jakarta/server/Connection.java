package dev.ferry.jakarta.server;

import dev.ferry.jakarta.ContainerDefaults;
import dev.ferry.jakarta.JakartaSession;
import dev.ferry.jakarta.SessionHost;
import dev.ferry.jakarta.SessionSpec;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.transport.ExecutorScheduler;
import dev.ferry.transport.MemoryTransport;
import dev.ferry.transport.Scheduler;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A client connected to a {@link JakartaServerContainer} over a {@link MemoryTransport} pair: the client's handshake
 * goes through {@link JakartaServerContainer#upgrade(UpgradeRequest)} with the headers a real client handle produces,
 * then both ends open Jakarta sessions. The client's endpoint records every event in {@link #events}.
 */
final class Connection implements AutoCloseable {

    /** How long a test waits for an event before failing: a safety net, not a timing assertion. */
    static final long TIMEOUT_SECONDS = 10;

    /** What the client saw: Strings (text), byte[] (binary), "pong:" + payload, CloseReason, Throwable. */
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final JakartaSession server;
    final JakartaSession client;
    private final ExecutorService wireExecutor = daemonPool("memory-transport");
    private final MemoryTransport.Pair wires;
    private final ExecutorService clientExecutor;
    private final ExecutorScheduler clientScheduler;

    private Connection(JakartaServerContainer container, String uri, List<String> subprotocols) {
        WebSocketHandle handle = WebSocketHandle.createClient(HandleProperties.defaults());
        List<HttpHeader> headers = new ArrayList<>();
        headers.add(new HttpHeader("Host", "localhost"));
        for (HttpHeader header : handle.beginClientHandshake(subprotocols, List.of(), List.of())) {
            if (!header.hasName("Host")) {
                headers.add(header);
            }
        }
        UpgradeResult result = container.upgrade(UpgradeRequest.get(URI.create(uri)).headers(headers).build());
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class, result, result::toString);
        handle.endClientHandshake(accepted.responseHeaders());
        wires = MemoryTransport.pair(task -> {
            if (!wireExecutor.isShutdown()) { // a callback after the test is over has nothing to do
                wireExecutor.execute(task);
            }
        }, 1 << 16);
        clientExecutor = daemonPool("test-client");
        clientScheduler = new ExecutorScheduler("test-client");
        server = accepted.open(wires.server());
        client = JakartaSession.open(new ClientHost(container), handle, wires.client(), new Recorder(),
                ClientEndpointConfig.Builder.create().build(), SessionSpec.of(URI.create("ws://localhost" + uri),
                        Map.of(), null, Map.of(), accepted.subprotocol(), accepted.extensions(), false));
    }

    static Connection open(JakartaServerContainer container, String uri) {
        return new Connection(container, uri, List.of());
    }

    static Connection open(JakartaServerContainer container, String uri, List<String> subprotocols) {
        return new Connection(container, uri, subprotocols);
    }

    /** The next event, failing after {@link #TIMEOUT_SECONDS}. */
    Object next() throws InterruptedException {
        Object event = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "no event within " + TIMEOUT_SECONDS + " s");
        return event;
    }

    /** The next event, which must be this text. */
    void expectText(String expected) throws InterruptedException {
        assertEquals(expected, next());
    }

    /** The next event, which must be a close with this code. */
    CloseReason expectClose(CloseReason.CloseCode code) throws InterruptedException {
        Object event = next();
        CloseReason reason = assertInstanceOf(CloseReason.class, event, () -> "expected a close, got " + event);
        assertEquals(code.getCode(), reason.getCloseCode().getCode(), reason::toString);
        return reason;
    }

    @Override
    public void close() {
        try {
            if (client.isOpen()) {
                client.close();
            }
        } catch (Exception e) {
            // closing is best effort at the end of a test
        }
        wireExecutor.shutdownNow();
        clientExecutor.shutdownNow();
        clientScheduler.shutdown();
    }

    private static ExecutorService daemonPool(String name) {
        return Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    private final class Recorder extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) events::add);
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) buffer -> {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                events.add(bytes);
            });
            session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong ->
                    events.add("pong:" + StandardCharsets.UTF_8.decode(pong.getApplicationData())));
        }

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            events.add(closeReason);
        }

        @Override
        public void onError(Session session, Throwable error) {
            events.add(error);
        }
    }

    private final class ClientHost implements SessionHost {
        private final WebSocketContainer container;
        private final ContainerDefaults defaults = new ContainerDefaults(1 << 20);

        ClientHost(WebSocketContainer container) {
            this.container = container;
        }

        @Override
        public WebSocketContainer container() {
            return container;
        }

        @Override
        public ContainerDefaults defaults() {
            return defaults;
        }

        @Override
        public java.util.concurrent.Executor executor() {
            return clientExecutor;
        }

        @Override
        public Scheduler scheduler() {
            return clientScheduler;
        }

        @Override
        public void sessionOpened(JakartaSession session) {
        }

        @Override
        public void sessionClosed(JakartaSession session) {
        }

        @Override
        public Set<Session> openSessions(JakartaSession session) {
            return Set.of(session);
        }
    }
}
