package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.servlet.fixture.JdkClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ferry runs {@code onMessage} on the container thread that read the message, and servlet containers hold back a
 * connection's write callback while its read callback runs. An endpoint that sends more from one {@code onMessage}
 * than the session's send queue holds (4 MiB), in several blocking sends, must still finish against a client that
 * reads: the sends may not wait for a write callback that cannot come until they return.
 */
class LargeSendsFromOnMessageIT {

    static final int MIB = 1 << 20;

    /** On "stream N" sends N MiB through a send stream; on "parts N" N whole 1 MiB messages; then "done". */
    @ServerEndpoint("/flood")
    public static final class Flood {
        @OnMessage
        public void onMessage(String command, Session session) throws IOException {
            int mebibytes = Integer.parseInt(command.substring(command.indexOf(' ') + 1));
            if (command.startsWith("stream")) {
                try (OutputStream out = session.getBasicRemote().getSendStream()) {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < mebibytes * 16; i++) {
                        java.util.Arrays.fill(chunk, (byte) i);
                        out.write(chunk);
                    }
                }
            } else {
                for (int i = 0; i < mebibytes; i++) {
                    byte[] message = new byte[MIB];
                    java.util.Arrays.fill(message, (byte) i);
                    session.getBasicRemote().sendBinary(ByteBuffer.wrap(message));
                }
            }
            session.getBasicRemote().sendText("done");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void manyMebibytesFromOneOnMessageArrive(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(Flood.class));
            try (JdkClient client = JdkClient.connect(container.uri("ws", "/flood"))) {
                client.sendText("parts 12", true);
                for (int i = 0; i < 12; i++) {
                    byte[] message = (byte[]) client.next();
                    assertEquals(MIB, message.length, "message " + i + " on " + kind);
                    assertEquals((byte) i, message[MIB - 1]);
                }
                assertEquals("done", client.next());
                client.sendText("stream 12", true);
                byte[] streamed = (byte[]) client.next();
                assertEquals(12 * MIB, streamed.length, "the streamed message on " + kind);
                byte[] last = new byte[64 * 1024];
                java.util.Arrays.fill(last, (byte) (12 * 16 - 1));
                assertArrayEquals(last, java.util.Arrays.copyOfRange(streamed, streamed.length - last.length,
                        streamed.length));
                assertEquals("done", client.next());
                assertEquals(1000, client.close(1000, "done"));
            }
        }
    }
}
