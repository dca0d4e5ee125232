package dev.ferry.benchmarks.load;

import jakarta.servlet.ServletContainerInitializer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * One server process of the load run: {@code LoadServer jetty|tomcat} starts that servlet container on
 * 127.0.0.1, port 0, with {@link EchoEndpoint} handed to every {@link ServletContainerInitializer} found on
 * the class path. The class path alone decides which WebSocket implementation answers (Ferry's SCI, Jetty's
 * or Tomcat's), so the server code is the same for all of them.
 *
 * <p>Protocol with the driver, one line each: it prints {@code LISTENING <port>} once started, then answers
 * {@code MEMORY} on stdin with {@code MEMORY <heap bytes used after GC> <RSS kB>}, and stops on {@code QUIT}
 * or end of input.
 */
public final class LoadServer {

    /** A started container. */
    interface Host extends AutoCloseable {
        int port();
    }

    private LoadServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !(args[0].equals("jetty") || args[0].equals("tomcat"))) {
            throw new IllegalArgumentException("expected one argument, jetty or tomcat, got " + List.of(args));
        }
        List<ServletContainerInitializer> initializers = new ArrayList<>();
        ServiceLoader.load(ServletContainerInitializer.class).forEach(initializers::add);
        Host host = args[0].equals("jetty") ? JettyHost.start(initializers) : TomcatHost.start(initializers);
        System.out.println("LISTENING " + host.port());
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null && !command.equals("QUIT")) {
            if (command.equals("MEMORY")) {
                System.out.println("MEMORY " + heapAfterGc() + " " + rssKb());
                System.out.flush();
            }
        }
        host.close();
        System.exit(0);
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
