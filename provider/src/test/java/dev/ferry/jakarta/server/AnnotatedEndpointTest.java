package dev.ferry.jakarta.server;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.ferry.jakarta.server.OpenConnections.deploy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Annotated endpoints end to end: deployed on a {@link JakartaServerContainer}, reached through the upgrade seam,
 * run over an in-memory transport against a client session. Every parameter form, return values, partial messages,
 * decoders and encoders, path parameters, error and close sequencing, and {@code maxMessageSize}.
 */
class AnnotatedEndpointTest {

    @RegisterExtension
    final OpenConnections connections = new OpenConnections();

    // ---- whole messages and return values -----------------------------------------------------------------

    @ServerEndpoint("/text")
    public static final class TextEcho {
        @OnMessage
        public String echo(String text, Session session) {
            return text + "|" + session.getId().isEmpty();
        }

        @OnMessage
        public ByteBuffer binary(ByteBuffer data) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining() + 1);
            copy.put(data).put((byte) 9).flip();
            return copy;
        }
    }

    @Test
    void stringAndByteBufferMessagesAndTheirReturnValues() throws Exception {
        Connection c = connections.open(deploy(TextEcho.class), "/text");
        c.client.getBasicRemote().sendText("hello");
        c.expectText("hello|false");
        c.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2}));
        assertArrayEquals(new byte[] {1, 2, 9}, (byte[]) c.next());
    }

    @ServerEndpoint("/primitive")
    public static final class Primitive {
        @OnMessage
        public int increment(int value) {
            return value + 1;
        }

        @OnMessage
        public byte[] reverse(byte[] data) {
            byte[] reversed = new byte[data.length];
            for (int i = 0; i < data.length; i++) {
                reversed[i] = data[data.length - 1 - i];
            }
            return reversed;
        }
    }

    @Test
    void primitivesAreDecodedFromTextAndReturnedAsTextAndByteArraysAsBinary() throws Exception {
        Connection c = connections.open(deploy(Primitive.class), "/primitive");
        c.client.getBasicRemote().sendText("41");
        c.expectText("42");
        c.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {3, 2, 1}, (byte[]) c.next());
    }

    @ServerEndpoint("/boxed")
    public static final class Boxed {
        @OnMessage
        public Boolean negate(Boolean value) {
            return !value;
        }
    }

    @Test
    void boxedPrimitivesToo() throws Exception {
        Connection c = connections.open(deploy(Boxed.class), "/boxed");
        c.client.getBasicRemote().sendText("true");
        c.expectText("false");
    }

    @ServerEndpoint("/streams")
    public static final class Streams {
        @OnMessage
        public String read(Reader reader) throws IOException {
            StringBuilder text = new StringBuilder();
            char[] chunk = new char[3];
            for (int n; (n = reader.read(chunk)) >= 0; ) {
                text.append(chunk, 0, n);
            }
            return "reader:" + text;
        }

        @OnMessage
        public String read(InputStream in) throws IOException {
            return "stream:" + in.readAllBytes().length;
        }
    }

    @Test
    void readerAndInputStreamReceiveWholeMessages() throws Exception {
        Connection c = connections.open(deploy(Streams.class), "/streams");
        c.client.getBasicRemote().sendText("streamed text");
        c.expectText("reader:streamed text");
        c.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[1000]));
        c.expectText("stream:1000");
    }

    // ---- partial messages ----------------------------------------------------------------------------------

    @ServerEndpoint("/partial")
    public static final class Partial {
        private final StringBuilder text = new StringBuilder();
        private int binaryParts;
        private int binaryBytes;

        @OnMessage
        public String text(String part, boolean last) {
            text.append(part).append(last ? "" : "+");
            if (!last) {
                return null;
            }
            String whole = text.toString();
            text.setLength(0);
            return whole;
        }

        @OnMessage
        public void binary(boolean last, byte[] part, Session session) throws IOException {
            binaryParts++;
            binaryBytes += part.length;
            if (last) {
                session.getBasicRemote().sendText("binary " + binaryParts + " parts, " + binaryBytes + " bytes");
                binaryParts = 0;
                binaryBytes = 0;
            }
        }
    }

    @Test
    void partialMessagesArriveWithTheirLastFlag() throws Exception {
        Connection c = connections.open(deploy(Partial.class), "/partial");
        c.client.getBasicRemote().sendText("ab", false);
        c.client.getBasicRemote().sendText("cd", false);
        c.client.getBasicRemote().sendText("ef", true);
        String received = (String) c.next();
        // Parts may be split further or merged by the session, but the text and its end are preserved.
        assertEquals("abcdef", received.replace("+", ""));
        assertTrue(received.startsWith("ab"), received);
        c.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[10]), false);
        c.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[5]), true);
        String binary = (String) c.next();
        assertTrue(binary.endsWith(" parts, 15 bytes"), binary);
    }

    // ---- pongs ---------------------------------------------------------------------------------------------

    @ServerEndpoint("/pong")
    public static final class Pong {
        @OnMessage
        public String pong(PongMessage pong, Session session) {
            return "got pong " + StandardCharsets.UTF_8.decode(pong.getApplicationData());
        }
    }

    @Test
    void pongMessagesReachThePongMethodAndItsResultIsSent() throws Exception {
        Connection c = connections.open(deploy(Pong.class), "/pong");
        c.client.getBasicRemote().sendPong(ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8)));
        c.expectText("got pong p1");
    }

    // ---- decoders and encoders -----------------------------------------------------------------------------

    public record Point(int x, int y) {
    }

    public static final class PointDecoder implements Decoder.Text<Point> {
        @Override
        public Point decode(String s) throws DecodeException {
            String[] parts = s.split(",");
            try {
                return new Point(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            } catch (RuntimeException e) {
                throw new DecodeException(s, "expected x,y", e);
            }
        }

        @Override
        public boolean willDecode(String s) {
            return s.contains(",");
        }
    }

    public static final class PointEncoder implements Encoder.Text<Point> {
        @Override
        public String encode(Point point) throws EncodeException {
            return "(" + point.x() + " " + point.y() + ")";
        }
    }

    @ServerEndpoint(value = "/points", decoders = PointDecoder.class, encoders = PointEncoder.class)
    public static final class Points {
        @OnMessage
        public Point swap(Point point) {
            return new Point(point.y(), point.x());
        }

        @OnError
        public void error(Throwable error, Session session) throws IOException {
            session.getBasicRemote().sendText("error " + error.getClass().getSimpleName());
        }
    }

    @Test
    void decodedParametersAndEncodedReturnValues() throws Exception {
        Connection c = connections.open(deploy(Points.class), "/points");
        c.client.getBasicRemote().sendText("1,2");
        c.expectText("(2 1)");
        c.client.getBasicRemote().sendText("1,x");
        c.expectText("error DecodeException");
    }

    /** Writes {@code length} characters, then fails: a stream encoder that breaks part way. */
    public static final class BreakingStreamEncoder implements Encoder.TextStream<Point> {
        @Override
        public void encode(Point point, java.io.Writer writer) throws EncodeException, IOException {
            writer.write("x".repeat(point.x()));
            if (point.y() < 0) {
                throw new IOException("broken after " + point.x());
            }
            throw new EncodeException(point, "broken after " + point.x());
        }
    }

    @ServerEndpoint(value = "/breaking", decoders = PointDecoder.class, encoders = BreakingStreamEncoder.class)
    public static final class Breaking {
        @OnMessage
        public Point echo(Point point) {
            return point;
        }

        @OnError
        public void error(Throwable error, Session session) throws IOException {
            session.getBasicRemote().sendText("error " + error.getClass().getSimpleName() + ": "
                    + error.getMessage());
        }
    }

    @Test
    void aReturnedValueWhoseStreamEncoderThrowsReachesOnErrorAndNothingOfItIsSent() throws Exception {
        Connection c = connections.open(deploy(Breaking.class), "/breaking");
        c.client.getBasicRemote().sendText("5,1");
        c.expectText("error EncodeException: broken after 5");
        c.client.getBasicRemote().sendText("3,-1");
        c.expectText("error IOException: broken after 3");
        assertTrue(c.server.isOpen());
    }

    @Test
    void aStreamEncoderThatThrowsAfterAFragmentLeftClosesWith1011() throws Exception {
        Connection c = connections.open(deploy(Breaking.class), "/breaking");
        c.client.getBasicRemote().sendText("20000,1"); // more than the send writer's 8192-character fragment
        c.expectClose(CloseReason.CloseCodes.UNEXPECTED_CONDITION);
    }

    // ---- path parameters and lifecycle parameters ----------------------------------------------------------

    @ServerEndpoint("/rooms/{room}/{seat}")
    public static final class Room {
        @OnOpen
        public void open(Session session, EndpointConfig config, @PathParam("room") String room,
                         @PathParam("seat") Integer seat) throws IOException {
            session.getBasicRemote().sendText("open " + room + " " + seat + " "
                    + ((ServerEndpointConfig) config).getPath());
        }

        @OnMessage
        public String message(String text, @PathParam("seat") int seat) {
            return text + "@" + (seat + 1);
        }

        @OnError
        public void error(Session session, Throwable error, @PathParam("room") String room) throws IOException {
            session.getBasicRemote().sendText("error in " + room + ": " + error.getClass().getSimpleName());
        }
    }

    @ServerEndpoint("/unused/{used}")
    public static final class UnmatchedName {
        @OnMessage
        public String message(String text, @PathParam("other") String other, @PathParam("used") String used) {
            return text + " " + other + " " + used;
        }
    }

    @Test
    void aPathParamNameNotInTheTemplateIsNull() throws Exception {
        Connection c = connections.open(deploy(UnmatchedName.class), "/unused/u");
        c.client.getBasicRemote().sendText("hi");
        c.expectText("hi null u");
    }

    @ServerEndpoint("/flags/{flag}")
    public static final class BracedName {
        @OnMessage
        public String message(@PathParam("{flag}") Boolean flag, boolean value, Session session) {
            return value + "" + flag;
        }
    }

    @Test
    void aPathParamNameWrittenWithBracesNamesTheVariable() throws Exception {
        Connection c = connections.open(deploy(BracedName.class), "/flags/false");
        c.client.getBasicRemote().sendText("true");
        c.expectText("truefalse");
    }

    @ServerEndpoint("/order/{f}/{e}/{d}/{c}/{b}/{a}/{g}/{h}")
    public static final class ManyVariables {
        @OnMessage
        public String keys(String text, Session session) {
            return String.join(",", session.getPathParameters().keySet());
        }
    }

    @Test
    void getPathParametersIteratesInTheTemplatesOrder() throws Exception {
        Connection c = connections.open(deploy(ManyVariables.class), "/order/1/2/3/4/5/6/7/8");
        c.client.getBasicRemote().sendText("keys?");
        c.expectText("f,e,d,c,b,a,g,h");
    }

    @Test
    void pathParametersAreDecodedAndConverted() throws Exception {
        Connection c = connections.open(deploy(Room.class), "/rooms/blue%20room/7");
        c.expectText("open blue room 7 /rooms/{room}/{seat}");
        c.client.getBasicRemote().sendText("hi");
        c.expectText("hi@8");
    }

    @Test
    void aPathParameterThatDoesNotConvertGoesToOnError() throws Exception {
        Connection c = connections.open(deploy(Room.class), "/rooms/red/seven");
        c.expectText("error in red: DecodeException");
        c.client.getBasicRemote().sendText("hi");
        c.expectText("error in red: DecodeException");
        assertTrue(c.server.isOpen());
    }

    // ---- errors, close and their order ---------------------------------------------------------------------

    @ServerEndpoint("/lifecycle")
    public static final class Lifecycle {
        private BlockingQueue<String> log;

        @OnOpen
        @SuppressWarnings("unchecked")
        public void open(EndpointConfig config) {
            log = (BlockingQueue<String>) config.getUserProperties().get("log");
            log.add("open");
        }

        @OnMessage
        public void message(String text) {
            log.add("message " + text);
            throw new IllegalStateException("boom " + text);
        }

        @OnError
        public void error(Throwable error) {
            log.add("error " + error.getMessage());
        }

        @OnClose
        public void close(CloseReason reason, Session session) {
            log.add("close " + reason.getCloseCode().getCode());
        }
    }

    @Test
    void anExceptionGoesToOnErrorAndCloseArrivesOnceAfterIt() throws Exception {
        BlockingQueue<String> log = new LinkedBlockingQueue<>();
        JakartaServerContainer container = deploy();
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Lifecycle.class, "/lifecycle").build();
        config.getUserProperties().put("log", log);
        container.addEndpoint(config);
        Connection c = connections.open(container, "/lifecycle");
        assertEquals("open", log.poll(Connection.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        c.client.getBasicRemote().sendText("x");
        assertEquals("message x", log.poll(Connection.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals("error boom x", log.poll(Connection.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertTrue(c.server.isOpen(), "an @OnError method handles the error; the session stays open");
        c.client.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "bye"));
        assertEquals("close 1001", log.poll(Connection.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        c.expectClose(CloseReason.CloseCodes.GOING_AWAY);
        assertEquals(null, log.poll(200, TimeUnit.MILLISECONDS), "exactly one close");
    }

    @ServerEndpoint("/unhandled")
    public static final class Unhandled {
        @OnMessage
        public String message(String text) {
            if (text.equals("throw")) {
                throw new IllegalArgumentException("no handler for this");
            }
            return "echo " + text;
        }
    }

    @Test
    void anExceptionWithoutOnErrorIsLoggedAndTheSessionGoesOn() throws Exception {
        Connection c = connections.open(deploy(Unhandled.class), "/unhandled");
        c.client.getBasicRemote().sendText("throw");
        c.client.getBasicRemote().sendText("after");
        c.expectText("echo after");
        assertTrue(c.server.isOpen());
    }

    @ServerEndpoint("/open-fails")
    public static final class OpenFails {
        @OnOpen
        public void open() {
            throw new IllegalStateException("cannot open");
        }

        @OnError
        public void error(Session session, Throwable error) throws IOException {
            session.close(new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, error.getMessage()));
        }
    }

    @Test
    void anExceptionInOnOpenGoesToOnError() throws Exception {
        Connection c = connections.open(deploy(OpenFails.class), "/open-fails");
        CloseReason reason = c.expectClose(CloseReason.CloseCodes.CANNOT_ACCEPT);
        assertEquals("cannot open", reason.getReasonPhrase());
    }

    // ---- maxMessageSize ------------------------------------------------------------------------------------

    @ServerEndpoint("/limited")
    public static final class Limited {
        @OnMessage(maxMessageSize = 8)
        public String text(String text) {
            return "ok " + text;
        }
    }

    @Test
    void aMessageOverMaxMessageSizeClosesWith1009() throws Exception {
        Connection c = connections.open(deploy(Limited.class), "/limited");
        c.client.getBasicRemote().sendText("12345678");
        c.expectText("ok 12345678");
        c.client.getBasicRemote().sendText("123456789");
        c.expectClose(CloseReason.CloseCodes.TOO_BIG);
    }

    @ServerEndpoint("/limited-binary")
    public static final class LimitedBinary {
        @OnMessage(maxMessageSize = 100)
        public void binary(ByteBuffer part, boolean last, Session session) throws IOException {
            if (last) {
                session.getBasicRemote().sendText("done");
            }
        }
    }

    @Test
    void aBinaryMessageOverMaxMessageSizeClosesWith1009() throws Exception {
        Connection c = connections.open(deploy(LimitedBinary.class), "/limited-binary");
        c.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[100]));
        c.expectText("done");
        c.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[101]));
        c.expectClose(CloseReason.CloseCodes.TOO_BIG);
    }

    // ---- inheritance ---------------------------------------------------------------------------------------

    public static class Base {
        @OnMessage
        public String text(String text) {
            return "base " + text;
        }

        @OnOpen
        public void open(Session session) throws IOException {
            session.getBasicRemote().sendText("base open");
        }
    }

    @ServerEndpoint("/derived")
    public static final class Derived extends Base {
        @Override
        @OnOpen
        public void open(Session session) throws IOException {
            session.getBasicRemote().sendText("derived open");
        }

        @OnMessage
        public byte[] binary(byte[] data) {
            return data;
        }
    }

    @Test
    void annotatedMethodsOfSuperclassesCountAndOverridesWin() throws Exception {
        Connection c = connections.open(deploy(Derived.class), "/derived");
        c.expectText("derived open");
        c.client.getBasicRemote().sendText("x");
        c.expectText("base x");
    }

    @Test
    void theContainerDefaultsApplyToNewSessions() throws Exception {
        JakartaServerContainer container = deploy(TextEcho.class);
        container.setDefaultMaxSessionIdleTimeout(123_456);
        container.setDefaultMaxTextMessageBufferSize(1000);
        container.setDefaultMaxBinaryMessageBufferSize(2000);
        container.setAsyncSendTimeout(7_000);
        Connection c = connections.open(container, "/text");
        assertEquals(123_456, c.server.getMaxIdleTimeout());
        assertEquals(1000, c.server.getMaxTextMessageBufferSize());
        assertEquals(2000, c.server.getMaxBinaryMessageBufferSize());
        assertEquals(7_000, c.server.getAsyncRemote().getSendTimeout());
        assertEquals(container, c.server.getContainer());
    }

    @Test
    void shutdownClosesEverySessionWithGoingAway() throws Exception {
        JakartaServerContainer container = deploy(TextEcho.class, Primitive.class);
        Connection first = connections.open(container, "/text");
        Connection second = connections.open(container, "/primitive");
        container.shutdown();
        first.expectClose(CloseReason.CloseCodes.GOING_AWAY);
        second.expectClose(CloseReason.CloseCodes.GOING_AWAY);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> container.addEndpoint(Boxed.class));
    }

    /** Hands each connection a value through the user properties, as applications pass handshake data on. */
    public static final class HandingOn extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, jakarta.websocket.server.HandshakeRequest request,
                                    jakarta.websocket.HandshakeResponse response) {
            sec.getUserProperties().put("host", request.getHeaders().get("Host").get(0));
        }
    }

    @ServerEndpoint(value = "/handed-on", configurator = HandingOn.class)
    public static final class HandedOn {
        @OnOpen
        public void open(Session session, EndpointConfig config) throws IOException {
            session.getBasicRemote().sendText(session.getUserProperties().get("host") + " "
                    + config.getUserProperties().get("host"));
        }

        @OnMessage
        public void closeOnRequest(String code, Session session) throws IOException {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(Integer.parseInt(code)), "asked"));
        }
    }

    @Test
    void whatModifyHandshakeStoresReachesTheSessionAndTheServerCanClose() throws Exception {
        Connection c = connections.open(deploy(HandedOn.class), "/handed-on");
        c.expectText("localhost localhost");
        c.client.getBasicRemote().sendText("4001");
        CloseReason reason = c.expectClose(CloseReason.CloseCodes.getCloseCode(4001));
        assertEquals("asked", reason.getReasonPhrase());
    }

    // ---- what the session reports --------------------------------------------------------------------------

    @ServerEndpoint(value = "/facts", subprotocols = "chat")
    public static final class Facts {
        @OnOpen
        public void open(Session session) throws IOException {
            session.getBasicRemote().sendText(session.getRequestURI() + " " + session.getQueryString() + " "
                    + session.getRequestParameterMap().get("a") + " " + session.getNegotiatedSubprotocol() + " "
                    + session.getOpenSessions().size());
        }
    }

    @Test
    void theSessionReportsTheHandshakesFacts() throws Exception {
        JakartaServerContainer container = deploy(Facts.class);
        Connection c = connections.open(container, "/facts?a=1&a=2", List.of("chat"));
        c.expectText("ws://localhost/facts?a=1&a=2 a=1&a=2 [1, 2] chat 1"); // complete: scheme to query
        Connection second = connections.open(container, "/facts");
        Object event = second.next();
        assertNotNull(event);
        assertInstanceOf(String.class, event);
        assertTrue(((String) event).endsWith(" 2"), (String) event);
    }
}
