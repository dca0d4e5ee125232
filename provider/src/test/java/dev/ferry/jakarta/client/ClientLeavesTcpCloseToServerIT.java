package dev.ferry.jakarta.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.transport.NioTransport;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * After the close handshake Ferry's client leaves the TCP close to the server (RFC 6455 §5.5.1, §7.1.1): it does not
 * close its socket until the server's EOF arrives or {@link NioTransport#LINGER} passes, while the session's
 * onClose does not wait for either. The server here is a raw socket that does the opening handshake by hand.
 */
class ClientLeavesTcpCloseToServerIT {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455 §1.3

    private ServerSocket listener;
    private JakartaClientContainer container;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        listener.setSoTimeout(10_000);
        container = new JakartaClientContainer();
        container.setConnectTimeout(10_000);
    }

    @AfterEach
    void stop() throws IOException {
        listener.close();
    }

    static final class Closes extends Endpoint {
        final BlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();
        volatile Session session;

        @Override
        public void onOpen(Session session, EndpointConfig config) {
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closes.add(reason);
        }
    }

    @Test
    void theClientWaitsForTheServersEofAfterTheCloseHandshake() throws Exception {
        try (Socket server = closeHandshakeThenKeepTcpOpen()) {
            // The server half-closes: its FIN reaches the client, which then closes its end.
            server.shutdownOutput();
            server.setSoTimeout(10_000);
            assertEquals(-1, server.getInputStream().read(), "the client closes once the server's EOF arrives");
        }
    }

    @Test
    void theClientClosesByItselfAfterTheLingerWhenTheServerNeverCloses() throws Exception {
        try (Socket server = closeHandshakeThenKeepTcpOpen()) {
            server.setSoTimeout((int) NioTransport.LINGER.plusSeconds(5).toMillis());
            assertEquals(-1, server.getInputStream().read(), "the client closes after the linger bound");
        }
    }

    @Test
    void afterFailingTheConnectionTheClientAlsoLeavesTheTcpCloseToTheServer() throws Exception {
        Closes endpoint = new Closes();
        try (Socket server = open(endpoint)) {
            InputStream in = server.getInputStream();
            server.getOutputStream().write(new byte[] {(byte) 0x83, 0x00}); // reserved opcode 3 (RFC 6455 §5.2)
            server.getOutputStream().flush();
            assertEquals(0x88, in.read(), "the client fails the connection with a Close");
            int length = in.read() & 0x7F;
            byte[] rest = in.readNBytes(4 + length);
            assertEquals(4 + length, rest.length);
            CloseReason reason = endpoint.closes.poll(10, TimeUnit.SECONDS);
            assertNotNull(reason, "onClose does not wait for TCP");
            assertEquals(1002, reason.getCloseCode().getCode());
            server.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, in::read, "the client has not closed TCP after its Close");
            server.shutdownOutput();
            server.setSoTimeout(10_000);
            assertEquals(-1, in.read(), "the client closes once the server's EOF arrives");
        }
    }

    /**
     * Opens a session, closes it from the client, answers its Close, and checks that the session saw onClose while
     * the client's TCP end stays open. Returns the server's socket, still open.
     */
    private Socket closeHandshakeThenKeepTcpOpen() throws Exception {
        Closes endpoint = new Closes();
        Socket server = open(endpoint);
        InputStream in = server.getInputStream();
        endpoint.session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "done"));
        assertEquals(0x88, in.read(), "a final Close frame");
        int length = in.read() & 0x7F;
        byte[] rest = in.readNBytes(4 + length); // mask and payload (a short Close)
        assertEquals(4 + length, rest.length);
        server.getOutputStream().write(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xE8}); // Close 1000
        server.getOutputStream().flush();

        CloseReason reason = endpoint.closes.poll(10, TimeUnit.SECONDS);
        assertNotNull(reason, "onClose comes once the close handshake is done, without waiting for TCP");
        assertEquals(1000, reason.getCloseCode().getCode());

        server.setSoTimeout(300);
        assertThrows(SocketTimeoutException.class, in::read,
                "the client has not closed TCP: the server closes first (RFC 6455 §5.5.1)");
        return server;
    }

    /** Connects {@code endpoint} to the raw server; returns the server's end of the upgraded connection. */
    private Socket open(Closes endpoint) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/linger");
        Socket[] accepted = new Socket[1];
        Thread acceptor = new Thread(() -> {
            try {
                accepted[0] = acceptUpgrade();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        acceptor.start();
        endpoint.session = container.connectToServer(endpoint, ClientEndpointConfig.Builder.create().build(), uri);
        acceptor.join(10_000);
        Socket server = accepted[0];
        assertNotNull(server, "the raw server accepted the upgrade");
        server.setSoTimeout(10_000);
        return server;
    }

    private Socket acceptUpgrade() throws IOException {
        Socket socket = listener.accept();
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("expected an upgrade request, got EOF after " + head);
            }
            head.write(b);
        }
        Matcher key = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$")
                .matcher(head.toString(StandardCharsets.ISO_8859_1));
        if (!key.find()) {
            throw new IOException("expected Sec-WebSocket-Key in " + head);
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key.group(1) + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }
}
