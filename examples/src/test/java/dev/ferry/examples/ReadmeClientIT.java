package dev.ferry.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.jakarta.client.JakartaClientContainer;
import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's Jakarta client, as written there, against the launcher's echo endpoint. */
class ReadmeClientIT {

    @ClientEndpoint
    public static class Printer {
        static final CountDownLatch ECHOED = new CountDownLatch(1);
        static final List<String> SEEN = new CopyOnWriteArrayList<>();
        static final CountDownLatch CLOSED = new CountDownLatch(1);
        static volatile CloseReason closeReason;

        @OnMessage
        public void print(String message) {
            SEEN.add(message);
            ECHOED.countDown();
        }

        @OnClose
        public void closed(CloseReason reason) {
            closeReason = reason;
            CLOSED.countDown();
        }
    }

    @Test
    void theReadmeClientGetsItsEchoAndClosesNormally() throws Exception {
        try (EmbeddedJetty server = Launcher.start(LauncherOptions.parse("--port", "0"))) {
            URI echo = server.uri("ws", "/echo");

            WebSocketContainer container = ContainerProvider.getWebSocketContainer();
            assertTrue(container instanceof JakartaClientContainer, "found " + container.getClass());
            try (Session session = container.connectToServer(Printer.class, echo)) {
                session.getBasicRemote().sendText("hello");
                assertTrue(Printer.ECHOED.await(5, TimeUnit.SECONDS), "no echo within 5 s");
            }

            assertEquals(List.of("hello"), Printer.SEEN);
            assertTrue(Printer.CLOSED.await(5, TimeUnit.SECONDS), "no onClose within 5 s");
            assertEquals(CloseReason.CloseCodes.NORMAL_CLOSURE, Printer.closeReason.getCloseCode());
        }
    }
}
