package dev.ferry.jakarta.server;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;

import static dev.ferry.jakarta.server.OpenConnections.deploy;

/**
 * {@code @OnMessage(maxMessageSize)} on the streamed forms, {@code Reader} and {@code InputStream}: the limit holds
 * for them too (the annotation bounds the message the method processes, whatever its parameter form), so a larger
 * message closes the session with 1009 (issue 3's API audit).
 */
class StreamedMaxMessageSizeTest {

    @RegisterExtension
    final OpenConnections connections = new OpenConnections();

    @ServerEndpoint("/limited-streams")
    public static final class LimitedStreams {
        @OnMessage(maxMessageSize = 1000)
        public String text(Reader reader) throws IOException {
            long count = 0;
            while (reader.read() >= 0) {
                count++;
            }
            return "read " + count;
        }

        @OnMessage(maxMessageSize = 2000)
        public String binary(InputStream in) throws IOException {
            return "read " + in.readAllBytes().length;
        }
    }

    @Test
    void aReaderGetsMessagesUpToTheLimitAndALargerOneClosesWith1009() throws Exception {
        Connection c = connections.open(deploy(LimitedStreams.class), "/limited-streams");
        c.client.getBasicRemote().sendText("a".repeat(1000));
        c.expectText("read 1000");
        c.client.getBasicRemote().sendText("a".repeat(100_000));
        c.expectClose(CloseReason.CloseCodes.TOO_BIG);
    }

    @Test
    void anInputStreamGetsMessagesUpToTheLimitAndALargerOneClosesWith1009() throws Exception {
        Connection c = connections.open(deploy(LimitedStreams.class), "/limited-streams");
        c.client.getBasicRemote().sendBinary(ByteBuffer.allocate(2000));
        c.expectText("read 2000");
        c.client.getBasicRemote().sendBinary(ByteBuffer.allocate(100_000));
        c.expectClose(CloseReason.CloseCodes.TOO_BIG);
    }
}
