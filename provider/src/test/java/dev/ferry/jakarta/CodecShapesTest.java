package dev.ferry.jakarta;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder and decoder shapes {@link SessionMessagesTest} leaves out (issue 3's API audit): {@code Decoder.Binary}
 * chains, {@code Decoder.TextStream}, {@code Decoder.BinaryStream}, {@code Encoder.Binary}, {@code Encoder.TextStream},
 * the configuration {@code init} receives, {@code destroy} of encoders, a codec that fails to start, and codec
 * classes that are not public. Over {@link SessionPair}, in memory.
 */
class CodecShapesTest {

    public record Point(int x, int y) { }

    public record Label(String text) { }

    @AutoClose
    private SessionPair pair;

    private static EndpointConfig config(List<Class<? extends Encoder>> encoders,
                                         List<Class<? extends Decoder>> decoders) {
        return ClientEndpointConfig.Builder.create().encoders(encoders).decoders(decoders).build();
    }

    /** A server that hands every decoded Point to its message queue. */
    private static RecordingEndpoint pointCollector() {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> s.addMessageHandler(Point.class, point -> self[0].messages.add(point)));
        return self[0];
    }

    // ---- decoders

    /** Two bytes: (x, y). */
    public static final class TwoBytes implements Decoder.Binary<Point> {
        @Override
        public Point decode(ByteBuffer bytes) {
            return new Point(bytes.get(), bytes.get());
        }

        @Override
        public boolean willDecode(ByteBuffer bytes) {
            return bytes.remaining() == 2;
        }
    }

    /** Three bytes: (x, y * 100 + z); tried after {@link TwoBytes}. */
    public static final class ThreeBytes implements Decoder.Binary<Point> {
        @Override
        public Point decode(ByteBuffer bytes) {
            return new Point(bytes.get(), bytes.get() * 100 + bytes.get());
        }

        @Override
        public boolean willDecode(ByteBuffer bytes) {
            return bytes.remaining() == 3;
        }
    }

    @Test
    void binaryDecodersAreChainedByWillDecodeAndARefusedMessageCarriesItsBytes() throws Exception {
        RecordingEndpoint server = pointCollector();
        pair = SessionPair.create();
        pair.openServer(server, config(List.of(), List.of(TwoBytes.class, ThreeBytes.class)));
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2}));
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        assertEquals(new Point(1, 2), server.nextMessage());
        assertEquals(new Point(1, 203), server.nextMessage());
        DecodeException refused = assertInstanceOf(DecodeException.class, server.awaitError());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), refused.getBytes());
        assertTrue(pair.server.isOpen(), "a message no decoder takes is an error, not a reason to close");
    }

    /** "x;y" read from a Reader. */
    public static final class SemicolonReader implements Decoder.TextStream<Point> {
        @Override
        public Point decode(Reader reader) throws DecodeException, IOException {
            StringBuilder text = new StringBuilder();
            char[] buffer = new char[64];
            int n;
            while ((n = reader.read(buffer)) >= 0) {
                text.append(buffer, 0, n);
            }
            String[] parts = text.toString().split(";");
            if (parts.length != 2) {
                throw new DecodeException(text.toString(), "expected x;y");
            }
            return new Point(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }
    }

    @Test
    void aTextStreamDecoderReadsTheWholeMessageFromAReader() throws Exception {
        RecordingEndpoint server = pointCollector();
        pair = SessionPair.create();
        pair.openServer(server, config(List.of(), List.of(SemicolonReader.class)));
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        pair.client.getBasicRemote().sendText("5;6");
        assertEquals(new Point(5, 6), server.nextMessage());
        pair.client.getBasicRemote().sendText("0".repeat(100_000) + "7;8"); // larger than any one read
        assertEquals(new Point(7, 8), server.nextMessage());
        pair.client.getBasicRemote().sendText("nonsense");
        DecodeException refused = assertInstanceOf(DecodeException.class, server.awaitError());
        assertEquals("nonsense", refused.getText());
    }

    /** Two bytes read from an InputStream. */
    public static final class StreamedBytes implements Decoder.BinaryStream<Point> {
        @Override
        public Point decode(InputStream in) throws IOException {
            byte[] all = in.readAllBytes();
            return new Point(all[0], all.length);
        }
    }

    @Test
    void aBinaryStreamDecoderReadsTheWholeMessageFromAnInputStream() throws Exception {
        RecordingEndpoint server = pointCollector();
        pair = SessionPair.create();
        pair.openServer(server, config(List.of(), List.of(StreamedBytes.class)));
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        byte[] large = new byte[200_000];
        large[0] = 9;
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(large));
        assertEquals(new Point(9, 200_000), server.nextMessage());
    }

    // ---- encoders, init and destroy

    static final BlockingQueue<String> LIFECYCLE = new LinkedBlockingQueue<>();

    /** (x, y) as two bytes; records its lifecycle with the "tag" user property init saw. */
    public static final class PointBytes implements Encoder.Binary<Point> {
        private String tag;

        @Override
        public void init(EndpointConfig config) {
            tag = (String) config.getUserProperties().get("tag");
            LIFECYCLE.add("init " + tag);
        }

        @Override
        public void destroy() {
            LIFECYCLE.add("destroy " + tag);
        }

        @Override
        public ByteBuffer encode(Point point) {
            return ByteBuffer.wrap(new byte[] {(byte) point.x(), (byte) point.y()});
        }
    }

    /** A label written to a Writer in two pieces. */
    public static final class LabelWriter implements Encoder.TextStream<Label> {
        @Override
        public void encode(Label label, Writer writer) throws IOException {
            writer.write("label:");
            writer.write(label.text());
        }
    }

    @Test
    void binaryAndTextStreamEncodersAndTheLifecycleOfEncoders() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create();
        pair.openServer(server, SessionPair.config());
        LIFECYCLE.clear();
        EndpointConfig config = config(List.of(PointBytes.class, LabelWriter.class), List.of());
        config.getUserProperties().put("tag", "client-config");
        pair.openClient(JakartaSessionTest.collecting(), config);
        assertEquals("init client-config", LIFECYCLE.poll(), "init gets the session's configuration");

        pair.client.getBasicRemote().sendObject(new Point(3, 4));
        assertEquals(ByteBuffer.wrap(new byte[] {3, 4}), server.nextMessage());
        pair.client.getBasicRemote().sendObject(new Label("x".repeat(20_000)));
        assertEquals("label:" + "x".repeat(20_000), server.nextMessage());
        pair.client.getAsyncRemote().sendObject(new Label("async")).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("label:async", server.nextMessage());

        assertTrue(LIFECYCLE.isEmpty(), "no destroy while open: " + LIFECYCLE);
        pair.client.close();
        server.awaitClose();
        JakartaSessionTest.awaitSessionClosed(pair.clientHost, pair.client);
        assertEquals("destroy client-config", LIFECYCLE.poll(RecordingEndpoint.WAIT_SECONDS,
                java.util.concurrent.TimeUnit.SECONDS));
    }

    // ---- codecs that fail to start, codecs that are not public

    public static final class Exploding implements Decoder.Text<Point> {
        static final IllegalStateException FAILURE = new IllegalStateException("no init today");

        @Override
        public void init(EndpointConfig config) {
            throw FAILURE;
        }

        @Override
        public Point decode(String s) {
            return new Point(0, 0);
        }

        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    @Test
    void aDecoderWhoseInitThrowsClosesTheSessionWith1011WithoutOnOpen() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RecordingEndpoint server = pointCollector();
        pair = SessionPair.create();
        pair.openServer(server, config(List.of(), List.of(Exploding.class)));
        pair.openClient(client, SessionPair.config());
        assertSame(Exploding.FAILURE, server.awaitError());
        assertEquals(1011, client.awaitClose().getCloseCode().getCode());
        assertEquals(1011, server.awaitClose().getCloseCode().getCode());
        assertFalse(server.events.contains("open"), "onOpen is not called: " + server.events);
    }

    /** Package-private, so its implicit constructor is too: deployment accepts it, and so must the session. */
    static final class Hidden implements Decoder.Text<Point> {
        @Override
        public Point decode(String s) {
            return new Point(s.length(), -1);
        }

        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    @Test
    void codecClassesNeedNotBePublic() throws Exception {
        RecordingEndpoint server = pointCollector();
        pair = SessionPair.create();
        pair.openServer(server, config(List.of(), List.of(Hidden.class)));
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        pair.client.getBasicRemote().sendText("four");
        assertEquals(new Point(4, -1), server.nextMessage());
        assertTrue(server.errors.isEmpty(), "errors: " + server.errors);
    }
}
