package dev.ferry.examples.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.examples.EchoEndpoint;
import dev.ferry.servlet.fixture.JdkClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The JDK's {@code java.net.http.WebSocket} client against Ferry's echo endpoint on every container. */
class JdkClientIT {

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void echoesTextAndBinaryWholeAndFragmented(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(EchoEndpoint.class));
            try (JdkClient client = JdkClient.connect(container.uri("ws", "/echo"))) {
                for (String text : new String[] {"hello", "", "héllo wörld ✓ 😀 日本語",
                        Messages.mixedText(70 * 1024), Messages.mixedText(1024 * 1024)}) {
                    client.sendText(text, true);
                    assertEquals(text, client.next());
                }
                for (int length : new int[] {0, 125, 126, 127, 65535, 65536, 1024 * 1024}) {
                    byte[] bytes = Messages.patternBytes(length);
                    client.sendBinary(bytes, true);
                    assertArrayEquals(bytes, (byte[]) client.next(), "binary of " + length + " bytes");
                }
                String first = Messages.mixedText(5000);
                String second = Messages.mixedText(80_000);
                client.sendText(first, false);
                client.sendText(second, true);
                assertEquals(first + second, client.next());

                assertEquals(1000, client.close(1000, "bye"));
            }
        }
    }
}
