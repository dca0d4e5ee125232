package dev.ferry.jakarta.server;

import dev.ferry.jakarta.client.JakartaClientContainer;
import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Encoder;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link ClientEndpoint @ClientEndpoint} attribute (subprotocols, encoders, decoders, configurator) and every
 * {@code connectToServer} form, Ferry's client against Ferry's server over loopback sockets (issue 3's API audit).
 */
class ClientEndpointAttributesIT {

    private static final long TIMEOUT = 10;

    public record Point(int x, int y) { }

    public record Reply(String text) { }

    /** Copies the client's X-Client header into the connection's properties and answers with X-Server. */
    public static final class HeaderCopy extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            List<String> client = request.getHeaders().get("X-Client");
            sec.getUserProperties().put("x-client", client == null ? "none" : String.join(",", client));
            response.getHeaders().put("X-Server", List.of("ferry-server"));
        }
    }

    @ServerEndpoint(value = "/attributes", subprotocols = {"v2", "v3"}, configurator = HeaderCopy.class)
    public static final class Reporter {
        private String header;

        @OnOpen
        public void open(EndpointConfig config) {
            header = (String) config.getUserProperties().get("x-client");
        }

        @OnMessage
        public String echo(String text, Session session) {
            return "reply:" + text + " header=" + header + " protocol=" + session.getNegotiatedSubprotocol();
        }
    }

    public static final class PointEncoder implements Encoder.Text<Point> {
        @Override
        public String encode(Point point) {
            return point.x() + "," + point.y();
        }
    }

    public static final class ReplyDecoder implements Decoder.Text<Reply> {
        @Override
        public Reply decode(String s) {
            return new Reply(s.substring("reply:".length()));
        }

        @Override
        public boolean willDecode(String s) {
            return s.startsWith("reply:");
        }
    }

    static final BlockingQueue<String> RESPONSE_HEADERS = new LinkedBlockingQueue<>();

    public static final class ClientHeaders extends ClientEndpointConfig.Configurator {
        @Override
        public void beforeRequest(Map<String, List<String>> headers) {
            headers.put("X-Client", List.of("ferry-client"));
        }

        @Override
        public void afterResponse(HandshakeResponse response) {
            List<String> server = response.getHeaders().get("x-server");
            RESPONSE_HEADERS.add(server == null ? "none" : String.join(",", server));
        }
    }

    @ClientEndpoint(subprotocols = {"v1", "v3", "v2"}, encoders = PointEncoder.class, decoders = ReplyDecoder.class,
            configurator = ClientHeaders.class)
    public static final class Attributed {
        static final BlockingQueue<Reply> REPLIES = new LinkedBlockingQueue<>();

        @OnMessage
        public void reply(Reply reply) {
            REPLIES.add(reply);
        }
    }

    /** A programmatic client endpoint that the container creates from its class. */
    public static final class Programmatic extends Endpoint {
        static final BlockingQueue<String> TEXTS = new LinkedBlockingQueue<>();

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) TEXTS::add);
        }

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            TEXTS.add("closed " + closeReason.getCloseCode().getCode());
        }
    }

    private JakartaServerContainer container;
    private LoopbackServer server;
    private JakartaClientContainer client;

    @BeforeEach
    void start() throws IOException, DeploymentException {
        container = new JakartaServerContainer();
        container.addEndpoint(Reporter.class);
        server = new LoopbackServer(container);
        client = new JakartaClientContainer();
        RESPONSE_HEADERS.clear();
        Attributed.REPLIES.clear();
        Programmatic.TEXTS.clear();
    }

    @AfterEach
    void stop() throws IOException {
        container.shutdown();
        server.close();
    }

    private static <T> T poll(BlockingQueue<T> queue) throws InterruptedException {
        T value = queue.poll(TIMEOUT, TimeUnit.SECONDS);
        assertNotNull(value, "nothing within " + TIMEOUT + " s");
        return value;
    }

    @Test
    void everyClientEndpointAttributeTakesEffectForInstancesAndClasses() throws Exception {
        Session byInstance = client.connectToServer(new Attributed(), server.uri("/attributes"));
        assertEquals("v3", byInstance.getNegotiatedSubprotocol(), "the client's order, among what the server has");
        assertSame(client, byInstance.getContainer());
        assertEquals("ferry-server", poll(RESPONSE_HEADERS), "afterResponse saw the response");
        byInstance.getBasicRemote().sendObject(new Point(3, 4)); // through the annotation's encoder
        assertEquals(new Reply("3,4 header=ferry-client protocol=v3"), poll(Attributed.REPLIES),
                "beforeRequest's header reached the server and the annotation's decoder made the Reply");
        byInstance.close();

        Session byClass = client.connectToServer(Attributed.class, server.uri("/attributes"));
        assertEquals("ferry-server", poll(RESPONSE_HEADERS));
        byClass.getAsyncRemote().sendObject(new Point(5, 6)).get(TIMEOUT, TimeUnit.SECONDS);
        assertEquals(new Reply("5,6 header=ferry-client protocol=v3"), poll(Attributed.REPLIES));
        byClass.close();
    }

    @Test
    void programmaticEndpointsConnectByClassAndByInstance() throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create().preferredSubprotocols(List.of("v2"))
                .build();
        Session byClass = client.connectToServer(Programmatic.class, config, server.uri("/attributes"));
        assertEquals("v2", byClass.getNegotiatedSubprotocol());
        byClass.getBasicRemote().sendText("a");
        assertEquals("reply:a header=none protocol=v2", poll(Programmatic.TEXTS));
        byClass.close();
        assertEquals("closed 1000", poll(Programmatic.TEXTS));

        Session byInstance = client.connectToServer((Object) new Programmatic(), server.uri("/attributes"));
        assertEquals("", byInstance.getNegotiatedSubprotocol(), "the default configuration asks for none");
        byInstance.getBasicRemote().sendText("b");
        assertEquals("reply:b header=none protocol=", poll(Programmatic.TEXTS));
        byInstance.close();
    }

    /** Package-private, with a package-private configurator: the container still creates both. */
    static final class HiddenHeaders extends ClientEndpointConfig.Configurator {
        @Override
        public void beforeRequest(Map<String, List<String>> headers) {
            headers.put("X-Client", List.of("hidden"));
        }
    }

    @ClientEndpoint(configurator = HiddenHeaders.class)
    static final class Hidden {
        static final BlockingQueue<String> TEXTS = new LinkedBlockingQueue<>();

        @OnMessage
        public void text(String text) {
            TEXTS.add(text);
        }
    }

    @Test
    void endpointAndConfiguratorClassesNeedNotBePublic() throws Exception {
        Session session = client.connectToServer(Hidden.class, server.uri("/attributes"));
        session.getBasicRemote().sendText("c");
        assertEquals("reply:c header=hidden protocol=", poll(Hidden.TEXTS));
        session.close();
    }

    @Test
    void aClientSessionsOpenSessionsAreTheContainersOpenSessions() throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create().build();
        Session first = client.connectToServer(Programmatic.class, config, server.uri("/attributes"));
        Session second = client.connectToServer(Programmatic.class, config, server.uri("/attributes"));
        assertEquals(java.util.Set.of(first, second), first.getOpenSessions());
        second.close();
        assertEquals("closed 1000", poll(Programmatic.TEXTS));
        assertEquals(java.util.Set.of(first), first.getOpenSessions());
        first.close();
    }

    @Test
    void afterResponseRunsForARefusedHandshakeToo() {
        assertThrows(DeploymentException.class, () -> client.connectToServer(Attributed.class,
                server.uri("/nothing-here")));
        assertEquals("none", RESPONSE_HEADERS.poll(), "afterResponse saw the 404's headers");
    }

    @ClientEndpoint
    public static final class TwoTextHandlers {
        @OnMessage
        public void one(String text) {
        }

        @OnMessage
        public void two(java.io.Reader text) {
        }
    }

    @Test
    void classesThatAreNotClientEndpointsAreDeploymentErrorsBeforeAnyConnection() {
        DeploymentException plain = assertThrows(DeploymentException.class,
                () -> client.connectToServer(new Object(), server.uri("/attributes")));
        assertTrue(plain.getMessage().contains("@ClientEndpoint"), plain.getMessage());
        DeploymentException invalid = assertThrows(DeploymentException.class,
                () -> client.connectToServer(TwoTextHandlers.class, server.uri("/attributes")));
        assertTrue(invalid.getMessage().contains(TwoTextHandlers.class.getName()), invalid.getMessage());
    }
}
