package dev.ferry.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.servlet.fixture.RawClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded server's connector: its selector accepts connections, with no acceptor thread of its own. */
class EmbeddedJettyIT {

    private static final int CONNECTIONS = 48;

    @Test
    void theSelectorAcceptsABurstOfConnectionsWithNoAcceptorThread() throws Exception {
        try (EmbeddedJetty server = EmbeddedJetty.serveClasses("127.0.0.1", 0, List.of(EchoEndpoint.class),
                EmbeddedJettyIT.class.getClassLoader(), false)) {
            assertEquals(0, server.acceptorThreads());
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) { // every connection is pending before any is served
                    clients.add(RawClient.connect(server.port()));
                }
                for (RawClient client : clients) {
                    client.write(RawClient.upgradeRequest("/echo"));
                }
                for (int i = 0; i < CONNECTIONS; i++) {
                    RawClient client = clients.get(i);
                    assertEquals(101, client.readResponse().status(), "connection " + i);
                    byte[] text = ("echo " + i).getBytes(StandardCharsets.UTF_8);
                    client.write(RawClient.frame(0x1, true, text));
                    RawClient.Frame echoed = client.readFrame();
                    assertEquals(0x1, echoed.opcode(), "connection " + i);
                    assertArrayEquals(text, echoed.payload(), "connection " + i);
                    client.write(RawClient.frame(0x8, true, new byte[] {0x03, (byte) 0xE8}));
                    RawClient.Frame close = client.readFrame();
                    assertEquals(0x8, close.opcode(), "connection " + i);
                    assertArrayEquals(new byte[] {0x03, (byte) 0xE8}, close.payload(), "connection " + i);
                    // RFC 6455 §7.1.1: after the closing handshake the server closes the TCP connection first
                    assertTrue(client.awaitEndOfStream(), "connection " + i + " still open after the close");
                }
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
        }
    }
}
