package dev.ferry.servlet;

import jakarta.servlet.http.HttpSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/** The endpoints the servlet integration tests deploy. */
final class TestEndpoints {

    private TestEndpoints() {
    }

    /** Echoes text. */
    @ServerEndpoint("/echo")
    public static final class Echo {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    /** Another annotated endpoint, for the ServerApplicationConfig rules. */
    @ServerEndpoint("/other")
    public static final class Other {
        @OnMessage
        public String echo(String text) {
            return "other: " + text;
        }
    }

    /** Echoes text and binary, counting opens and closes across all instances (reset by the tests). */
    @ServerEndpoint("/counted")
    public static final class Counted {
        static final AtomicInteger OPENED = new AtomicInteger();
        static final AtomicInteger CLOSED = new AtomicInteger();

        static void reset() {
            OPENED.set(0);
            CLOSED.set(0);
        }

        @OnOpen
        public void open(Session session) {
            OPENED.incrementAndGet();
            if (session.isOpen()) {
                session.setMaxBinaryMessageBufferSize(8 * 1024 * 1024);
            }
        }

        /** Echoes text; "open?" is answered with the number of open sessions of this endpoint instead. */
        @OnMessage
        public String echo(Session session, String text) {
            return "open?".equals(text) ? "open=" + session.getOpenSessions().size() : text;
        }

        @OnMessage(maxMessageSize = 8 * 1024 * 1024)
        public byte[] echo(byte[] data) {
            return data;
        }

        @OnError
        public void error(Throwable t) {
            // a vanished client is expected here; onClose follows
        }

        @OnClose
        public void close(CloseReason reason) {
            CLOSED.incrementAndGet();
        }
    }

    /**
     * Takes binary messages slowly: each waits at a gate the test opens, so the application falls behind the peer.
     * Counts them and keeps a CRC-32 of their bytes; the text "report?" is answered with both. One connection at a
     * time (reset by the test).
     */
    @ServerEndpoint("/slow")
    public static final class Slow {
        private static volatile CountDownLatch arrived = new CountDownLatch(1);
        private static volatile CountDownLatch gate = new CountDownLatch(1);
        static final AtomicReference<Throwable> FAILURE = new AtomicReference<>();
        private final CRC32 crc = new CRC32();
        private long count;

        static void reset() {
            arrived = new CountDownLatch(1);
            gate = new CountDownLatch(1);
            FAILURE.set(null);
        }

        static boolean awaitFirstMessage() throws InterruptedException {
            return arrived.await(60, TimeUnit.SECONDS);
        }

        static void open() {
            gate.countDown();
        }

        @OnOpen
        public void open(Session session) {
            session.setMaxBinaryMessageBufferSize(1 << 20);
        }

        @OnMessage
        public void data(ByteBuffer data) throws InterruptedException {
            arrived.countDown();
            if (!gate.await(60, TimeUnit.SECONDS)) { // a safety limit, not a timing
                throw new IllegalStateException("expected the test to open the gate within 60 s, it did not");
            }
            crc.update(data);
            count++;
        }

        @OnMessage
        public String report(String text) {
            return "count=" + count + " crc=" + crc.getValue();
        }

        @OnError
        public void error(Throwable t) {
            FAILURE.compareAndSet(null, t);
        }
    }

    /** Accepts only the Origin http://allowed.example. */
    public static final class OnlyAllowedOrigin extends ServerEndpointConfig.Configurator {
        @Override
        public boolean checkOrigin(String originHeaderValue) {
            return "http://allowed.example".equals(originHeaderValue);
        }
    }

    @ServerEndpoint(value = "/origin", configurator = OnlyAllowedOrigin.class)
    public static final class OriginChecked {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    /** Keeps the HTTP session the handshake saw, for the endpoint to report. */
    public static final class KeepsHttpSession extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            config.getUserProperties().put("httpSession", request.getHttpSession());
            config.getUserProperties().put("principalAtHandshake",
                    request.getUserPrincipal() == null ? "none" : request.getUserPrincipal().getName());
            config.getUserProperties().put("inRole", request.isUserInRole("crew"));
        }
    }

    /** Reports, as its first message, what reached the handshake and the session. */
    @ServerEndpoint(value = "/facts/{room}", configurator = KeepsHttpSession.class)
    public static final class HandshakeFacts {
        @OnOpen
        public void open(Session session, EndpointConfig config) throws IOException {
            Object httpSession = config.getUserProperties().get("httpSession");
            String marker = httpSession instanceof HttpSession http ? (String) http.getAttribute("marker") : "none";
            session.getBasicRemote().sendText("principal=" + name(session)
                    + " handshakePrincipal=" + config.getUserProperties().get("principalAtHandshake")
                    + " inRole=" + config.getUserProperties().get("inRole")
                    + " parameters=" + session.getRequestParameterMap()
                    + " query=" + session.getQueryString()
                    + " path=" + session.getPathParameters()
                    + " uri=" + session.getRequestURI()
                    + " httpSession=" + marker);
        }

        private static String name(Session session) {
            return session.getUserPrincipal() == null ? "none" : session.getUserPrincipal().getName();
        }
    }

    /** Not a valid endpoint: an @OnMessage method with two text parameters (Jakarta WebSocket 2.2 §4.7). */
    @ServerEndpoint("/broken")
    public static final class Broken {
        @OnMessage
        public void twoTexts(String a, String b) {
        }
    }

    /** A programmatic echo, reporting its path parameters first. */
    public static final class ProgrammaticEcho extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                try {
                    session.getBasicRemote().sendText("programmatic " + session.getPathParameters() + ": " + text);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    /** Deploys {@link ProgrammaticEcho} at /programmatic and, of the annotated classes, only {@link Echo}. */
    public static final class SelectsEchoAndProgrammatic implements ServerApplicationConfig {
        @Override
        public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> endpointClasses) {
            return endpointClasses.contains(ProgrammaticEcho.class)
                    ? Set.of(ServerEndpointConfig.Builder.create(ProgrammaticEcho.class, "/programmatic").build())
                    : Set.of();
        }

        @Override
        public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
            return scanned.contains(Echo.class) ? Set.of(Echo.class) : Set.of();
        }
    }
}
