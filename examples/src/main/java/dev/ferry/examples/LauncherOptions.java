package dev.ferry.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The launcher's command line, parsed.
 *
 * @param host         the address to bind; 127.0.0.1 unless told otherwise
 * @param port         the port to bind; 8080 unless told otherwise, 0 for any free port
 * @param endpoints    the user's endpoint (or {@code ServerApplicationConfig}) classes to serve; empty
 *                     means the examples
 * @param classPath    where to load the user's endpoint classes from, besides the launcher's own class path
 * @param war          a web application archive (or exploded directory) to serve instead of endpoint classes
 * @param help         whether {@code --help} was asked for
 */
public record LauncherOptions(
        String host, int port, List<String> endpoints, List<Path> classPath, Optional<Path> war, boolean help) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public static final String USAGE = """
            usage: examples/run [--host ADDRESS] [--port N] [--endpoint CLASS]... [--classpath PATH] [--war PATH]

              --host ADDRESS    address to bind (default 127.0.0.1)
              --port N          port to bind (default 8080; 0 picks a free port)
              --endpoint CLASS  serve this @ServerEndpoint, Endpoint or ServerApplicationConfig class
                                instead of the examples (repeatable)
              --classpath PATH  extra directories or jars to load --endpoint classes from
                                (separated by the platform's path separator)
              --war PATH        serve this war file or exploded web application instead
              --help            print this text

            Without --endpoint or --war it serves the examples: the chat page at /, /chat and /echo.
            """;

    public LauncherOptions {
        endpoints = List.copyOf(endpoints);
        classPath = List.copyOf(classPath);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected a port from 0 to 65535, got " + port);
        }
        if (war.isPresent() && !endpoints.isEmpty()) {
            throw new IllegalArgumentException("expected either --war or --endpoint, got both");
        }
    }

    /** Whether the launcher serves its own examples (no user endpoints, no war). */
    public boolean servesExamples() {
        return endpoints.isEmpty() && war.isEmpty();
    }

    /** Parses {@code args}; throws {@link IllegalArgumentException} naming the offending argument. */
    public static LauncherOptions parse(String... args) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        List<String> endpoints = new ArrayList<>();
        List<Path> classPath = new ArrayList<>();
        Optional<Path> war = Optional.empty();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--host" -> host = value(args, ++i, option);
                case "--port" -> port = port(value(args, ++i, option));
                case "--endpoint" -> endpoints.add(value(args, ++i, option));
                case "--classpath" -> {
                    for (String entry : value(args, ++i, option).split(java.io.File.pathSeparator)) {
                        if (!entry.isEmpty()) {
                            classPath.add(Path.of(entry));
                        }
                    }
                }
                case "--war" -> war = Optional.of(Path.of(value(args, ++i, option)));
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new LauncherOptions(host, port, endpoints, classPath, war, help);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException("expected a value after " + option + ", got the end of the line");
        }
        return args[index];
    }

    private static int port(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a port number after --port, got " + text, e);
        }
    }
}
