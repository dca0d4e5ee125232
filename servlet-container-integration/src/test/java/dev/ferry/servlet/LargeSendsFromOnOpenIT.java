package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.servlet.fixture.RawClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On Jetty the session opens inside {@code HttpUpgradeHandler.init} ({@link ContainerTraits#opensInInit}), and Jetty
 * calls back when the connection is writable again only after {@code init} returns; on Tomcat it opens on Ferry's
 * executor. Either way an {@code onOpen} that sends more than the socket takes at once, and more than the session's
 * send queue holds (4 MiB), in blocking sends, must finish, every byte in order, and its last small message must not
 * wait for a read.
 *
 * <p>The client is {@link RawClient}, which reads the connection byte for byte: the JDK's {@code java.net.http}
 * client can lose bytes that a server sends right behind its 101 response while it hands the connection over to its
 * WebSocket (seen here on a busy machine: 32 KiB missing from the 16,384th byte of the connection on, whole reads
 * of its 16 KiB buffers, while the server had written them all in order), so it is no witness for a server that
 * starts sending at once.
 */
class LargeSendsFromOnOpenIT {

    static final int MIB = 1 << 20;
    static final int MESSAGES = 6;

    /**
     * Message {@code index}: every byte tells its place in the stream of messages, in runs of a prime length, so a
     * lost, repeated or misplaced run of the stream changes what arrives.
     */
    static byte[] message(int index) {
        byte[] message = new byte[MIB];
        for (int i = 0; i < MIB; i++) {
            message[i] = (byte) (((long) index * MIB + i) / 4093);
        }
        return message;
    }

    /** Sends {@link #MESSAGES} whole 1 MiB messages and then "done on " and its thread's name from {@code onOpen}. */
    @ServerEndpoint("/greeting")
    public static final class LargeGreeting {
        @OnOpen
        public void onOpen(Session session) throws IOException {
            for (int i = 0; i < MESSAGES; i++) {
                session.getBasicRemote().sendBinary(ByteBuffer.wrap(message(i)));
            }
            session.getBasicRemote().sendText("done on " + Thread.currentThread().getName());
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void mebibytesSentFromOnOpenArrive(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(LargeGreeting.class));
            try (RawClient client = RawClient.connect(container.port())) {
                client.write(RawClient.upgradeRequest("/greeting"));
                assertEquals(101, client.readResponse().status(), "the upgrade on " + kind);
                for (int i = 0; i < MESSAGES; i++) {
                    RawClient.Frame frame = client.readFrame();
                    assertEquals(2, frame.opcode(), "message " + i + " on " + kind + " is one binary frame");
                    assertTrue(frame.fin(), "message " + i + " on " + kind + " is one binary frame");
                    assertArrayEquals(message(i), frame.payload(), "message " + i + " on " + kind);
                }
                RawClient.Frame done = client.readFrame();
                assertEquals(1, done.opcode(), "the last message on " + kind + " is text");
                assertTrue(done.text().startsWith("done on "), done.text());
                // Ferry's own threads are called ferry-*; Jetty's are its container's.
                assertEquals(kind == ServletContainerFixture.Kind.TOMCAT, done.text().startsWith("done on ferry-"),
                        "onOpen on " + kind + " ran " + done.text());
                client.write(RawClient.frame(8, true, new byte[] {0x03, (byte) 0xe8}));
                RawClient.Frame close = client.readFrame();
                assertEquals(8, close.opcode(), "the server's answer to our Close on " + kind);
                assertEquals(1000, ((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff));
            }
        }
    }
}
