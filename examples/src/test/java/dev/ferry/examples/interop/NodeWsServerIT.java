package dev.ferry.examples.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ferry's client ({@code ContainerProvider.getWebSocketContainer()}) against Node's {@code ws} echo server
 * (ws-server.mjs), with and without permessage-deflate on the server side.
 */
class NodeWsServerIT {

    private static final long LIMIT_SECONDS = 30;

    @ParameterizedTest(name = "server permessage-deflate: {0}")
    @ValueSource(booleans = {false, true})
    void ferrysClientTalksToTheWsServer(boolean deflate) throws Exception {
        Path node = Peers.node();
        List<String> command = new ArrayList<>(List.of(node.toString(), "ws-server.mjs"));
        if (deflate) {
            command.add("--deflate");
        }
        Process server = new ProcessBuilder(command).directory(Peers.scripts().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String listening = CompletableFuture.supplyAsync(() -> readLine(out)).get(LIMIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(listening, "expected 'listening PORT' from ws-server.mjs, got the end of its output");
            URI uri = URI.create("ws://127.0.0.1:" + listening.substring("listening ".length()) + "/");

            Recorder recorder = new Recorder();
            WebSocketContainer client = ContainerProvider.getWebSocketContainer();
            client.setDefaultMaxTextMessageBufferSize(4 * 1024 * 1024);
            client.setDefaultMaxBinaryMessageBufferSize(4 * 1024 * 1024);
            // An explicit configuration is offered exactly as it is: list permessage-deflate to offer it.
            ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                    .extensions(List.of(new PermessageDeflateOffer())).build();
            Session session = client.connectToServer(recorder, config, uri);
            assertEquals(deflate, session.getNegotiatedExtensions().stream()
                    .map(Extension::getName).anyMatch("permessage-deflate"::equals),
                    "negotiated extensions: " + session.getNegotiatedExtensions());

            for (String text : new String[] {"hello", "", "héllo wörld ✓ 😀 日本語", Messages.mixedText(70 * 1024)}) {
                session.getBasicRemote().sendText(text);
                assertEquals(text, recorder.next());
            }
            for (int length : new int[] {0, 125, 126, 127, 65535, 65536, 1024 * 1024}) {
                byte[] bytes = Messages.patternBytes(length);
                session.getBasicRemote().sendBinary(ByteBuffer.wrap(bytes));
                assertArrayEquals(bytes, (byte[]) recorder.next(), "binary of " + length + " bytes");
            }
            session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
            assertEquals(1000, recorder.closed.get(LIMIT_SECONDS, TimeUnit.SECONDS).getCloseCode().getCode());

            String closed = CompletableFuture.supplyAsync(() -> readLine(out)).get(LIMIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(closed, "expected 'closed 1000 ...' from ws-server.mjs, got the end of its output");
            assertTrue(closed.startsWith("closed 1000 "), closed);
            server.getOutputStream().close();
            assertTrue(server.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS), "ws-server.mjs did not stop");
        } finally {
            server.destroyForcibly();
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Records whole text and binary messages and the close reason. */
    static final class Recorder extends Endpoint {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) messages::add);
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                messages.add(bytes);
            });
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closed.complete(reason);
        }

        Object next() throws InterruptedException {
            Object message = messages.poll(LIMIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(message, "expected an echoed message within " + LIMIT_SECONDS + " s, got none");
            return message;
        }
    }

    /** {@code permessage-deflate} without parameters: Ferry offers it with its installed settings. */
    private static final class PermessageDeflateOffer implements Extension {
        @Override
        public String getName() {
            return "permessage-deflate";
        }

        @Override
        public List<Parameter> getParameters() {
            return List.of();
        }
    }
}
