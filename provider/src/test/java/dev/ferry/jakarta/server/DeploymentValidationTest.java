package dev.ferry.jakarta.server;

import dev.ferry.jakarta.InstalledExtensions;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One row per badly formed endpoint: deployment fails and the message names the class, the method and the rule. */
class DeploymentValidationTest {

    private static JakartaServerContainer container() {
        return new JakartaServerContainer(new InstalledExtensions(), () -> {
            throw new AssertionError("no client in these tests");
        });
    }

    public static final class Foo {
    }

    public static final class FooDecoder implements Decoder.Text<Foo> {
        @Override
        public Foo decode(String s) throws DecodeException {
            return new Foo();
        }

        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    @ServerEndpoint("/two-text")
    public static final class TwoTextHandlers {
        @OnMessage
        public void first(String text) {
        }

        @OnMessage
        public void second(String text, Session session) {
        }
    }

    @ServerEndpoint("/text-and-reader")
    public static final class TextAndReader {
        @OnMessage
        public void text(String text) {
        }

        @OnMessage
        public void reader(java.io.Reader reader) {
        }
    }

    @ServerEndpoint("/two-binary")
    public static final class TwoBinaryHandlers {
        @OnMessage
        public void bytes(byte[] data) {
        }

        @OnMessage
        public void buffer(ByteBuffer data, boolean last) {
        }
    }

    @ServerEndpoint("/two-pong")
    public static final class TwoPongHandlers {
        @OnMessage
        public void a(PongMessage pong) {
        }

        @OnMessage
        public void b(PongMessage pong, Session session) {
        }
    }

    @ServerEndpoint("/two-open")
    public static final class TwoOnOpen {
        @OnOpen
        public void a() {
        }

        @OnOpen
        public void b(Session session) {
        }
    }

    @ServerEndpoint("/bad-open")
    public static final class BadOnOpenParameter {
        @OnOpen
        public void open(String notAllowed) {
        }
    }

    @ServerEndpoint("/bad-close")
    public static final class BadOnCloseParameter {
        @OnClose
        public void close(Session session, EndpointConfig config) {
        }
    }

    @ServerEndpoint("/error-without-throwable")
    public static final class OnErrorWithoutThrowable {
        @OnError
        public void error(Session session) {
        }
    }

    @ServerEndpoint("/message-without-payload")
    public static final class OnMessageWithoutPayload {
        @OnMessage
        public void message(Session session) {
        }
    }

    @ServerEndpoint("/message-two-payloads")
    public static final class OnMessageTwoPayloads {
        @OnMessage
        public void message(String a, String b) {
        }
    }

    @ServerEndpoint("/partial-reader")
    public static final class PartialReader {
        @OnMessage
        public void message(java.io.Reader reader, boolean last) {
        }
    }

    @ServerEndpoint("/no-decoder")
    public static final class MissingDecoder {
        @OnMessage
        public void message(Foo foo) {
        }
    }

    @ServerEndpoint("/rooms/{room}")
    public static final class PrimitivePathParamNotInTemplate {
        @OnOpen
        public void open(@PathParam("roon") int room) {
        }
    }

    @ServerEndpoint("/rooms/{room}")
    public static final class PathParamOfUnsupportedType {
        @OnMessage
        public void message(String text, @PathParam("room") Foo room) {
        }
    }

    @ServerEndpoint("/non-public")
    public static final class NonPublicMethod {
        @OnMessage
        void message(String text) {
        }
    }

    @ServerEndpoint("/static")
    public static final class StaticMethod {
        @OnMessage
        public static void message(String text) {
        }
    }

    @ServerEndpoint("/two-events")
    public static final class TwoEventsOnOneMethod {
        @OnOpen
        @OnClose
        public void both(Session session) {
        }
    }

    /** WSC-4.8.1 as the TCK reads it: Java inheritance applies to the annotations. */
    public static class AnnotatedBase {
        @OnOpen
        public void open(Session session) {
        }

        @OnMessage
        public void text(String text) {
        }

        @OnError
        public void error(Throwable error) {
        }
    }

    @ServerEndpoint("/inherits-open-twice")
    public static final class InheritsOnOpenAndAddsOne extends AnnotatedBase {
        @OnOpen
        public void another(Session session, EndpointConfig config) {
        }
    }

    @ServerEndpoint("/inherits-text-twice")
    public static final class InheritsTextAndAddsOne extends AnnotatedBase {
        @OnMessage
        public void gotMessage(String text) {
        }
    }

    @ServerEndpoint("/inherits-error-twice")
    public static final class InheritsErrorAndAddsOne extends AnnotatedBase {
        @OnError
        public void onError(Session session, Throwable error) {
        }
    }

    @ServerEndpoint("/max-zero")
    public static final class MaxMessageSizeZero {
        @OnMessage(maxMessageSize = 0)
        public void message(String text) {
        }
    }

    @ServerEndpoint("a/relative")
    public static final class RelativePath {
    }

    @ServerEndpoint("/a/../b")
    public static final class DotDotPath {
    }

    @ServerEndpoint("/abstract")
    public abstract static class AbstractEndpoint {
    }

    public static final class NotAnnotated {
    }

    public static final class NoDefaultConstructorDecoder implements Decoder.Text<Foo> {
        public NoDefaultConstructorDecoder(String required) {
        }

        @Override
        public Foo decode(String s) {
            return new Foo();
        }

        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    @ServerEndpoint(value = "/bad-decoder", decoders = NoDefaultConstructorDecoder.class)
    public static final class BadDecoder {
        @OnMessage
        public void message(Foo foo) {
        }
    }

    public static final class BadConfigurator extends ServerEndpointConfig.Configurator {
        public BadConfigurator(String required) {
        }
    }

    @ServerEndpoint(value = "/bad-configurator", configurator = BadConfigurator.class)
    public static final class UncreatableConfigurator {
    }

    static Stream<Arguments> badEndpoints() {
        return Stream.of(
                Arguments.of(TwoTextHandlers.class, "second(String, Session)", "TEXT messages"),
                Arguments.of(TextAndReader.class, "text(String)", "TEXT messages"),
                Arguments.of(TwoBinaryHandlers.class, "bytes(byte[])", "BINARY messages"),
                Arguments.of(TwoPongHandlers.class, "b(PongMessage, Session)", "PONG messages"),
                Arguments.of(TwoOnOpen.class, "b(Session)", "second @OnOpen"),
                Arguments.of(BadOnOpenParameter.class, "open(String)", "cannot take"),
                Arguments.of(BadOnCloseParameter.class, "close(Session, EndpointConfig)", "cannot take"),
                Arguments.of(OnErrorWithoutThrowable.class, "error(Session)", "no Throwable parameter"),
                Arguments.of(OnMessageWithoutPayload.class, "message(Session)", "no message parameter"),
                Arguments.of(OnMessageTwoPayloads.class, "message(String, String)", "expected one message"),
                Arguments.of(PartialReader.class, "message(Reader, boolean)", "partial messages come only as"),
                Arguments.of(MissingDecoder.class, "message(Foo)", "no configured decoder"),
                Arguments.of(PrimitivePathParamNotInTemplate.class, "open(int)", "has no variable {roon}"),
                Arguments.of(PathParamOfUnsupportedType.class, "message(String, Foo)", "expected String, a primitive"),
                Arguments.of(NonPublicMethod.class, "message(String)", "must be public"),
                Arguments.of(StaticMethod.class, "message(String)", "must not be static"),
                Arguments.of(TwoEventsOnOneMethod.class, "both(Session)", "one method handles one event"),
                Arguments.of(InheritsOnOpenAndAddsOne.class, "another(Session, EndpointConfig)",
                        "second @OnOpen"),
                Arguments.of(InheritsTextAndAddsOne.class, "text(String)", "TEXT messages"),
                Arguments.of(InheritsErrorAndAddsOne.class, "error(Throwable)", "second @OnError"),
                Arguments.of(MaxMessageSizeZero.class, "message(String)", "maxMessageSize = 0"),
                Arguments.of(RelativePath.class, "", "must start with '/'"),
                Arguments.of(DotDotPath.class, "", "relative segment '..'"),
                Arguments.of(AbstractEndpoint.class, "", "abstract"),
                Arguments.of(NotAnnotated.class, "", "not annotated with @ServerEndpoint"),
                Arguments.of(BadDecoder.class, NoDefaultConstructorDecoder.class.getName(), "no no-arg constructor"),
                Arguments.of(UncreatableConfigurator.class, BadConfigurator.class.getName(),
                        "cannot create its configurator"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEndpoints")
    void deploymentFailsNamingClassAndMethod(Class<?> endpoint, String method, String rule) {
        DeploymentException failure = assertThrows(DeploymentException.class,
                () -> container().addEndpoint(endpoint));
        String message = failure.getMessage();
        assertTrue(message.contains(endpoint.getName()), () -> "class not named: " + message);
        assertTrue(message.contains(method), () -> "method not named: " + message);
        assertTrue(message.contains(rule), () -> "rule not stated: " + message);
    }

    @ServerEndpoint(value = "/decoded", decoders = FooDecoder.class)
    public static final class DecodedWithDecoder {
        @OnMessage
        public void message(Foo foo, Session session) {
        }

        @OnMessage
        public void binary(ByteBuffer part, boolean last) {
        }

        @OnMessage
        public void pong(PongMessage pong) {
        }

        @OnOpen
        public void open(Session session, EndpointConfig config, @PathParam("unused") String unusedAbsent) {
        }
    }

    @ServerEndpoint("/inherits-all")
    public static final class InheritsEverything extends AnnotatedBase {
    }

    @ServerEndpoint("/overrides-all")
    public static final class OverridesWithAnnotations extends AnnotatedBase {
        @Override
        @OnOpen
        public void open(Session session) {
        }

        @Override
        @OnMessage
        public void text(String text) {
        }

        @Override
        @OnError
        public void error(Throwable error) {
        }
    }

    @ServerEndpoint("/overrides-drop")
    public static final class OverridesWithoutAnnotations extends AnnotatedBase {
        @Override
        public void text(String text) {
        }

        @OnMessage
        public void reader(java.io.Reader reader) {
        }
    }

    @Test
    void inheritedAnnotationsCountAndOverridesReplaceThem() throws DeploymentException {
        JakartaServerContainer container = container();
        container.addEndpoint(InheritsEverything.class);
        container.addEndpoint(OverridesWithAnnotations.class);
        container.addEndpoint(OverridesWithoutAnnotations.class);
        var inherited = container.model(InheritsEverything.class);
        assertTrue(inherited.onOpen().orElseThrow().method().getDeclaringClass() == AnnotatedBase.class);
        var overriding = container.model(OverridesWithAnnotations.class);
        assertTrue(overriding.onOpen().orElseThrow().method().getDeclaringClass() == OverridesWithAnnotations.class);
        assertTrue(overriding.messages().get(0).method().method().getDeclaringClass()
                == OverridesWithAnnotations.class);
        var dropped = container.model(OverridesWithoutAnnotations.class);
        assertTrue(dropped.messages().size() == 1
                && dropped.messages().get(0).method().method().getName().equals("reader"),
                "an override without @OnMessage drops the inherited text handler");
    }

    @Test
    void aStringPathParamAbsentFromTheTemplateIsAllowed() throws DeploymentException {
        JakartaServerContainer container = container();
        container.addEndpoint(DecodedWithDecoder.class);
        assertTrue(container.model(DecodedWithDecoder.class).onOpen().isPresent());
    }

    @ServerEndpoint(value = "/ok/{id}", decoders = FooDecoder.class)
    public static final class EveryFormOnce {
        @OnMessage
        public String text(Foo foo, @PathParam("id") int id, Session session) {
            return "ok";
        }

        @OnMessage(maxMessageSize = 10)
        public byte[] binary(byte[] part, boolean last) {
            return part;
        }

        @OnMessage
        public void pong(PongMessage pong) {
        }

        @OnOpen
        public void open(Session session, EndpointConfig config, @PathParam("id") Long id) {
        }

        @OnClose
        public void close(CloseReason reason, Session session) {
        }

        @OnError
        public void error(Throwable error, @PathParam("id") String id) {
        }
    }

    @Test
    void aValidEndpointDeploysAndItsPathMatches() throws DeploymentException {
        JakartaServerContainer container = container();
        container.addEndpoint(EveryFormOnce.class);
        EndpointRegistry.Match match = container.match("/ok/7");
        assertTrue(match != null && match.pathParameters().get("id").equals("7"));
        assertTrue(container.model(EveryFormOnce.class).messages().size() == 3);
    }

    @Test
    void deployingTheSameClassOrConfigurationAgainIsHarmless() throws DeploymentException {
        JakartaServerContainer container = container();
        container.addEndpoint(EveryFormOnce.class);
        container.addEndpoint(EveryFormOnce.class);
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Programmatic.class, "/p").build();
        container.addEndpoint(config);
        container.addEndpoint(config);
        assertTrue(container.endpoints().size() == 2);
        assertThrows(DeploymentException.class, () -> container.addEndpoint(
                ServerEndpointConfig.Builder.create(Programmatic.class, "/p").build()),
                "another configuration at the same path is a conflict");
    }

    @Test
    void anEquivalentPathOfASecondEndpointIsRejected() throws DeploymentException {
        JakartaServerContainer container = container();
        container.addEndpoint(EveryFormOnce.class);
        DeploymentException failure = assertThrows(DeploymentException.class, () -> container.addEndpoint(
                ServerEndpointConfig.Builder.create(Programmatic.class, "/ok/{other}").build()));
        assertTrue(failure.getMessage().contains(Programmatic.class.getName()), failure.getMessage());
        assertTrue(failure.getMessage().contains(EveryFormOnce.class.getName()), failure.getMessage());
    }

    public static final class Programmatic extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
        }
    }

    @Test
    void addEndpointAfterDeploymentClosedIsIllegalState() throws DeploymentException {
        JakartaServerContainer container = container();
        container.addEndpoint(ServerEndpointConfig.Builder.create(Programmatic.class, "/p").build());
        container.closeDeployment();
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> container.addEndpoint(
                ServerEndpointConfig.Builder.create(Programmatic.class, "/q").build()));
        assertTrue(failure.getMessage().contains("deployment of this container is closed"), failure.getMessage());
        assertThrows(IllegalStateException.class, () -> container.addEndpoint(EveryFormOnce.class));
    }

    /** Jakarta WebSocket 2.2 §5.2.1 (TCK negdep): one error halts the whole application's deployment. */
    @Test
    void aDeploymentErrorRemovesEarlierEndpointsAndRefusesLaterOnes() throws DeploymentException {
        JakartaServerContainer container = container();
        container.addEndpoint(ServerEndpointConfig.Builder.create(Programmatic.class, "/valid").build());
        assertTrue(container.match("/valid") != null);
        DeploymentException first = assertThrows(DeploymentException.class,
                () -> container.addEndpoint(TwoTextHandlers.class));
        assertTrue(container.match("/valid") == null, "the valid endpoint must be out of service");
        DeploymentException later = assertThrows(DeploymentException.class, () -> container.addEndpoint(
                ServerEndpointConfig.Builder.create(Programmatic.class, "/later").build()));
        assertTrue(later.getMessage().contains("deployment already failed"), later.getMessage());
        assertTrue(container.match("/later") == null);
        assertTrue(first == container.deploymentFailure());
    }

    @Test
    void programmaticEndpointsNeedOnlyAValidPath() {
        JakartaServerContainer container = container();
        assertDoesNotThrow(() -> container.addEndpoint(
                ServerEndpointConfig.Builder.create(Programmatic.class, "/p/{x}").subprotocols(List.of("a")).build()));
        DeploymentException failure = assertThrows(DeploymentException.class, () -> container.addEndpoint(
                ServerEndpointConfig.Builder.create(Programmatic.class, "/p/../q").build()));
        assertTrue(failure.getMessage().contains(Programmatic.class.getName()), failure.getMessage());
    }
}
