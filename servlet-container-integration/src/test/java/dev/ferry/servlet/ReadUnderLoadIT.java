package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.servlet.fixture.JdkClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many text messages of 1- to 4-byte UTF-8 characters, pipelined by the JDK client and echoed on every container:
 * read boundaries fall inside characters, and the server keeps reading while it writes the echoes. Bytes read on a
 * thread racing with the container's own read dispatch (Tomcat's upgraded input once was) show up here as a 1007
 * or a wrong echo. Bounded: a seeded source, 300 messages, the client's 30 s safety limit per wait.
 */
class ReadUnderLoadIT {

    private static final int MESSAGES = 300;
    private static final String[] CHARACTERS = {"a", "\u00e9", "\u20ac", "\uD83D\uDE00", " ", "\u65e5"};

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void pipelinedMultiByteTextEchoesIntact(ServletContainerFixture.Kind kind) throws Exception {
        Random random = new Random(6455);
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Echo.class));
            try (JdkClient client = JdkClient.connect(container.uri("ws", "/echo"))) {
                List<String> sent = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    // at most 16,000 characters of up to 4 bytes: under the server's default 64 KiB of UTF-8
                    String text = text(random, 1 + random.nextInt(i % 10 == 0 ? 16_000 : 3_000));
                    sent.add(text);
                    client.sendText(text, true);
                }
                for (int i = 0; i < MESSAGES; i++) {
                    Object echoed = client.next();
                    assertEquals(sent.get(i), echoed, "echo of message " + i + " on " + kind);
                }
                assertEquals(1000, client.close(1000, "done"));
            }
        }
    }

    private static String text(Random random, int characters) {
        StringBuilder text = new StringBuilder(characters * 2);
        for (int i = 0; i < characters; i++) {
            text.append(CHARACTERS[random.nextInt(CHARACTERS.length)]);
        }
        return text.toString();
    }
}
