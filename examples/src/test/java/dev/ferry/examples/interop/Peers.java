package dev.ferry.examples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.examples.EchoEndpoint;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Finds the real peers (Node with the {@code ws} package, Python with {@code websockets}, Chromium) and
 * runs them as child processes with a bounded time. {@code .ci/install-peers} installs them.
 *
 * <p>A missing peer skips its test on a developer's machine and fails it in CI (environment variable
 * {@code CI=true}): CI must never pass by not running the interop suite.
 */
final class Peers {

    private Peers() {
    }

    /** The folder with the peer scripts and their {@code node_modules}. */
    static Path scripts() {
        String configured = System.getProperty("ferry.peers.dir");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("basedir", "."), "src", "test", "peers");
    }

    /** Node.js, with the {@code ws} package installed next to the scripts. */
    static Path node() {
        Optional<Path> node = onPath("node");
        require("Node.js (Debian package nodejs)", node.isPresent());
        require("the ws package (npm ci in " + scripts() + ")",
                Files.isDirectory(scripts().resolve("node_modules").resolve("ws")));
        return node.get();
    }

    /** A Python 3 that can import {@code websockets}, preferring the Debian one. */
    static Path python() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("/usr/bin/python3"));
        onPath("python3").ifPresent(candidates::add);
        for (Path python : candidates) {
            if (Files.isExecutable(python) && canImportWebsockets(python)) {
                return python;
            }
        }
        require("Python 3 with websockets (Debian package python3-websockets)", false);
        throw new AssertionError("unreachable");
    }

    /** The Chromium browser from the Debian package. */
    static Path chromium() {
        Optional<Path> chromium = onPath("chromium").or(() -> onPath("chromium-browser"));
        require("Chromium (Debian package chromium)", chromium.isPresent());
        return chromium.get();
    }

    private static boolean canImportWebsockets(Path python) {
        try {
            Process process = new ProcessBuilder(python.toString(), "-c", "import websockets")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String folder : path.split(File.pathSeparator)) {
            Path candidate = Path.of(folder, command);
            if (Files.isExecutable(candidate) && !candidate.toString().contains("/.pyenv/shims/")) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void require(String peer, boolean present) {
        if (present) {
            return;
        }
        String message = "peer missing: " + peer + "; run .ci/install-peers";
        if ("true".equals(System.getenv("CI"))) {
            fail(message + " (CI=true: the interop suite must run in CI)");
        }
        assumeTrue(false, message);
    }

    /** What a finished peer process left behind. */
    record Run(List<String> command, int exitCode, String stdout, String stderr) {
        /** A description for assertion messages. */
        String describe() {
            return String.join(" ", command) + "\nexit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** Runs {@code command} in the scripts folder and waits at most {@code limit} for it to end. */
    static Run run(Duration limit, Object... command) throws IOException, InterruptedException {
        List<String> words = new ArrayList<>();
        for (Object word : command) {
            words.add(word.toString());
        }
        Path out = Files.createTempFile("ferry-peer", ".out");
        Path err = Files.createTempFile("ferry-peer", ".err");
        try {
            Process process = new ProcessBuilder(words).directory(scripts().toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("expected " + words + " to end within " + limit + ", it did not; stdout:\n"
                        + Files.readString(out, StandardCharsets.UTF_8) + "\nstderr:\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Run(words, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The cases of the echo client tests: every container, with permessage-deflate offered and not. */
    static Stream<Arguments> everyContainerWithAndWithoutDeflate() {
        List<Arguments> cases = new ArrayList<>();
        for (ServletContainerFixture.Kind kind : ServletContainerFixture.Kind.values()) {
            cases.add(Arguments.of(kind, false));
            cases.add(Arguments.of(kind, true));
        }
        return cases.stream();
    }

    /**
     * Runs a peer's echo client, {@code interpreter script URI [--deflate]}, against Ferry's echo endpoint on a new
     * container of {@code kind}, and checks that it ended with exit code 0; what it printed is the caller's to check.
     */
    static Run echoClient(ServletContainerFixture.Kind kind, boolean deflate, Path interpreter, String script)
            throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(EchoEndpoint.class));
            List<Object> command = new ArrayList<>(List.of(interpreter, script, container.uri("ws", "/echo")));
            if (deflate) {
                command.add("--deflate");
            }
            Run run = run(Duration.ofSeconds(60), command.toArray());
            assertEquals(0, run.exitCode(), run::describe);
            return run;
        }
    }
}
