package dev.ferry.jakarta.server;

import dev.ferry.jakarta.client.JakartaClientContainer;
import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The server container over real TCP on 127.0.0.1, reached by independent clients: the JDK's
 * {@code java.net.http.WebSocket} and Ferry's own client container. The HTTP front end is a minimal test one
 * ({@link LoopbackServer}); everything behind the upgrade seam is production code.
 */
class LoopbackServerIT {

    private static final long TIMEOUT = 10;

    @ServerEndpoint(value = "/echo/{name}", subprotocols = {"chat", "superchat"})
    public static final class Echo {
        @OnMessage
        public String text(String text, @PathParam("name") String name) {
            return name + ":" + text;
        }

        @OnMessage
        public ByteBuffer binary(ByteBuffer data) {
            return data;
        }
    }

    private JakartaServerContainer container;
    private LoopbackServer server;

    @BeforeEach
    void start() throws IOException, DeploymentException {
        container = new JakartaServerContainer();
        container.addEndpoint(Echo.class);
        server = new LoopbackServer(container);
    }

    @AfterEach
    void stop() throws IOException {
        container.shutdown();
        server.close();
    }

    /** Collects a JDK client's events. */
    private static final class JdkListener implements WebSocket.Listener {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private int binaryBytes;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            binaryBytes += data.remaining();
            if (last) {
                events.add(binaryBytes);
                binaryBytes = 0;
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add("close " + statusCode);
            return null;
        }

        Object next() throws InterruptedException {
            Object event = events.poll(TIMEOUT, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no event within " + TIMEOUT + " s");
            }
            return event;
        }
    }

    @Test
    void theJdkClientTalksToOurServer() throws Exception {
        JdkListener listener = new JdkListener();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("superchat", "chat")
                .buildAsync(server.uri("/echo/jdk%20client"), listener).get(TIMEOUT, TimeUnit.SECONDS);
        assertEquals("superchat", socket.getSubprotocol());
        socket.sendText("hello", true).get(TIMEOUT, TimeUnit.SECONDS);
        assertEquals("jdk client:hello", listener.next());
        String big = "x".repeat(60_000);
        socket.sendText(big.substring(0, 30_000), false).get(TIMEOUT, TimeUnit.SECONDS);
        socket.sendText(big.substring(30_000), true).get(TIMEOUT, TimeUnit.SECONDS);
        assertEquals("jdk client:" + big, listener.next());
        socket.sendBinary(ByteBuffer.wrap(new byte[60_000]), true).get(TIMEOUT, TimeUnit.SECONDS);
        assertEquals(60_000, listener.next());
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TIMEOUT, TimeUnit.SECONDS);
        assertEquals("close 1000", listener.next());
    }

    @Test
    void aPathWithoutEndpointFailsTheJdkHandshake() {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> HttpClient.newHttpClient()
                .newWebSocketBuilder().buildAsync(server.uri("/nothing"), new JdkListener())
                .get(TIMEOUT, TimeUnit.SECONDS));
        assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
        assertEquals(404, ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode());
    }

    @ClientEndpoint(subprotocols = "chat")
    public static final class FerryClient {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @OnMessage
        public void text(String text) {
            events.add(text);
        }

        @OnClose
        public void close(CloseReason reason) {
            events.add(reason.getCloseCode().getCode());
        }
    }

    @Test
    void ferrysClientTalksToFerrysServerWithPermessageDeflate() throws Exception {
        JakartaClientContainer client = new JakartaClientContainer();
        FerryClient endpoint = new FerryClient();
        Session session = client.connectToServer(endpoint, server.uri("/echo/ferry"));
        assertEquals("chat", session.getNegotiatedSubprotocol());
        assertEquals("permessage-deflate", session.getNegotiatedExtensions().get(0).getName());
        session.getBasicRemote().sendText("compressed " + "z".repeat(10_000));
        assertEquals("ferry:compressed " + "z".repeat(10_000), endpoint.events.poll(TIMEOUT, TimeUnit.SECONDS));
        session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "done"));
        assertEquals(1000, endpoint.events.poll(TIMEOUT, TimeUnit.SECONDS));
    }
}
