package dev.ferry.examples;

import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/**
 * Sends every text and binary message back to its sender, whole. Messages up to {@link #MAX_MESSAGE}
 * bytes are accepted (the Autobahn|Testsuite sends up to 16 MiB); larger ones close the session with
 * 1009 (RFC 6455 §7.4.1).
 *
 * <p>Thread contract: one instance per connection; the container delivers its messages one at a time.
 */
@ServerEndpoint("/echo")
public class EchoEndpoint {

    /** The largest message echoed: 16 MiB plus room for the suite's framing tests. */
    public static final int MAX_MESSAGE = 20 * 1024 * 1024;

    @OnOpen
    public void open(Session session) {
        session.setMaxTextMessageBufferSize(MAX_MESSAGE);
        session.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public String echoText(String text) {
        return text;
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public ByteBuffer echoBinary(ByteBuffer data) {
        return data;
    }
}
