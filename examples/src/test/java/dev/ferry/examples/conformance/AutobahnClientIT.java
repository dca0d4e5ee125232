package dev.ferry.examples.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ferry.examples.EchoEndpoint;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Ferry's client ({@code ContainerProvider.getWebSocketContainer()}) against the Autobahn|Testsuite fuzzing
 * server, the mirror of the {@code autobahn} profile's fuzzing client against {@link AutobahnServer}. For every
 * case the suite has, the client connects to {@code /runCase?case=N&agent=ferry} and echoes each text and binary
 * message whole, as the suite's own test clients do; the suite judges what went over the wire. Then
 * {@code /updateReports} writes {@code index.json}, and the test fails on any case that is not OK or
 * INFORMATIONAL.
 *
 * <p>The {@code autobahn} profile copies the suite and Jython to {@code target/autobahn} and passes these
 * system properties: {@code ferry.autobahn.jython}, {@code ferry.autobahn.suite}, {@code ferry.autobahn.script},
 * {@code ferry.autobahn.reports}. {@code -Dferry.autobahn.cases=2.*,6.4.3} runs fewer cases.
 */
class AutobahnClientIT {

    private static final String AGENT = "ferry";

    /** The slowest case (9.1.6: 16 MiB text messages, framed by Jython) takes well under a minute. */
    private static final Duration CASE_LIMIT = Duration.ofSeconds(120);

    @Test
    void ferrysClientPassesEveryFuzzingServerCase() throws Exception {
        Path reports = Path.of(property("ferry.autobahn.reports"));
        WebSocketContainer client = ContainerProvider.getWebSocketContainer();
        client.setDefaultMaxTextMessageBufferSize(EchoEndpoint.MAX_MESSAGE);
        client.setDefaultMaxBinaryMessageBufferSize(EchoEndpoint.MAX_MESSAGE);

        try (FuzzingServer server = FuzzingServer.start(Path.of(property("ferry.autobahn.jython")),
                Path.of(property("ferry.autobahn.suite")), Path.of(property("ferry.autobahn.script")), reports,
                reports.resolve("fuzzingserver.log"), System.getProperty("ferry.autobahn.cases", "*"))) {
            int count = Integer.parseInt(command(client, server.uri("/getCaseCount")).strip());
            assertTrue(count > 0, "expected a positive case count from /getCaseCount, got " + count);

            List<String> unfinished = new ArrayList<>();
            for (int n = 1; n <= count; n++) {
                Echo echo = new Echo();
                try {
                    client.connectToServer(echo, config(), server.uri("/runCase?case=" + n + "&agent=" + AGENT));
                    echo.closed.get(CASE_LIMIT.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    unfinished.add("case " + n + ": no close within " + CASE_LIMIT);
                } catch (IOException | jakarta.websocket.DeploymentException e) {
                    unfinished.add("case " + n + ": " + e);
                }
                // Waits until the suite has logged the case, so that the report holds every case.
                command(client, server.uri("/getCaseStatus?case=" + n + "&agent=" + AGENT));
            }
            command(client, server.uri("/updateReports?agent=" + AGENT));

            AutobahnReport report = AutobahnReport.read(reports.resolve("index.json"), AGENT);
            System.out.println("Autobahn|Testsuite fuzzing server against Ferry's client: " + report.summary()
                    + "\nreports: " + reports.toUri());
            assertEquals(List.of(), unfinished, "cases the client could not run to their close");
            assertEquals(count, report.cases().size(), "cases in " + reports.resolve("index.json"));
            List<AutobahnReport.Case> failures = report.failures();
            if (!failures.isEmpty()) {
                fail("expected every case OK or INFORMATIONAL, got " + report.summary() + "; not passing:\n"
                        + failures.stream().map(AutobahnReport.Case::toString).collect(Collectors.joining("\n"))
                        + "\ndetails: " + reports.toUri());
            }
        }
    }

    private static ClientEndpointConfig config() {
        return ClientEndpointConfig.Builder.create().build();
    }

    /** Connects to a command URI of the suite, returns the text it sends (or "") once it has closed. */
    private static String command(WebSocketContainer client, URI uri) throws Exception {
        Echo listener = new Echo(false);
        client.connectToServer(listener, config(), uri);
        try {
            listener.closed.get(CASE_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("expected " + uri + " to answer and close within " + CASE_LIMIT, e);
        }
        String text = listener.texts.poll();
        return text == null ? "" : text;
    }

    /**
     * Echoes every whole text and binary message (or only records texts, for the suite's commands), and
     * completes {@link #closed} when the session closes.
     */
    static final class Echo extends Endpoint {
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        private final boolean echo;

        Echo() {
            this(true);
        }

        Echo(boolean echo) {
            this.echo = echo;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                texts.add(text);
                if (echo) {
                    send(() -> session.getBasicRemote().sendText(text));
                }
            });
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> {
                if (echo) {
                    send(() -> session.getBasicRemote().sendBinary(data));
                }
            });
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closed.complete(reason);
        }

        /** The suite may close or drop the connection while a message is echoed; it judges what arrived. */
        private static void send(IoAction action) {
            try {
                action.run();
            } catch (IOException | IllegalStateException e) {
                // Nothing to do: the session is closing and onClose follows.
            }
        }

        private interface IoAction {
            void run() throws IOException;
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("expected system property " + name
                    + " (set by the autobahn profile of examples/pom.xml), got none");
        }
        return value;
    }
}
