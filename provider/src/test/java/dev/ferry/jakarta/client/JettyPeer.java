package dev.ferry.jakarta.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * An independent WebSocket server for the client's tests: embedded Jetty 12 with its native WebSocket API,
 * bound to 127.0.0.1 on a free port, plain or TLS.
 *
 * <ul>
 *   <li>{@code /echo}: echoes text and binary messages; the text "close-me" makes it close with 4001 "bye".</li>
 *   <li>{@code /protocol}: accepts the subprotocol "chat" when offered and replies with the accepted one.</li>
 * </ul>
 */
final class JettyPeer implements AutoCloseable {

    static final String PASSWORD = "changeit";

    private final Server server;
    private final ServerConnector connector;

    private JettyPeer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** A plain server. */
    static JettyPeer start() throws Exception {
        return start(null);
    }

    /** A TLS server using the key in {@code keyStore} (PKCS12, password {@value #PASSWORD}); null for plain. */
    static JettyPeer start(Path keyStore) throws Exception {
        Server server = new Server();
        ServerConnector connector;
        if (keyStore == null) {
            connector = new ServerConnector(server);
        } else {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keyStore.toString());
            tls.setKeyStorePassword(PASSWORD);
            tls.setKeyStoreType("PKCS12");
            tls.setSniRequired(false);
            connector = new ServerConnector(server, tls);
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setIdleTimeout(Duration.ofSeconds(30));
            container.setMaxTextMessageSize(16 << 20);
            container.setMaxBinaryMessageSize(16 << 20);
            container.addMapping("/echo", (request, response, callback) -> new Echo());
            container.addMapping("/protocol", (request, response, callback) -> {
                if (request.hasSubProtocol("chat")) {
                    response.setAcceptedSubProtocol("chat");
                }
                return new Echo();
            });
        });
        context.setHandler(upgrade);
        server.setHandler(context);
        server.start();
        return new JettyPeer(server, connector);
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Echoes every message back. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session opened) {
            session = opened;
        }

        @Override
        public void onWebSocketText(String message) {
            if (message.equals("close-me")) {
                session.close(4001, "bye", Callback.NOOP);
            } else if (message.equals("protocol?")) {
                session.sendText("protocol=" + session.getUpgradeResponse().getAcceptedSubProtocol(), Callback.NOOP);
            } else {
                session.sendText(message, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }
    }

    /**
     * A fresh PKCS12 key store holding a self-signed EC key for {@code subjectAlternativeNames} (keytool syntax, for
     * example {@code dns:localhost}), made with the JDK's {@code keytool}.
     */
    static Path selfSignedKeyStore(Path directory, String subjectAlternativeNames) throws IOException,
            InterruptedException {
        Path store = Files.createTempFile(directory, "peer", ".p12");
        Files.delete(store);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "peer",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "SAN=" + subjectAlternativeNames, "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        return store;
    }
}
