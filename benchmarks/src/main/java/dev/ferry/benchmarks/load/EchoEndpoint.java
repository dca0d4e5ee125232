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
    /**
     * For diagnosis only (0 in every recorded run): nanoseconds of busy work before each binary echo, set in the server's
     * JVM with {@code -Dload.serverOptions=-Dload.echoWorkNanos=N}, to see how a server's one-connection figures depend
     * on the work each round trip costs it. A plain loop on the clock, no {@code Thread.onSpinWait()}: a PAUSE loop
     * can make the hypervisor take the vCPU away.
     */
    private static final long WORK_NANOS = Long.getLong("load.echoWorkNanos", 0);
    /** Written by the busy work, so that the loop is not optimised away. */
    private static volatile long worked;

    @OnOpen
    public void onOpen(Session session) {
        session.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
        session.setMaxTextMessageBufferSize(MAX_MESSAGE);
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public void onBinary(ByteBuffer message, Session session) throws IOException {
        if (WORK_NANOS > 0) {
            long end = System.nanoTime() + WORK_NANOS;
            while (System.nanoTime() < end) {
                worked++;
            }
        }
        session.getBasicRemote().sendBinary(message);
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public void onText(String message, Session session) throws IOException {
        session.getBasicRemote().sendText(message);
    }
}
