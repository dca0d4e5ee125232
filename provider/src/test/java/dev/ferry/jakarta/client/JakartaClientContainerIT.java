package dev.ferry.jakarta.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.jakarta.ExtensionHeader;
import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ferry's client against an independent server (embedded Jetty, native API) over loopback. */
class JakartaClientContainerIT {

    private static JettyPeer plain;
    private static JakartaClientContainer container;

    @BeforeAll
    static void startServer() throws Exception {
        plain = JettyPeer.start();
        container = new JakartaClientContainer();
        container.setConnectTimeout(10_000);
    }

    @AfterAll
    static void stopServer() throws Exception {
        plain.close();
    }

    /** Collects what arrives; bounded waits. */
    static final class Collector extends Endpoint {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, messages::add);
            session.addMessageHandler(ByteBuffer.class, messages::add);
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closes.add(reason);
        }

        @Override
        public void onError(Session session, Throwable error) {
            errors.add(error);
        }

        Object next() throws InterruptedException {
            Object message = messages.poll(10, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message within 10 s; errors: " + errors);
            }
            return message;
        }

        CloseReason closed() throws InterruptedException {
            CloseReason reason = closes.poll(10, TimeUnit.SECONDS);
            if (reason == null) {
                throw new AssertionError("no onClose within 10 s; errors: " + errors);
            }
            return reason;
        }
    }

    private static URI uri(String scheme, String host, int port, String path) {
        return URI.create(scheme + "://" + host + ":" + port + path);
    }

    @Test
    void echoesTextAndBinaryOverWsWithPermessageDeflate() throws Exception {
        Collector endpoint = new Collector();
        ClientEndpointConfig deflate = ClientEndpointConfig.Builder.create()
                .extensions(ExtensionHeader.parse("permessage-deflate")).build();
        Session session = container.connectToServer(endpoint, deflate, uri("ws", "127.0.0.1", plain.port(), "/echo"));
        assertTrue(session.isOpen());
        assertEquals(List.of("permessage-deflate"), session.getNegotiatedExtensions().stream().map(e -> e.getName()).toList());

        session.getBasicRemote().sendText("hello jetty");
        assertEquals("hello jetty", endpoint.next());

        byte[] payload = new byte[200_000];
        new Random(42).nextBytes(payload);
        session.getBasicRemote().sendBinary(ByteBuffer.wrap(payload));
        ByteBuffer echoed = (ByteBuffer) endpoint.next();
        byte[] got = new byte[echoed.remaining()];
        echoed.get(got);
        assertArrayEquals(payload, got);

        String compressible = "abc".repeat(50_000);
        session.getAsyncRemote().sendText(compressible).get(10, TimeUnit.SECONDS);
        assertEquals(compressible, endpoint.next());

        session.close();
        assertEquals(1000, endpoint.closed().getCloseCode().getCode());
        assertTrue(endpoint.errors.isEmpty(), "errors: " + endpoint.errors);
    }

    @Test
    void serverInitiatedCloseReachesOnClose() throws Exception {
        Collector endpoint = new Collector();
        Session session = container.connectToServer(endpoint, ClientEndpointConfig.Builder.create().build(),
                uri("ws", "127.0.0.1", plain.port(), "/echo"));
        session.getBasicRemote().sendText("close-me");
        CloseReason reason = endpoint.closed();
        assertEquals(4001, reason.getCloseCode().getCode());
        assertEquals("bye", reason.getReasonPhrase());
    }

    @Test
    void negotiatesTheSubprotocolAndRunsTheConfigurator() throws Exception {
        Map<String, List<String>>[] seen = new Map[2];
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of("other", "chat"))
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> headers) {
                        headers.put("X-Ferry-Test", List.of("1"));
                        seen[0] = Map.copyOf(headers);
                    }

                    @Override
                    public void afterResponse(HandshakeResponse response) {
                        seen[1] = response.getHeaders();
                    }
                }).build();
        Collector endpoint = new Collector();
        Session session = container.connectToServer(endpoint, config, uri("ws", "127.0.0.1", plain.port(), "/protocol"));
        assertEquals("chat", session.getNegotiatedSubprotocol());
        session.getBasicRemote().sendText("protocol?");
        assertEquals("protocol=chat", endpoint.next());
        assertTrue(seen[0].containsKey("Sec-WebSocket-Key"), "request headers: " + seen[0]);
        assertEquals(List.of("chat"), seen[1].get("sec-websocket-protocol"), "case-insensitive response headers");
        session.close();
    }

    @ClientEndpoint
    public static final class AnnotatedClient {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        @OnMessage
        public void onMessage(String message) {
            received.add(message);
        }
    }

    @Test
    void connectsAnAnnotatedEndpoint() throws Exception {
        AnnotatedClient client = new AnnotatedClient();
        Session session = container.connectToServer(client, uri("ws", "127.0.0.1", plain.port(), "/echo"));
        session.getBasicRemote().sendText("annotated");
        assertEquals("annotated", client.received.poll(10, TimeUnit.SECONDS));
        session.close();
    }

    /** Records the request headers the client is about to send. */
    static final class RequestRecorder extends ClientEndpointConfig.Configurator {
        volatile Map<String, List<String>> request;

        @Override
        public void beforeRequest(Map<String, List<String>> headers) {
            request = Map.copyOf(headers);
        }

        List<String> offered() {
            return request.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Sec-WebSocket-Extensions"))
                    .flatMap(e -> e.getValue().stream()).toList();
        }
    }

    private static ClientEndpointConfig offering(RequestRecorder recorder, String extensions) {
        return ClientEndpointConfig.Builder.create().configurator(recorder)
                .extensions(extensions == null ? List.of() : ExtensionHeader.parse(extensions)).build();
    }

    private static List<String> names(Session session) {
        return session.getNegotiatedExtensions().stream().map(e -> e.getName()).toList();
    }

    @Test
    void anExplicitConfigurationWithoutExtensionsOffersNone() throws Exception {
        RequestRecorder recorder = new RequestRecorder();
        Collector endpoint = new Collector();
        Session session = container.connectToServer(endpoint, offering(recorder, null),
                uri("ws", "127.0.0.1", plain.port(), "/echo"));
        assertEquals(List.of(), recorder.offered(), "request: " + recorder.request);
        assertEquals(List.of(), session.getNegotiatedExtensions());
        session.getBasicRemote().sendText("plain");
        assertEquals("plain", endpoint.next());
        session.close();
    }

    @Test
    void anExplicitConfigurationIsOfferedExactlyWithItsParametersHonoured() throws Exception {
        RequestRecorder recorder = new RequestRecorder();
        Collector endpoint = new Collector();
        Session session = container.connectToServer(endpoint, offering(recorder,
                        "x-ferry-unknown; a=1, permessage-deflate; server_no_context_takeover; client_max_window_bits=10"),
                uri("ws", "127.0.0.1", plain.port(), "/echo"));
        assertEquals(List.of("x-ferry-unknown; a=1, permessage-deflate; server_no_context_takeover; "
                + "client_max_window_bits=10"), recorder.offered());
        assertEquals(List.of("permessage-deflate"), names(session), "Jetty declines the unknown extension");
        List<String> parameters = session.getNegotiatedExtensions().get(0).getParameters().stream()
                .map(p -> p.getName()).toList();
        assertTrue(parameters.contains("server_no_context_takeover"), "the server honours what was asked: "
                + parameters);
        String compressible = "xyz".repeat(20_000);
        for (int i = 0; i < 3; i++) {
            session.getBasicRemote().sendText(compressible + i);
            assertEquals(compressible + i, endpoint.next());
        }
        session.close();
        assertTrue(endpoint.errors.isEmpty(), "errors: " + endpoint.errors);
    }

    @Test
    void withoutAConfigurationPermessageDeflateIsOfferedByDefault() throws Exception {
        AnnotatedClient client = new AnnotatedClient();
        Session annotated = container.connectToServer(client, uri("ws", "127.0.0.1", plain.port(), "/echo"));
        assertEquals(List.of("permessage-deflate"), names(annotated));
        annotated.getBasicRemote().sendText("compressed");
        assertEquals("compressed", client.received.poll(10, TimeUnit.SECONDS));
        annotated.close();
        Session byClass = container.connectToServer(AnnotatedClient.class, uri("ws", "127.0.0.1", plain.port(), "/echo"));
        assertEquals(List.of("permessage-deflate"), names(byClass));
        byClass.close();
    }

    @Test
    void anExtensionThatCannotBeWrittenAsAHeaderElementIsADeploymentException() {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .extensions(List.of(ExtensionHeader.extension("two words", List.of()))).build();
        DeploymentException failure = assertThrows(DeploymentException.class, () -> container.connectToServer(
                new Collector(), config, uri("ws", "127.0.0.1", plain.port(), "/echo")));
        assertTrue(failure.getMessage().contains("two words"), failure.getMessage());
    }

    @Test
    void aClosedPortIsAnIOException() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        IOException failure = assertThrows(IOException.class, () -> container.connectToServer(new Collector(),
                ClientEndpointConfig.Builder.create().build(), uri("ws", "127.0.0.1", port, "/echo")));
        assertInstanceOf(ConnectException.class, failure);
        assertTrue(failure.getMessage().contains(String.valueOf(port)), failure.getMessage());
    }

    @Test
    void aStatusOtherThan101IsADeploymentException() {
        DeploymentException failure = assertThrows(DeploymentException.class, () -> container.connectToServer(
                new Collector(), ClientEndpointConfig.Builder.create().build(),
                uri("ws", "127.0.0.1", plain.port(), "/missing")));
        assertTrue(failure.getMessage().contains("expected status 101"), failure.getMessage());
        assertTrue(failure.getMessage().contains("404"), failure.getMessage());
    }

    @Test
    void aWrongAcceptKeyIsADeploymentException() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket socket = fake.accept()) {
                    InputStream in = socket.getInputStream();
                    byte[] buffer = new byte[4096];
                    int read = 0;
                    while (!new String(buffer, 0, read, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        read += in.read(buffer, read, buffer.length - read);
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBrZXk=\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    socket.setSoTimeout(10_000);
                    in.read(); // until the client gives up
                } catch (IOException ignored) {
                    // the client closed the connection: expected
                }
            }, "fake-server");
            server.setDaemon(true);
            server.start();
            DeploymentException failure = assertThrows(DeploymentException.class, () -> container.connectToServer(
                    new Collector(), ClientEndpointConfig.Builder.create().build(),
                    uri("ws", "127.0.0.1", fake.getLocalPort(), "/")));
            assertTrue(failure.getMessage().contains("Sec-WebSocket-Accept"), failure.getMessage());
            server.join(10_000);
        }
    }

    @Test
    void aServerThatNeverAnswersHitsTheConnectTimeout() throws Exception {
        JakartaClientContainer impatient = new JakartaClientContainer();
        impatient.setConnectTimeout(300);
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException failure = assertThrows(IOException.class, () -> impatient.connectToServer(new Collector(),
                    ClientEndpointConfig.Builder.create().build(), uri("ws", "127.0.0.1", silent.getLocalPort(), "/")));
            assertInstanceOf(java.net.SocketTimeoutException.class, failure);
        }
    }

    @Test
    void aNonWebSocketUriIsADeploymentException() {
        assertThrows(DeploymentException.class, () -> container.connectToServer(new Collector(),
                ClientEndpointConfig.Builder.create().build(), URI.create("http://127.0.0.1:1/")));
    }

    @Test
    void echoesOverWssWithHostnameVerification(@TempDir Path directory) throws Exception {
        Path keyStore = JettyPeer.selfSignedKeyStore(directory, "dns:localhost,ip:127.0.0.1");
        try (JettyPeer secure = JettyPeer.start(keyStore)) {
            Collector endpoint = new Collector();
            ClientEndpointConfig config = ClientEndpointConfig.Builder.create().sslContext(trusting(keyStore)).build();
            Session session = container.connectToServer(endpoint, config, uri("wss", "127.0.0.1", secure.port(), "/echo"));
            assertTrue(session.isSecure());
            session.getBasicRemote().sendText("over tls");
            assertEquals("over tls", endpoint.next());
            String large = "tls-".repeat(100_000);
            session.getBasicRemote().sendText(large);
            assertEquals(large, endpoint.next());
            session.close();
            assertEquals(1000, endpoint.closed().getCloseCode().getCode());
        }
    }

    @Test
    void wssRefusesACertificateForAnotherHost(@TempDir Path directory) throws Exception {
        Path keyStore = JettyPeer.selfSignedKeyStore(directory, "dns:other.example");
        try (JettyPeer secure = JettyPeer.start(keyStore)) {
            ClientEndpointConfig config = ClientEndpointConfig.Builder.create().sslContext(trusting(keyStore)).build();
            assertThrows(IOException.class, () -> container.connectToServer(new Collector(), config,
                    uri("wss", "127.0.0.1", secure.port(), "/echo")));
        }
    }

    @Test
    void containerProviderFindsFerry() {
        assertInstanceOf(JakartaClientContainer.class, ContainerProvider.getWebSocketContainer());
    }

    @Test
    void ferryThreadsNeverKeepTheJvmAlive() throws Exception {
        JakartaClientContainer fresh = new JakartaClientContainer();
        Collector endpoint = new Collector();
        Session session = fresh.connectToServer(endpoint, ClientEndpointConfig.Builder.create().build(),
                uri("ws", "127.0.0.1", plain.port(), "/echo"));
        session.getBasicRemote().sendText("x");
        endpoint.next();
        session.close();
        endpoint.closed();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("ferry-")) {
                assertTrue(thread.isDaemon(), thread.getName() + " is not a daemon thread");
            }
        }
    }

    private static SSLContext trusting(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keyStore)) {
            store.load(in, JettyPeer.PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
