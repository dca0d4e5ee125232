package dev.ferry.benchmarks.load;

import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The one echo endpoint every server of the load run serves: each text or binary message goes straight
 * back through the session's basic remote. Messages up to {@value #MAX_MESSAGE} bytes are accepted (the
 * containers' defaults are 8 KiB to 64 KiB, too small for the 1 MiB row).
 */
@ServerEndpoint("/echo")
public class EchoEndpoint {

    static final int MAX_MESSAGE = 2 << 20;

    @OnOpen
    public void onOpen(Session session) {
        session.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
        session.setMaxTextMessageBufferSize(MAX_MESSAGE);
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public void onBinary(ByteBuffer message, Session session) throws IOException {
        session.getBasicRemote().sendBinary(message);
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public void onText(String message, Session session) throws IOException {
        session.getBasicRemote().sendText(message);
    }
}
