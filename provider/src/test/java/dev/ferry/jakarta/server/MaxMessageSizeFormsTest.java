package dev.ferry.jakarta.server;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;

import static dev.ferry.jakarta.server.OpenConnections.deploy;

/**
 * {@code @OnMessage(maxMessageSize)} in one unit for every form: bytes, UTF-8 for text (the annotation's Javadoc
 * says bytes). Each text endpoint allows 10 bytes: five {@code é} (5 characters, 10 bytes) pass, six (6 characters,
 * 12 bytes) close the session with 1009. Six characters are under a limit of 10 counted in characters, so each test
 * fails if its form counts characters. The stream decoders' parameters (the last gap of issue 3's audit) are bounded
 * too.
 */
class MaxMessageSizeFormsTest {

    private static final String TEN_BYTES = "\u00e9".repeat(5);
    private static final String TWELVE_BYTES = "\u00e9".repeat(6);

    @RegisterExtension
    final OpenConnections connections = new OpenConnections();

    /** A decoded type. */
    public record Word(String text) { }

    /** A decoded binary type. */
    public record Blob(int length) { }

    public static final class WordDecoder implements Decoder.Text<Word> {
        @Override
        public Word decode(String s) {
            return new Word(s);
        }

        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    public static final class WordStreamDecoder implements Decoder.TextStream<Word> {
        @Override
        public Word decode(Reader reader) throws DecodeException, IOException {
            StringBuilder text = new StringBuilder();
            char[] buffer = new char[256];
            for (int n; (n = reader.read(buffer)) >= 0; ) {
                text.append(buffer, 0, n);
            }
            return new Word(text.toString());
        }
    }

    public static final class BlobStreamDecoder implements Decoder.BinaryStream<Blob> {
        @Override
        public Blob decode(InputStream in) throws DecodeException, IOException {
            return new Blob(in.readAllBytes().length);
        }
    }

    @ServerEndpoint("/whole")
    public static final class WholeText {
        @OnMessage(maxMessageSize = 10)
        public String text(String text) {
            return "got " + text;
        }
    }

    @ServerEndpoint("/partial")
    public static final class PartialText {
        private final StringBuilder message = new StringBuilder();

        @OnMessage(maxMessageSize = 10)
        public void text(String part, boolean last, Session session) throws IOException {
            message.append(part);
            if (last) {
                session.getBasicRemote().sendText("got " + message);
                message.setLength(0);
            }
        }
    }

    @ServerEndpoint("/reader")
    public static final class ReaderText {
        @OnMessage(maxMessageSize = 10)
        public String text(Reader reader) throws IOException {
            StringBuilder text = new StringBuilder();
            for (int c; (c = reader.read()) >= 0; ) {
                text.append((char) c);
            }
            return "got " + text;
        }
    }

    @ServerEndpoint(value = "/decoded", decoders = WordDecoder.class)
    public static final class DecodedText {
        @OnMessage(maxMessageSize = 10)
        public String text(Word word) {
            return "got " + word.text();
        }
    }

    @ServerEndpoint(value = "/decoded-stream", decoders = WordStreamDecoder.class)
    public static final class DecodedTextStream {
        @OnMessage(maxMessageSize = 10)
        public String text(Word word) {
            return "got " + word.text();
        }
    }

    @ServerEndpoint(value = "/decoded-binary-stream", decoders = BlobStreamDecoder.class)
    public static final class DecodedBinaryStream {
        @OnMessage(maxMessageSize = 2000)
        public String binary(Blob blob) {
            return "got " + blob.length();
        }
    }

    private void tenBytesPassTwelveClose(Class<?> endpoint, String uri) throws Exception {
        Connection c = connections.open(deploy(endpoint), uri);
        c.client.getBasicRemote().sendText(TEN_BYTES);
        c.expectText("got " + TEN_BYTES);
        c.client.getBasicRemote().sendText(TWELVE_BYTES);
        c.expectClose(CloseReason.CloseCodes.TOO_BIG);
    }

    @Test
    void wholeStringCountsUtf8Bytes() throws Exception {
        tenBytesPassTwelveClose(WholeText.class, "/whole");
    }

    @Test
    void partialStringCountsUtf8Bytes() throws Exception {
        tenBytesPassTwelveClose(PartialText.class, "/partial");
    }

    @Test
    void readerCountsUtf8Bytes() throws Exception {
        tenBytesPassTwelveClose(ReaderText.class, "/reader");
    }

    @Test
    void decodedTextCountsUtf8Bytes() throws Exception {
        tenBytesPassTwelveClose(DecodedText.class, "/decoded");
    }

    @Test
    void aTextStreamDecodersParameterCountsUtf8Bytes() throws Exception {
        tenBytesPassTwelveClose(DecodedTextStream.class, "/decoded-stream");
    }

    @Test
    void aTextStreamDecodersParameterIsBoundedWhenTheMessageIsFarLarger() throws Exception {
        Connection c = connections.open(deploy(DecodedTextStream.class), "/decoded-stream");
        c.client.getBasicRemote().sendText("a".repeat(200_000));
        c.expectClose(CloseReason.CloseCodes.TOO_BIG);
    }

    @Test
    void aBinaryStreamDecodersParameterGetsMessagesUpToTheLimitAndALargerOneClosesWith1009() throws Exception {
        Connection c = connections.open(deploy(DecodedBinaryStream.class), "/decoded-binary-stream");
        c.client.getBasicRemote().sendBinary(ByteBuffer.allocate(2000));
        c.expectText("got 2000");
        c.client.getBasicRemote().sendBinary(ByteBuffer.allocate(100_000));
        c.expectClose(CloseReason.CloseCodes.TOO_BIG);
    }
}
