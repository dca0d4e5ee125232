package dev.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver loop shown in the top-level README, compiled and run here: the README must contain the
 * text between the markers below verbatim (indentation aside), and the loop must echo messages.
 */
class ReadmeLoopTest {

    // README:begin
    /** Echoes every message until the peer's Close, over a blocking channel. One operation at a time. */
    static void echo(WebSocketHandle handle, ByteChannel channel) throws IOException {
        handle.receive(null);
        while (true) {
            Action action = handle.getAction(ActionQueue.ALL);
            if (action instanceof Action.SendToNetwork s) {
                long written = 0;
                for (ByteBuffer b : s.buffers()) {
                    while (b.hasRemaining()) {
                        written += channel.write(b);
                    }
                }
                handle.completeAction(s, written);
            } else if (action instanceof Action.ReceiveFromNetwork r) {
                handle.completeAction(r, Math.max(0, channel.read(r.buffer()))); // end of stream reads as 0
            } else if (action instanceof Action.IndicateSendComplete c) {
                handle.completeAction(c, 0);
                if (c.bufferType() == BufferType.CLOSE) {
                    return; // both Closes exchanged
                }
                handle.receive(null);
            } else if (action instanceof Action.IndicateReceiveComplete c) {
                ByteBuffer copy = ByteBuffer.allocate(c.data().remaining()).put(c.data()).flip(); // copy first
                CloseStatus status = c.closeStatus();
                handle.completeAction(c, 0);
                if (c.bufferType() == BufferType.CLOSE && status.code() == CloseStatus.ABORTED.code()) {
                    handle.abort(); // the stream ended without a Close
                    return;
                } else if (c.bufferType() == BufferType.CLOSE) {
                    handle.sendClose(status.code() == CloseStatus.EMPTY.code() ? null : status, null);
                } else if (c.bufferType().isData()) {
                    handle.send(c.bufferType(), copy, null);
                } else {
                    handle.receive(null); // a PONG
                }
            } else {
                throw new AssertionError("one operation is always outstanding here, got " + action);
            }
        }
    }
    // README:end

    // README-fused:begin
    /** Receives until the peer's Close, handing each chunk to {@code deliver}: two handle calls per small message. */
    static CloseStatus receiveAll(WebSocketHandle handle, ByteChannel channel,
                                  BiConsumer<BufferType, ByteBuffer> deliver) throws IOException {
        handle.receive(null);
        Action action = handle.getAction(ActionQueue.RECEIVE);
        while (true) {
            if (action instanceof Action.ReceiveFromNetwork r) {
                int n = Math.max(0, channel.read(r.buffer())); // end of stream reads as 0
                action = handle.completeAndGetAction(r, n, ActionQueue.RECEIVE);
            } else if (action instanceof Action.SendToNetwork pong) { // the answer to a ping
                long written = 0;
                for (ByteBuffer b : pong.buffers()) {
                    while (b.hasRemaining()) {
                        written += channel.write(b);
                    }
                }
                action = handle.completeAndGetAction(pong, written, ActionQueue.RECEIVE);
            } else if (action instanceof Action.IndicateReceiveComplete c && c.bufferType() == BufferType.CLOSE) {
                handle.completeAction(c, 0);
                return c.closeStatus(); // answer it with sendClose (1006: the stream ended without one)
            } else if (action instanceof Action.IndicateReceiveComplete c) {
                deliver.accept(c.bufferType(), c.data()); // copies what it keeps
                action = handle.completeAndReceive(c, null); // completes c, queues the next receive
            } else {
                throw new AssertionError("nothing else is sent meanwhile, so no NO_ACTION here, got " + action);
            }
        }
    }
    // README-fused:end

    /** Joins a pipe's two ends into one blocking channel. */
    private record Duplex(Pipe.SourceChannel in, Pipe.SinkChannel out) implements ByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            return in.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return out.write(src);
        }

        @Override
        public boolean isOpen() {
            return in.isOpen() && out.isOpen();
        }

        @Override
        public void close() throws IOException {
            in.close();
            out.close();
        }
    }

    @Test
    void readmeContainsTheLoopVerbatim() throws IOException {
        assertReadmeShows("README", "ReadmeLoopTest.echo");
    }

    @Test
    void readmeContainsTheFusedLoopVerbatim() throws IOException {
        assertReadmeShows("README-fused", "ReadmeLoopTest.receiveAll");
    }

    /** The lines between {@code // <marker>:begin} and {@code // <marker>:end} in this file appear in README.md as they are. */
    private static void assertReadmeShows(String marker, String method) throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/ferry/protocol/ReadmeLoopTest.java"));
        String begin = "// " + marker + ":begin\n";
        String loop = source.substring(source.indexOf(begin) + begin.length(), source.indexOf("    // " + marker + ":end"));
        String unindented = loop.lines().map(l -> l.length() >= 4 ? l.substring(4) : l)
                .reduce("", (a, b) -> a + b + "\n");
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains(unindented), "README.md must show the loop of " + method + " verbatim");
    }

    @Test
    void theFusedLoopReceivesAnswersPingsAndStopsAtTheClose() throws Exception {
        Pipe toServer = Pipe.open();
        Pipe toClient = Pipe.open();
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 3);
        WebSocketHandle client = Handles.client(HandleProperties.defaults(), 4);
        List<String> texts = List.of("Hello", "", "κόσμε".repeat(2000));
        try (Duplex serverChannel = new Duplex(toServer.source(), toClient.sink());
             Duplex clientChannel = new Duplex(toClient.source(), toServer.sink())) {
            for (String text : texts) {
                server.send(BufferType.UTF8_MESSAGE, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), null);
                writeAll(server, serverChannel);
                server.send(BufferType.PING, ByteBuffer.wrap(new byte[] {9}), null);
                writeAll(server, serverChannel);
            }
            server.sendClose(CloseStatus.NORMAL_CLOSURE, null);
            writeAll(server, serverChannel);
            List<String> received = new ArrayList<>();
            java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
            CloseStatus close = receiveAll(client, clientChannel, (type, data) -> {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                message.writeBytes(bytes);
                if (type.isFinal()) {
                    received.add(message.toString(StandardCharsets.UTF_8));
                    message.reset();
                }
            });
            assertEquals(texts, received);
            assertEquals(1000, close.code());
            assertEquals(HandleState.CLOSE_RECEIVED, client.state());
            server.receive(null);
            int pongs = 0;
            for (int i = 0; i < 100 && pongs < texts.size(); i++) {
                Action action = server.getAction(ActionQueue.RECEIVE);
                if (action instanceof Action.ReceiveFromNetwork r) {
                    server.completeAction(r, serverChannel.read(r.buffer()));
                } else if (action instanceof Action.IndicateReceiveComplete c) {
                    assertEquals(BufferType.PONG, c.bufferType());
                    pongs++;
                    server.completeAction(c, 0);
                    server.receive(null);
                }
            }
            assertEquals(texts.size(), pongs, "the loop answered every ping");
        }
    }

    @Test
    void theLoopEchoes() throws Exception {
        Pipe toServer = Pipe.open();
        Pipe toClient = Pipe.open();
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 1);
        WebSocketHandle client = Handles.client(HandleProperties.defaults(), 2);
        CompletableFuture<Void> serverRun = CompletableFuture.runAsync(() -> {
            try (Duplex channel = new Duplex(toServer.source(), toClient.sink())) {
                echo(server, channel);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> echoed = new ArrayList<>();
        try (Duplex channel = new Duplex(toClient.source(), toServer.sink())) {
            for (String text : List.of("Hello", "", "κόσμε".repeat(2000))) {
                client.send(BufferType.UTF8_MESSAGE, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), null);
                echoed.add(new String(drive(client, channel), StandardCharsets.UTF_8));
            }
            client.sendClose(new CloseStatus(1000, "done"), null);
            drive(client, channel);
        }
        serverRun.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("Hello", "", "κόσμε".repeat(2000)), echoed);
        assertEquals(HandleState.CLOSED, server.state());
        assertEquals(HandleState.CLOSED, client.state());
    }

    /** Client side: completes the queued send, then receives one whole message (or the Close). */
    private static byte[] drive(WebSocketHandle client, ByteChannel channel) throws IOException {
        java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
        writeAll(client, channel); // write before blocking on a read
        client.receive(null);
        for (int i = 0; i < 100_000; i++) {
            Action action = client.getAction(ActionQueue.RECEIVE);
            if (action instanceof Action.SendToNetwork s) {
                long n = 0;
                for (ByteBuffer b : s.buffers()) {
                    while (b.hasRemaining()) {
                        n += channel.write(b);
                    }
                }
                client.completeAction(s, n);
            } else if (action instanceof Action.ReceiveFromNetwork r) {
                client.completeAction(r, Math.max(0, channel.read(r.buffer())));
            } else if (action instanceof Action.IndicateSendComplete c) {
                client.completeAction(c, 0);
            } else if (action instanceof Action.IndicateReceiveComplete c) {
                byte[] bytes = new byte[c.data().remaining()];
                c.data().get(bytes);
                message.writeBytes(bytes);
                client.completeAction(c, 0);
                if (c.bufferType().isFinal() || c.bufferType() == BufferType.CLOSE) {
                    return message.toByteArray();
                }
                client.receive(null);
            }
        }
        throw new AssertionError("no echo");
    }

    private static void writeAll(WebSocketHandle client, ByteChannel channel) throws IOException {
        for (int i = 0; i < 100; i++) {
            Action action = client.getAction(ActionQueue.SEND);
            if (action instanceof Action.NoAction) {
                return;
            }
            long n = 0;
            if (action instanceof Action.SendToNetwork s) {
                for (ByteBuffer b : s.buffers()) {
                    while (b.hasRemaining()) {
                        n += channel.write(b);
                    }
                }
            }
            client.completeAction(action, n);
        }
    }
}
