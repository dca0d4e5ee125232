package dev.ferry.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server of the load run in its own JVM: started with {@link LoadServer} (or the {@link BareEcho} control), spoken
 * to over the pipes of {@link LoadServer}'s command protocol, and watched through {@code /proc} for the CPU time and
 * the context switches it spends.
 *
 * <p>Thread contract: used by the run's one thread.
 */
final class ServerProcess implements AutoCloseable {

    private final LoadRun.Server server;
    private final Process process;
    private final int port;
    private final Writer input;
    private final BufferedReader output;

    private ServerProcess(LoadRun.Server server, Process process, int port, Writer input, BufferedReader output) {
        this.server = server;
        this.process = process;
        this.port = port;
        this.input = input;
        this.output = output;
    }

    /**
     * Starts {@code server} (heap fixed at 512 MiB, G1, plus the system property {@code load.serverOptions}) with its
     * stderr in {@code logs}, and waits for the port it listens on.
     *
     * @throws IllegalStateException if it never says {@code LISTENING <port>}
     */
    static ServerProcess start(LoadRun.Server server, Path logs) throws IOException {
        System.err.println("== starting " + server.name() + " (" + server.container() + ")");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms512m", "-Xmx512m", "-XX:+UseG1GC"));
        // For diagnosis, for example -Dload.serverOptions=-XX:StartFlightRecording=filename=server.jfr
        String extra = System.getProperty("load.serverOptions", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", server.classPath()));
        command.addAll(server.container().equals("bare") ? List.of(BareEcho.class.getName())
                : List.of(LoadServer.class.getName(), server.container()));
        ProcessBuilder builder = new ProcessBuilder(command);
        Path log = logs.resolve(server.name() + ".stderr.log");
        builder.redirectError(log.toFile());
        Process process = builder.start();
        BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer input = process.outputWriter(StandardCharsets.UTF_8);
        String line = lineStartingWith(output, "LISTENING ");
        if (line == null) {
            process.destroyForcibly();
            throw new IllegalStateException("expected LISTENING <port> from " + server.name() + ", got none (see "
                    + log + ")");
        }
        int port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
        return new ServerProcess(server, process, port, input, output);
    }

    LoadRun.Server server() {
        return server;
    }

    int port() {
        return port;
    }

    /** Asks the server for {heap used after GC in bytes, RSS in kB}. */
    long[] memory() throws IOException {
        input.write("MEMORY\n");
        input.flush();
        String line = lineStartingWith(output, "MEMORY ");
        if (line == null) {
            throw new IllegalStateException("expected MEMORY <heap> <rss>, got none");
        }
        String[] parts = line.split(" ");
        return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    }

    /**
     * The process's CPU time so far (user and system, from {@code /proc}; 10 ms resolution), or 0 where there is no
     * {@code /proc}: CPU per operation varies less than throughput on a machine shared with other work.
     */
    long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Context switches of all the process's threads so far, from {@code /proc}: {voluntary, involuntary}, or zeros
     * where there is no {@code /proc}. Per round trip, a voluntary switch is a server thread that blocked and had to be
     * woken again (on a virtual machine, each wake-up of a halted vCPU is a trip through the hypervisor, which sets the
     * latency tail); an involuntary one is a thread preempted while it could still run, as the thread that wrote the
     * echo is when the client it woke takes the CPU, which costs far less.
     */
    long[] contextSwitches() {
        long[] sum = new long[2];
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.contains("ctxt_switches:")) {
                            sum[line.startsWith("nonvoluntary") ? 1 : 0] +=
                                    Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException threadEnded) {
                    // A thread that ended between the listing and the read counts no more.
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }

    /** Asks the server to quit, then waits for it: 20 s, then it is destroyed, forcibly after 10 s more. */
    @Override
    public void close() throws InterruptedException {
        try (Writer in = input; BufferedReader out = output) {
            in.write("QUIT\n");
            in.flush();
        } catch (IOException alreadyGone) {
            // The process has ended or closed its input; it is waited for or destroyed below.
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroy();
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The next line starting with {@code prefix}, skipping what the JVM itself prints (JFR, for example). */
    private static String lineStartingWith(BufferedReader output, String prefix) throws IOException {
        for (int skipped = 0; skipped < 100; skipped++) {
            String line = output.readLine();
            if (line == null || line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }
}
