package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ferry.servlet.fixture.RawClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An application's stop leaves none of the threads Ferry made for it running (its session callbacks, timers and
 * readiness threads), even with sessions open whose peers never answer the 1001 Close: Tomcat reports any such
 * thread as a likely memory leak, and on a redeploy they would pin the old application's classes. The stop waits at
 * most {@link WebSocketInitializer#STOP_GRACE} for the close handshakes.
 */
class ApplicationStopIT {

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void stoppingTheApplicationLeavesNoFerryThreadRunning(ServletContainerFixture.Kind kind) throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        List<RawClient> clients = new ArrayList<>();
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(IdleLimited.class));
            for (int i = 0; i < 3; i++) {
                RawClient client = RawClient.connect(container.port());
                clients.add(client);
                client.write(RawClient.upgradeRequest("/idle-limited"));
                assertEquals(101, client.readResponse().status());
                client.write(RawClient.frame(0x1, true, ("hello " + i).getBytes(StandardCharsets.UTF_8)));
                assertEquals("hello " + i, client.readFrame().text());
            }
            assertFalse(ferryThreadsSince(before).isEmpty(), "the sessions' timers run on a thread Ferry made");
        } finally {
            for (RawClient client : clients) {
                client.drop(false);
            }
        }
        assertEquals(List.of(), ferryThreadsSince(before), "Ferry threads still running after the stop on " + kind);
    }

    /**
     * Echoes text, with an idle timeout, so each session has a timer armed on Ferry's timer thread (on Jetty a
     * session opens on the container's thread, so without a timer no Ferry thread need run).
     */
    @ServerEndpoint("/idle-limited")
    public static final class IdleLimited {
        @OnOpen
        public void open(Session session) {
            session.setMaxIdleTimeout(60_000);
        }

        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    private static List<String> ferryThreadsSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !before.contains(thread) && thread.getName().startsWith("ferry-"))
                .map(Thread::getName)
                .sorted()
                .toList();
    }
}
