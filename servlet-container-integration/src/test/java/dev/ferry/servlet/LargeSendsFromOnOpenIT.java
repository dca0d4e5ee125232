package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.servlet.fixture.JdkClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On Jetty the session opens inside {@code HttpUpgradeHandler.init} ({@link UpgradeHandler#opensInInit}), and Jetty
 * calls back when the connection is writable again only after {@code init} returns; on Tomcat it opens on Ferry's
 * executor. Either way an {@code onOpen} that sends more than the socket takes at once, and more than the session's
 * send queue holds (4 MiB), in blocking sends, must finish, and its last small message must not wait for a read.
 */
class LargeSendsFromOnOpenIT {

    static final int MIB = 1 << 20;
    static final int MESSAGES = 6;

    /** Sends {@link #MESSAGES} whole 1 MiB messages and then "done on " and its thread's name from {@code onOpen}. */
    @ServerEndpoint("/greeting")
    public static final class LargeGreeting {
        @OnOpen
        public void onOpen(Session session) throws IOException {
            for (int i = 0; i < MESSAGES; i++) {
                byte[] message = new byte[MIB];
                Arrays.fill(message, (byte) i);
                session.getBasicRemote().sendBinary(ByteBuffer.wrap(message));
            }
            session.getBasicRemote().sendText("done on " + Thread.currentThread().getName());
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void mebibytesSentFromOnOpenArrive(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(LargeGreeting.class));
            try (JdkClient client = JdkClient.connect(container.uri("ws", "/greeting"))) {
                for (int i = 0; i < MESSAGES; i++) {
                    byte[] message = (byte[]) client.next();
                    assertEquals(MIB, message.length, "message " + i + " on " + kind);
                    assertEquals((byte) i, message[0]);
                    assertEquals((byte) i, message[MIB - 1]);
                }
                String done = (String) client.next();
                assertTrue(done.startsWith("done on "), done);
                // Ferry's own threads are called ferry-*; Jetty's are its container's.
                assertEquals(kind == ServletContainerFixture.Kind.TOMCAT, done.startsWith("done on ferry-"),
                        "onOpen on " + kind + " ran " + done);
                assertEquals(1000, client.close(1000, "done"));
            }
        }
    }
}
