package dev.ferry.jakarta.server;

import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.protocol.extension.PerMessageDeflate;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.transport.MemoryTransport;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.ferry.jakarta.server.OpenConnections.serverOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ServerContainer} and {@code WebSocketContainer} methods the other server tests leave out (issue 3's
 * API audit): {@code getOpenSessions} per endpoint, {@code getInstalledExtensions}, {@code upgradeHttpToWebSocket}
 * without a bridge, and {@code connectToServer} on a server container.
 */
class ServerContainerApiTest {

    @RegisterExtension
    final OpenConnections connections = new OpenConnections();

    static final BlockingQueue<String> CLOSING = new LinkedBlockingQueue<>();

    /** Answers "count" with the number of open sessions of its endpoint; reports what onClose sees. */
    @ServerEndpoint("/room/{id}")
    public static final class Room {
        @OnMessage
        public String count(String text, Session session) {
            return session.getOpenSessions().size() + " " + session.getOpenSessions().contains(session);
        }

        @OnClose
        public void close(Session session) {
            CLOSING.add("lists itself: " + session.getOpenSessions().contains(session));
        }
    }

    @ServerEndpoint("/lobby")
    public static final class Lobby {
        @OnMessage
        public String count(String text, Session session) {
            return String.valueOf(session.getOpenSessions().size());
        }
    }

    @Test
    void getOpenSessionsListsTheOpenSessionsOfTheSameEndpointOnly() throws Exception {
        JakartaServerContainer container = serverOnly(new InstalledExtensions());
        container.addEndpoint(Room.class);
        container.addEndpoint(Lobby.class);
        CLOSING.clear();
        Connection one = connections.open(container, "/room/1");
        Connection two = connections.open(container, "/room/2"); // another path, the same endpoint
        Connection lobby = connections.open(container, "/lobby");
        one.client.getBasicRemote().sendText("count");
        one.expectText("2 true");
        lobby.client.getBasicRemote().sendText("count");
        lobby.expectText("1");

        two.client.close();
        two.expectClose(CloseReason.CloseCodes.NORMAL_CLOSURE);
        assertEquals("lists itself: false", CLOSING.poll(Connection.TIMEOUT_SECONDS, TimeUnit.SECONDS),
                "a session in onClose is no longer open (isOpen is false) and is not listed");
        one.client.getBasicRemote().sendText("count");
        one.expectText("1 true");
    }

    @Test
    void sessionIdsDifferAcrossSessionsAndContainers() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int c = 0; c < 2; c++) {
            JakartaServerContainer container = serverOnly(new InstalledExtensions());
            container.addEndpoint(Lobby.class);
            for (int i = 0; i < 3; i++) {
                Connection connection = connections.open(container, "/lobby");
                String id = connection.server.getId();
                assertTrue(ids.add(id), "id " + id + " handed out twice; already: " + ids);
                connection.client.close();
                connection.expectClose(CloseReason.CloseCodes.NORMAL_CLOSURE);
                assertEquals(id, connection.server.getId(), "a closed session keeps its id");
            }
        }
        assertEquals(6, ids.size());
    }

    @Test
    void getInstalledExtensionsReportsWhatTheContainerCanRun() {
        InstalledExtensions installed = new InstalledExtensions();
        installed.install(PerMessageDeflate.defaults());
        installed.install(InstalledExtensions.noOp("x-test"));
        Set<String> names = serverOnly(installed).getInstalledExtensions().stream().map(Extension::getName)
                .collect(Collectors.toSet());
        assertEquals(Set.of("permessage-deflate", "x-test"), names);
        assertTrue(new JakartaServerContainer().getInstalledExtensions().stream()
                .anyMatch(e -> e.getName().equals("permessage-deflate")), "the default container runs deflate");
    }

    public static final class Quiet extends Endpoint {
        @Override
        public void onOpen(Session session, jakarta.websocket.EndpointConfig config) {
        }
    }

    @Test
    void upgradeHttpToWebSocketWithoutABridgeIsAnIllegalState() {
        JakartaServerContainer container = serverOnly(new InstalledExtensions());
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Quiet.class, "/quiet").build();
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> container.upgradeHttpToWebSocket(new Object(), new Object(), config, Map.of()));
        assertTrue(failure.getMessage().contains("UpgradeBridge"), failure.getMessage());
    }

    @Test
    void connectToServerGoesToOneClientContainerMadeOnFirstUse() throws Exception {
        BlockingQueue<String> calls = new LinkedBlockingQueue<>();
        AtomicInteger made = new AtomicInteger();
        WebSocketContainer fake = (WebSocketContainer) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WebSocketContainer.class}, (proxy, method, args) -> {
                    calls.add(method.getName() + " " + args[args.length - 1]);
                    return null;
                });
        JakartaServerContainer container = new JakartaServerContainer(new InstalledExtensions(), () -> {
            made.incrementAndGet();
            return fake;
        });
        assertEquals(0, made.get(), "no client container until one is needed");
        URI uri = URI.create("ws://127.0.0.1:1/x");
        container.connectToServer(new Object(), uri);
        container.connectToServer(Object.class, uri);
        container.connectToServer(new Quiet(), ClientEndpointConfig.Builder.create().build(), uri);
        container.connectToServer(Quiet.class, ClientEndpointConfig.Builder.create().build(), uri);
        assertEquals(1, made.get());
        for (int i = 0; i < 4; i++) {
            String call = calls.poll();
            assertNotNull(call);
            assertEquals("connectToServer " + uri, call);
        }
    }

    @ServerEndpoint("/secure")
    public static final class Secure {
        @OnMessage
        public void text(String text) {
        }
    }

    @Test
    void aSessionIsSecureExactlyWhenItsUpgradeRequestCameOverTls() throws Exception {
        assertTrue(openedSecure(true));
        assertFalse(openedSecure(false));
    }

    /** Upgrades a request (over TLS or not) and reports the opened server session's {@code isSecure()}. */
    private static boolean openedSecure(boolean secure) throws DeploymentException {
        JakartaServerContainer container = serverOnly(new InstalledExtensions());
        container.addEndpoint(Secure.class);
        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.defaults());
        List<HttpHeader> headers = new ArrayList<>(List.of(new HttpHeader("Host", "localhost")));
        headers.addAll(client.beginClientHandshake(List.of(), List.of(), List.of()));
        UpgradeResult result = container.upgrade(UpgradeRequest.get(URI.create("/secure")).headers(headers)
                .secure(secure).build());
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class, result, result::toString);
        ExecutorService callbacks = Executors.newSingleThreadExecutor();
        try {
            return accepted.open(MemoryTransport.pair(callbacks, 1 << 16).server()).isSecure();
        } finally {
            container.shutdown();
            callbacks.shutdownNow();
            client.close();
        }
    }
}
