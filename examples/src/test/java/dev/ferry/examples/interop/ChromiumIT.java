package dev.ferry.examples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.examples.ChatRoom;
import dev.ferry.examples.EchoEndpoint;
import dev.ferry.examples.EmbeddedJetty;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Headless Chromium (chromium-page.mjs, over the DevTools protocol) loading the example chat page from
 * Ferry on every container: two tabs chat through the page's form (non-ASCII text), then the page
 * echoes a 70 KiB non-ASCII text and a 100 KiB binary message through {@code /echo}. Chromium offers
 * permessage-deflate on its own; the script reports what was negotiated.
 */
class ChromiumIT {

    static final Path PAGE = Path.of(System.getProperty("basedir", "."), "src", "main", "resources")
            .resolve(EmbeddedJetty.EXAMPLE_PAGE);

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void twoTabsChatAndThePageEchoesLargeMessages(ServletContainerFixture.Kind kind) throws Exception {
        Path node = Peers.node();
        Path chromium = Peers.chromium();
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(ChatRoom.class, EchoEndpoint.class).withStaticFiles(PAGE));
            Peers.Run run = Peers.run(Duration.ofSeconds(90),
                    node, "chromium-page.mjs", container.uri("http", "/"), chromium);
            assertEquals(0, run.exitCode(), run::describe);
            assertTrue(run.stdout().contains("\"ok\":true"), run::describe);
        }
    }
}
