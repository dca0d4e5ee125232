package dev.ferry.examples;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded default server: Ferry on Jetty 12.1 (ee11). Without options it serves the examples, a
 * chat room with its page at {@code /} and an echo endpoint, on http://127.0.0.1:8080/; with
 * {@code --endpoint} it serves the user's endpoint classes, with {@code --war} a web application.
 * {@link LauncherOptions#USAGE} lists the options.
 */
public final class Launcher {

    private static final Logger LOG = System.getLogger(Launcher.class.getName());

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(LauncherOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(LauncherOptions.USAGE);
            return;
        }
        EmbeddedJetty server = start(options);
        if (options.servesExamples()) {
            LOG.log(Level.INFO, "Ferry is serving the chat example: open {0} in two browser tabs"
                    + " (echo endpoint: {1})", server.uri("http", "/"), server.uri("ws", "/echo"));
        } else {
            LOG.log(Level.INFO, "Ferry is serving {0}", server.uri("http", "/"));
        }
        server.join();
    }

    /** Starts the server {@code options} describe. */
    public static EmbeddedJetty start(LauncherOptions options) throws Exception {
        if (options.war().isPresent()) {
            return EmbeddedJetty.serveWar(options.host(), options.port(), options.war().get());
        }
        if (options.servesExamples()) {
            return EmbeddedJetty.serveClasses(options.host(), options.port(),
                    List.of(ChatRoom.class, EchoEndpoint.class), Launcher.class.getClassLoader(), true);
        }
        ClassLoader loader = classLoader(options.classPath());
        List<Class<?>> endpoints = new ArrayList<>();
        for (String name : options.endpoints()) {
            try {
                endpoints.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("expected --endpoint " + name
                        + " on the class path (add its folder or jar with --classpath), found no such class", e);
            }
        }
        return EmbeddedJetty.serveClasses(options.host(), options.port(), endpoints, loader, false);
    }

    private static ClassLoader classLoader(List<Path> classPath) throws IOException {
        ClassLoader parent = Launcher.class.getClassLoader();
        if (classPath.isEmpty()) {
            return parent;
        }
        List<URL> urls = new ArrayList<>();
        for (Path entry : classPath) {
            try {
                urls.add(entry.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IOException("expected a folder or jar after --classpath, got " + entry, e);
            }
        }
        return new URLClassLoader("endpoints", urls.toArray(URL[]::new), parent);
    }
}
