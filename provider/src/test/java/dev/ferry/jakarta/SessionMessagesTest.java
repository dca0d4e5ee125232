package dev.ferry.jakarta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Messages through a session pair: every handler form, encoders and decoders, the remotes' send forms. */
class SessionMessagesTest {

    @AutoClose
    private SessionPair pair;

    private static String text(int length, long seed) {
        Random random = new Random(seed);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            // mixes 1-, 2-, 3- and 4-byte UTF-8 so chunk boundaries split sequences
            switch (random.nextInt(4)) {
                case 0 -> s.append((char) ('a' + random.nextInt(26)));
                case 1 -> s.append('é');
                case 2 -> s.append('€');
                default -> s.append("😀");
            }
        }
        return s.toString();
    }

    @Test
    void partialTextHandlerSeesPartsThatJoinToTheMessage() throws Exception {
        List<String> parts = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        RecordingEndpoint server = new RecordingEndpoint(s -> s.addMessageHandler(String.class,
                (MessageHandler.Partial<String>) (part, last) -> {
                    parts.add(part);
                    if (last) {
                        done.countDown();
                    }
                }));
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), server);
        String message = text(20_000, 1);
        pair.client.getBasicRemote().sendText(message);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(message, String.join("", parts));
        assertTrue(parts.size() > 1, "a 20000-character message arrives in several parts");
    }

    @Test
    void partialSendsArriveAsOneMessageEvenWhenACharacterIsSplit() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), server);
        String emoji = "😀";
        pair.client.getBasicRemote().sendText("a" + emoji.charAt(0), false);
        pair.client.getBasicRemote().sendText(emoji.charAt(1) + "b", true);
        assertEquals("a😀b", server.nextMessage());

        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false);
        assertThrows(IllegalStateException.class, () -> pair.client.getBasicRemote().sendText("whole"));
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {3}), true);
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), server.nextMessage());
    }

    /**
     * Text replies sent from onMessage on the thread that read the message go out without a copy of their UTF-8
     * (the session made it and nobody else holds it): small ones deferred, large ones written after the callback
     * returns, in order, whole and partial.
     */
    @Test
    void textRepliesFromOnMessageArriveIntactSmallAndLarge() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RecordingEndpoint server = new RecordingEndpoint(s -> s.addMessageHandler(String.class, text -> {
            try {
                s.getBasicRemote().sendText(text);
                s.getBasicRemote().sendText("[", false);
                s.getBasicRemote().sendText(text, false);
                s.getBasicRemote().sendText("]", true);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
        pair = SessionPair.create().open(client, server);
        String large = text(100_000, 7);
        for (String message : List.of("small", large, "small again")) {
            pair.client.getBasicRemote().sendText(message);
            assertEquals(message, client.nextMessage());
            assertEquals("[" + message + "]", client.nextMessage());
        }
        assertTrue(server.errors.isEmpty(), "errors: " + server.errors);
    }

    /** One-piece messages (copied straight out) and assembled ones (through the buffer) mixed, in either order. */
    @Test
    void wholeMessagesInOnePieceAndInSeveralAlternate() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), server);
        var remote = pair.client.getBasicRemote();
        remote.sendText("one piece");
        remote.sendText("two ", false);
        remote.sendText("pieces", true);
        remote.sendText("again one");
        remote.sendBinary(ByteBuffer.wrap(new byte[] {9}));
        remote.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false);
        remote.sendBinary(ByteBuffer.wrap(new byte[] {3}), true);
        remote.sendBinary(ByteBuffer.wrap(new byte[] {4, 5, 6, 7}));
        assertEquals("one piece", server.nextMessage());
        assertEquals("two pieces", server.nextMessage());
        assertEquals("again one", server.nextMessage());
        assertEquals(ByteBuffer.wrap(new byte[] {9}), server.nextMessage());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), server.nextMessage());
        assertEquals(ByteBuffer.wrap(new byte[] {4, 5, 6, 7}), server.nextMessage());
    }

    @Test
    void readerAndInputStreamHandlersReadLargeMessagesInBoundedMemory() throws Exception {
        RecordingEndpoint server = new RecordingEndpoint(s -> { });
        RecordingEndpoint[] self = {server};
        server = new RecordingEndpoint(s -> {
            s.addMessageHandler(Reader.class, reader -> {
                try {
                    StringBuilder all = new StringBuilder();
                    char[] buffer = new char[1000];
                    int n;
                    while ((n = reader.read(buffer)) >= 0) {
                        all.append(buffer, 0, n);
                    }
                    self[0].messages.add(all.toString());
                } catch (IOException e) {
                    self[0].errors.add(e);
                }
            });
            s.addMessageHandler(InputStream.class, in -> {
                try {
                    self[0].messages.add(in.readAllBytes());
                } catch (IOException e) {
                    self[0].errors.add(e);
                }
            });
        });
        self[0] = server;
        pair = SessionPair.create(4096).open(new RecordingEndpoint(s -> { }), server);
        String message = text(300_000, 2);
        pair.client.getAsyncRemote().sendText(message);
        byte[] bytes = new byte[500_000];
        new Random(3).nextBytes(bytes);
        pair.client.getAsyncRemote().sendBinary(ByteBuffer.wrap(bytes));
        assertEquals(message, server.nextMessage());
        assertArrayEquals(bytes, (byte[]) server.nextMessage());
    }

    @Test
    void sendStreamAndWriterSendOneMessageEach() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), server);
        String message = text(30_000, 4);
        try (Writer writer = pair.client.getBasicRemote().getSendWriter()) {
            for (int i = 0; i < message.length(); i += 777) {
                writer.write(message, i, Math.min(777, message.length() - i));
            }
        }
        assertEquals(message, server.nextMessage());
        byte[] bytes = new byte[40_000];
        new Random(5).nextBytes(bytes);
        try (OutputStream out = pair.client.getBasicRemote().getSendStream()) {
            out.write(bytes, 0, 100);
            out.write(bytes, 100, bytes.length - 100);
        }
        assertEquals(ByteBuffer.wrap(bytes), server.nextMessage());
    }

    // ---- decoders and encoders

    public record Point(int x, int y) { }

    static final AtomicInteger INITS = new AtomicInteger();
    static final AtomicInteger DESTROYS = new AtomicInteger();

    /** Decodes "x,y"; declines anything else. */
    public static final class PointDecoder implements Decoder.Text<Point> {
        @Override
        public void init(EndpointConfig config) {
            INITS.incrementAndGet();
        }

        @Override
        public void destroy() {
            DESTROYS.incrementAndGet();
        }

        @Override
        public Point decode(String s) {
            String[] parts = s.split(",");
            return new Point(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        @Override
        public boolean willDecode(String s) {
            return s.matches("-?\\d+,-?\\d+");
        }
    }

    /** Decodes "(x y)"; the second in the chain. */
    public static final class ParenPointDecoder implements Decoder.Text<Point> {
        @Override
        public Point decode(String s) throws DecodeException {
            String[] parts = s.substring(1, s.length() - 1).split(" ");
            return new Point(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        @Override
        public boolean willDecode(String s) {
            return s.startsWith("(") && s.endsWith(")");
        }
    }

    public static final class PointEncoder implements Encoder.Text<Point> {
        @Override
        public String encode(Point point) {
            return point.x() + "," + point.y();
        }
    }

    public static final class PointBinaryStreamEncoder implements Encoder.BinaryStream<Point> {
        @Override
        public void encode(Point point, OutputStream out) throws IOException {
            out.write(new byte[] {(byte) point.x(), (byte) point.y()});
        }
    }

    @Test
    void decodersAreTriedInOrderByWillDecode() throws Exception {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> s.addMessageHandler(Point.class, point -> self[0].messages.add(point)));
        int initsBefore = INITS.get();
        int destroysBefore = DESTROYS.get();
        pair = SessionPair.create();
        pair.openServer(self[0], SessionPair.config(List.of(), List.of(PointDecoder.class, ParenPointDecoder.class)));
        pair.openClient(new RecordingEndpoint(s -> { }), SessionPair.config());
        assertEquals(initsBefore + 1, INITS.get(), "init runs once per session");
        pair.client.getBasicRemote().sendText("1,2");
        pair.client.getBasicRemote().sendText("(3 4)");
        pair.client.getBasicRemote().sendText("nonsense");
        assertEquals(new Point(1, 2), self[0].nextMessage());
        assertEquals(new Point(3, 4), self[0].nextMessage());
        assertInstanceOf(DecodeException.class, self[0].awaitError());
        pair.client.close();
        self[0].awaitClose();
        JakartaSessionTest.awaitSessionClosed(pair.serverHost, pair.server);
        assertEquals(destroysBefore + 1, DESTROYS.get(), "destroy runs when the session closes");
    }

    /** A decoder to a native handler type: prefixes the text, so the test can tell it ran. */
    public static final class PrefixingReaderDecoder implements Decoder.Text<Reader> {
        @Override
        public Reader decode(String s) {
            return new java.io.StringReader("decoded:" + s);
        }

        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    /** A binary decoder to {@code InputStream}: prepends a marker byte. */
    public static final class MarkingInputStreamDecoder implements Decoder.Binary<InputStream> {
        @Override
        public InputStream decode(ByteBuffer bytes) {
            byte[] marked = new byte[bytes.remaining() + 1];
            marked[0] = 9;
            bytes.get(marked, 1, bytes.remaining());
            return new java.io.ByteArrayInputStream(marked);
        }

        @Override
        public boolean willDecode(ByteBuffer bytes) {
            return true;
        }
    }

    @Test
    void aConfiguredDecoderWinsOverTheNativeReaderAndInputStreamForms() throws Exception {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> {
            s.addMessageHandler(Reader.class, reader -> {
                try {
                    self[0].messages.add(new java.io.BufferedReader(reader).readLine());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            s.addMessageHandler(InputStream.class, input -> {
                try {
                    self[0].messages.add(ByteBuffer.wrap(input.readAllBytes()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        });
        pair = SessionPair.create();
        pair.openServer(self[0], SessionPair.config(List.of(),
                List.of(PrefixingReaderDecoder.class, MarkingInputStreamDecoder.class)));
        pair.openClient(new RecordingEndpoint(s -> { }), SessionPair.config());
        pair.client.getBasicRemote().sendText("hello");
        assertEquals("decoded:hello", self[0].nextMessage());
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2}));
        assertEquals(ByteBuffer.wrap(new byte[] {9, 1, 2}), self[0].nextMessage());
    }

    @Test
    void builtInDecodersHandlePrimitives() throws Exception {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> s.addMessageHandler(Integer.class, n -> self[0].messages.add(n)));
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), self[0]);
        pair.client.getBasicRemote().sendText("42");
        assertEquals(42, self[0].nextMessage());
        pair.client.getBasicRemote().sendText("forty-two");
        assertInstanceOf(DecodeException.class, self[0].awaitError());
        pair.client.getBasicRemote().sendText("-7");
        assertEquals(-7, self[0].nextMessage());
    }

    @Test
    void sendObjectUsesEncodersThenBuiltIns() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create();
        pair.openServer(server, SessionPair.config());
        pair.openClient(new RecordingEndpoint(s -> { }),
                SessionPair.config(List.of(PointEncoder.class), List.of()));
        pair.client.getBasicRemote().sendObject(new Point(5, 6));
        assertEquals("5,6", server.nextMessage());
        pair.client.getBasicRemote().sendObject(3.5);
        assertEquals("3.5", server.nextMessage());
        pair.client.getAsyncRemote().sendObject(ByteBuffer.wrap(new byte[] {9})).get(10, TimeUnit.SECONDS);
        assertEquals(ByteBuffer.wrap(new byte[] {9}), server.nextMessage());
        assertThrows(EncodeException.class, () -> pair.client.getBasicRemote().sendObject(new Object()));
        Throwable failure = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> pair.client.getAsyncRemote().sendObject(new Object()).get(10, TimeUnit.SECONDS)).getCause();
        assertInstanceOf(EncodeException.class, failure);
    }

    @Test
    void streamEncodersWriteOneMessage() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create();
        pair.openServer(server, SessionPair.config());
        pair.openClient(new RecordingEndpoint(s -> { }),
                SessionPair.config(List.of(PointBinaryStreamEncoder.class), List.of()));
        pair.client.getBasicRemote().sendObject(new Point(7, 8));
        assertEquals(ByteBuffer.wrap(new byte[] {7, 8}), server.nextMessage());
    }

    // ---- pings, pongs and async results

    @Test
    void aPingIsAnsweredWithItsPayload() throws Exception {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> s.addMessageHandler(PongMessage.class,
                pong -> self[0].messages.add(pong.getApplicationData())));
        pair = SessionPair.create().open(self[0], JakartaSessionTest.collecting());
        pair.client.getBasicRemote().sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)), self[0].nextMessage());
        assertThrows(IllegalArgumentException.class,
                () -> pair.client.getBasicRemote().sendPing(ByteBuffer.allocate(126)));
        assertThrows(IllegalArgumentException.class,
                () -> pair.client.getAsyncRemote().sendPong(ByteBuffer.allocate(126)));
    }

    @Test
    void sendHandlersGetTheSession() throws Exception {
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), JakartaSessionTest.collecting());
        BlockingQueue<SendResult> results = new LinkedBlockingQueue<>();
        pair.client.getAsyncRemote().sendText("one", results::add);
        SendResult result = results.poll(10, TimeUnit.SECONDS);
        assertTrue(result.isOK());
        assertSame(pair.client, result.getSession());
        pair.client.getAsyncRemote().sendBinary(ByteBuffer.allocate(3)).get(10, TimeUnit.SECONDS);
    }

    // ---- threading

    @Test
    void concurrentSendersAreQueuedInOrderNeverInterleaved() throws Exception {
        int threads = 4;
        int perThread = 200;
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create(2048).open(new RecordingEndpoint(s -> { }), server);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread sender = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    String message = id + ":" + i + ":" + "x".repeat(i % 50);
                    boolean blocking = i % 2 == 0;
                    JakartaSessionTest.send(() -> {
                        if (blocking) {
                            pair.client.getBasicRemote().sendText(message);
                        } else {
                            try {
                                pair.client.getAsyncRemote().sendText(message).get(10, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                throw new IOException(e);
                            }
                        }
                    });
                }
            });
            senders.add(sender);
            sender.start();
        }
        int[] next = new int[threads];
        for (int n = 0; n < threads * perThread; n++) {
            String[] fields = ((String) server.nextMessage()).split(":", -1);
            int id = Integer.parseInt(fields[0]);
            assertEquals(next[id], Integer.parseInt(fields[1]), "messages of one thread stay in order");
            assertEquals("x".repeat(next[id] % 50), fields[2]);
            next[id]++;
        }
        for (Thread sender : senders) {
            sender.join(10_000);
        }
        assertTrue(server.errors.isEmpty(), "errors: " + server.errors);
    }

    @Test
    void oneEndpointSeesOneMessageAtATime() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> s.addMessageHandler(String.class, message -> {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            Thread.yield();
            inside.decrementAndGet();
            self[0].messages.add(message);
        }));
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), self[0]);
        for (int i = 0; i < 300; i++) {
            pair.client.getAsyncRemote().sendText("m" + i);
        }
        for (int i = 0; i < 300; i++) {
            assertEquals("m" + i, self[0].nextMessage());
        }
        assertEquals(0, overlaps.get());
    }

    @Test
    void batchedMessagesWaitForTheFlush() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), server);
        long before = pair.wires.client().bytesWritten();
        pair.client.getBasicRemote().setBatchingAllowed(true);
        pair.client.getBasicRemote().sendText("one");
        pair.client.getBasicRemote().sendText("two");
        assertEquals(before, pair.wires.client().bytesWritten(), "nothing is written before the flush");
        pair.client.getBasicRemote().flushBatch();
        assertTrue(pair.wires.client().bytesWritten() > before);
        assertEquals("one", server.nextMessage());
        assertEquals("two", server.nextMessage());
        pair.client.getAsyncRemote().sendText("three");
        pair.client.getBasicRemote().setBatchingAllowed(false);
        assertEquals("three", server.nextMessage());
    }

    @Test
    void sendsFromOnOpenAreWritten() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        RecordingEndpoint client = new RecordingEndpoint(
                s -> JakartaSessionTest.send(() -> s.getBasicRemote().sendText("from onOpen")));
        pair = SessionPair.create();
        pair.openServer(server, SessionPair.config());
        pair.openClient(client, SessionPair.config());
        assertEquals("from onOpen", server.nextMessage());
    }
}
