package dev.ferry.examples.conformance;

import dev.ferry.examples.EmbeddedJetty;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The server the Autobahn|Testsuite fuzzing client attacks in the {@code autobahn} profile: Ferry on
 * embedded Jetty echoing at {@code /}. The Maven plugin calls {@link #main} with the port as its only
 * argument and connects to the local host's address, so the server binds that address, and only when it is a
 * loopback address: our servers never listen beyond this machine's loopback.
 */
public final class AutobahnServer {

    private AutobahnServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        InetAddress local = InetAddress.getLocalHost();
        if (!local.isLoopbackAddress()) {
            throw new IllegalStateException("the fuzzing client connects to this host's address, " + local
                    + ", which is not a loopback address; map the host name to 127.0.0.1 (/etc/hosts) to run it");
        }
        String host = local.getHostAddress();
        EmbeddedJetty server = EmbeddedJetty.serveClasses(
                host, port, List.of(Echo.class), AutobahnServer.class.getClassLoader(), false);
        System.out.println("Autobahn echo server on " + server.uri("ws", "/"));
    }

    /** Echoes whole messages of up to 20 MiB, like the example echo endpoint, at the root path. */
    @ServerEndpoint("/")
    public static final class Echo {

        private static final int MAX = dev.ferry.examples.EchoEndpoint.MAX_MESSAGE;

        @OnOpen
        public void open(Session session) {
            session.setMaxTextMessageBufferSize(MAX);
            session.setMaxBinaryMessageBufferSize(MAX);
        }

        @OnMessage(maxMessageSize = MAX)
        public String echoText(String text) {
            return text;
        }

        @OnMessage(maxMessageSize = MAX)
        public ByteBuffer echoBinary(ByteBuffer data) {
            return data;
        }
    }
}
