package dev.ferry.examples.conformance;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Autobahn|Testsuite fuzzing server ({@code wstest -m fuzzingserver}) as a child process: Jython 2.7 runs
 * {@code src/test/autobahn/fuzzingserver.py} with the suite that {@code autobahntestsuite-maven-plugin} bundles.
 * It listens on 127.0.0.1 on a port of its choosing; its output goes to a log file.
 *
 * <p>Closing it closes the child's standard input, which stops its reactor; a child that does not end within
 * {@link #STOP_LIMIT} is killed.
 */
final class FuzzingServer implements AutoCloseable {

    static final Duration START_LIMIT = Duration.ofSeconds(120);
    static final Duration STOP_LIMIT = Duration.ofSeconds(20);

    private static final Pattern LISTENING = Pattern.compile("\\blistening (\\d+)$");

    private final Process process;
    private final int port;

    private FuzzingServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server.
     *
     * @param jython the {@code jython-standalone} jar
     * @param suite the {@code autobahntestsuite-maven-plugin} jar (the suite's Python sources are in it)
     * @param script {@code fuzzingserver.py}
     * @param reports where {@code /updateReports} writes {@code index.json}
     * @param log where the server's output goes
     * @param cases the cases to serve, such as {@code *} or {@code 2.*,6.4.3}
     */
    static FuzzingServer start(Path jython, Path suite, Path script, Path reports, Path log, String cases)
            throws IOException {
        for (Path file : List.of(jython, suite, script)) {
            if (!Files.isRegularFile(file)) {
                throw new IOException("expected " + file + " to exist (the autobahn profile copies the jars to "
                        + "target/autobahn), it does not");
            }
        }
        Files.createDirectories(reports);
        Files.createDirectories(log.getParent());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-Xmx1g", "-Dpython.cachedir.skip=true",
                "-Dpython.console.encoding=UTF-8", "-cp", jython + File.pathSeparator + suite,
                "org.python.util.jython", script.toString(), reports.toString(), cases);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread copier = new Thread(() -> copyOutput(process, log, listening), "autobahn-fuzzingserver-output");
        copier.setDaemon(true);
        copier.start();
        try {
            return new FuzzingServer(process, listening.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            stop(process);
            throw new IOException("expected 'listening PORT' from " + String.join(" ", command) + " within "
                    + START_LIMIT + ", got none; its output is in " + log, e);
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the fuzzing server started", e);
        }
    }

    /** {@code ws://127.0.0.1:PORT} followed by {@code pathAndQuery}. */
    URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Copies the child's output to the log, completing {@code listening} with the port it announces. */
    private static void copyOutput(Process process, Path log, CompletableFuture<Integer> listening) {
        try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                writer.write(line);
                writer.write('\n');
                writer.flush(); // the log shows how far a slow or stuck run got
                Matcher matcher = LISTENING.matcher(line);
                if (!listening.isDone() && matcher.find()) {
                    listening.complete(Integer.parseInt(matcher.group(1)));
                }
            }
            listening.completeExceptionally(new IOException("the fuzzing server ended before it listened"));
        } catch (IOException e) {
            listening.completeExceptionally(new UncheckedIOException(e));
        }
    }
}
