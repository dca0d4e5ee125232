package dev.ferry.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.servlet.fixture.JdkClient;
import dev.ferry.servlet.fixture.RawClient;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as a person uses it: the page, the chat between two members, the echo endpoint. */
class LauncherIT {

    @Test
    void servesThePageTheChatAndTheEcho() throws Exception {
        try (EmbeddedJetty server = Launcher.start(LauncherOptions.parse("--port", "0"))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.uri("http", "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>Ferry chat</title>"), page.body());
            HttpResponse<String> script = http.send(HttpRequest.newBuilder(server.uri("http", "/chat.js")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, script.statusCode());

            try (JdkClient ann = JdkClient.connect(server.uri("ws", "/chat"))) {
                assertEquals("* someone joined; 1 here", ann.next());
                try (JdkClient bob = JdkClient.connect(server.uri("ws", "/chat"))) {
                    assertEquals("* someone joined; 2 here", ann.next());
                    assertEquals("* someone joined; 2 here", bob.next());
                    ann.sendText("ann: grüß dich ✓", true);
                    assertEquals("ann: grüß dich ✓", ann.next());
                    assertEquals("ann: grüß dich ✓", bob.next());
                    assertEquals(1000, bob.close(1000, "bye"));
                }
                assertEquals("* someone left", ann.next());
            }

            try (JdkClient echo = JdkClient.connect(server.uri("ws", "/echo"))) {
                echo.sendText("ping ✓", true);
                assertEquals("ping ✓", echo.next());
            }
        }
    }

    @Test
    void servesAWarWhoseEndpointsTheContainerFinds(@TempDir Path war) throws Exception {
        Path classes = war.resolve("WEB-INF/classes/dev/ferry/examples");
        Files.createDirectories(classes);
        try (InputStream compiled = WarShout.class.getResourceAsStream("WarShout.class")) {
            Files.copy(compiled, classes.resolve("WarShout.class"));
        }
        Files.writeString(war.resolve("index.html"), "<p>war</p>");
        try (EmbeddedJetty server = Launcher.start(LauncherOptions.parse("--port", "0", "--war", war.toString()))) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.uri("http", "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("<p>war</p>", page.body());
            try (JdkClient client = JdkClient.connect(server.uri("ws", "/shout"))) {
                client.sendText("ahoy", true);
                assertEquals("AHOY", client.next());
            }
        }
    }

    @Test
    void servesTheUsersEndpointClassesInsteadOfTheExamples() throws Exception {
        try (EmbeddedJetty server = Launcher.start(
                LauncherOptions.parse("--port", "0", "--endpoint", WarShout.class.getName()))) {
            try (JdkClient client = JdkClient.connect(server.uri("ws", "/shout"))) {
                client.sendText("ahoy", true);
                assertEquals("AHOY", client.next());
            }
            try (RawClient raw = RawClient.connect(server.port())) {
                raw.write(RawClient.upgradeRequest("/echo"));
                assertEquals(404, raw.readResponse().status(), "the examples are not served");
            }
        }
    }

    @Test
    void anEndpointClassThatIsNotThereIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Launcher.start(LauncherOptions.parse("--port", "0", "--endpoint", "com.example.Missing")));
        assertTrue(e.getMessage().startsWith("expected --endpoint com.example.Missing on the class path"),
                e.getMessage());
    }
}
