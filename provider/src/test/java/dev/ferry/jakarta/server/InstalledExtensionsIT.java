package dev.ferry.jakarta.server;

import dev.ferry.jakarta.ExtensionHeader;
import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.jakarta.client.JakartaClientContainer;
import dev.ferry.protocol.ExtensionFactory;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The extension SPI end to end, as an application (or the TCK runner) uses it: a no-op extension listed in
 * {@code META-INF/services/dev.ferry.protocol.ExtensionFactory} is installed in both containers created under that
 * class loader, negotiated with its parameters when a client configuration asks for it, and never offered unasked.
 * Ferry's client against Ferry's server over loopback TCP.
 */
class InstalledExtensionsIT {

    private static final long TIMEOUT = 10;

    /** A made-up extension, installed through the service file this test writes. */
    public static final class FirstExtName extends InstalledExtensions.NoOp {
        public FirstExtName() {
            super("firstExtName");
        }
    }

    /** Answers every message with the extensions its session negotiated. */
    @ServerEndpoint("/negotiated")
    public static final class Negotiated {
        @OnMessage
        public String text(String text, Session session) {
            return format(session.getNegotiatedExtensions());
        }
    }

    private static final class Recorder extends Endpoint {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) messages::add);
        }
    }

    @TempDir
    Path services;
    private JakartaServerContainer container;
    private JakartaClientContainer client;
    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        Path file = services.resolve("META-INF/services/" + ExtensionFactory.class.getName());
        Files.createDirectories(file.getParent());
        Files.writeString(file, FirstExtName.class.getName() + "\n");
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {services.toUri().toURL()},
                getClass().getClassLoader())) {
            thread.setContextClassLoader(loader);
            container = new JakartaServerContainer();
            client = new JakartaClientContainer();
        } finally {
            thread.setContextClassLoader(original);
        }
        container.addEndpoint(Negotiated.class);
        server = new LoopbackServer(container);
    }

    @AfterEach
    void stop() throws Exception {
        container.shutdown();
        server.close();
    }

    private static String format(List<Extension> extensions) {
        return String.join(", ", extensions.stream().map(ExtensionHeader::format).toList());
    }

    private String negotiate(ClientEndpointConfig config) throws Exception {
        Recorder recorder = new Recorder();
        Session session = client.connectToServer(recorder, config, server.uri("/negotiated"));
        try {
            session.getBasicRemote().sendText("which?");
            String serverSide = recorder.messages.poll(TIMEOUT, TimeUnit.SECONDS);
            assertEquals(format(session.getNegotiatedExtensions()), serverSide, "both ends agree");
            return serverSide;
        } finally {
            session.close();
        }
    }

    @Test
    void aServiceLoadedNoOpIsNegotiatedWithItsParametersWhenTheConfigurationAsksForIt() throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .extensions(ExtensionHeader.parse("firstExtName; firstName=firstValue; secondName=secondValue"))
                .build();
        assertEquals("firstExtName; firstName=firstValue; secondName=secondValue", negotiate(config));
    }

    @Test
    void bothContainersListItAsInstalledButAClientDoesNotOfferItUnasked() throws Exception {
        assertEquals(true, client.getInstalledExtensions().stream().anyMatch(e -> e.getName().equals("firstExtName")));
        assertEquals(true, container.getInstalledExtensions().stream().anyMatch(e -> e.getName().equals("firstExtName")));
        Recorder recorder = new Recorder();
        Session session = client.connectToServer(recorder, server.uri("/negotiated"));
        try {
            session.getBasicRemote().sendText("which?");
            String serverSide = recorder.messages.poll(TIMEOUT, TimeUnit.SECONDS);
            assertEquals(List.of("permessage-deflate"),
                    session.getNegotiatedExtensions().stream().map(Extension::getName).toList());
            assertEquals(format(session.getNegotiatedExtensions()), serverSide);
        } finally {
            session.close();
        }
    }
}
