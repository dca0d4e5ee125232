package dev.ferry.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The handler registry's rules (Session.addMessageHandler): which type maps to which message kind and form. */
class MessageHandlersTest {

    public static final class Point { }

    public static final class PointText implements Decoder.Text<Point> {
        @Override
        public Point decode(String s) {
            return new Point();
        }

        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    public static final class PointStream implements Decoder.BinaryStream<Point> {
        @Override
        public Point decode(InputStream is) {
            return new Point();
        }
    }

    static MessageHandlers registry(List<Class<? extends Decoder>> decoders) {
        EndpointConfig config = SessionPair.config(List.of(), decoders);
        return new MessageHandlers(Codecs.create(config));
    }

    static Stream<Arguments> wholeTypes() {
        return Stream.of(
                Arguments.of(String.class, MessageHandlers.Kind.TEXT, MessageHandlers.Form.STRING),
                Arguments.of(Reader.class, MessageHandlers.Kind.TEXT, MessageHandlers.Form.READER),
                Arguments.of(Integer.class, MessageHandlers.Kind.TEXT, MessageHandlers.Form.PRIMITIVE),
                Arguments.of(int.class, MessageHandlers.Kind.TEXT, MessageHandlers.Form.PRIMITIVE),
                Arguments.of(Boolean.class, MessageHandlers.Kind.TEXT, MessageHandlers.Form.PRIMITIVE),
                Arguments.of(Character.class, MessageHandlers.Kind.TEXT, MessageHandlers.Form.PRIMITIVE),
                Arguments.of(ByteBuffer.class, MessageHandlers.Kind.BINARY, MessageHandlers.Form.BYTE_BUFFER),
                Arguments.of(byte[].class, MessageHandlers.Kind.BINARY, MessageHandlers.Form.BYTE_ARRAY),
                Arguments.of(InputStream.class, MessageHandlers.Kind.BINARY, MessageHandlers.Form.INPUT_STREAM),
                Arguments.of(PongMessage.class, MessageHandlers.Kind.PONG, MessageHandlers.Form.PONG));
    }

    @ParameterizedTest(name = "Whole<{0}> is a {1} handler")
    @MethodSource("wholeTypes")
    void wholeHandlerTypes(Class<Object> type, MessageHandlers.Kind kind, MessageHandlers.Form form) {
        MessageHandlers handlers = registry(List.of());
        MessageHandler.Whole<Object> handler = message -> { };
        handlers.add(type, handler, false);
        MessageHandlers.Registration registration = handlers.forKind(kind);
        assertEquals(form, registration.form());
        assertEquals(handler, registration.handler());
    }

    static Stream<Arguments> partialTypes() {
        return Stream.of(
                Arguments.of(String.class, MessageHandlers.Kind.TEXT),
                Arguments.of(ByteBuffer.class, MessageHandlers.Kind.BINARY),
                Arguments.of(byte[].class, MessageHandlers.Kind.BINARY));
    }

    @ParameterizedTest(name = "Partial<{0}> is a {1} handler")
    @MethodSource("partialTypes")
    void partialHandlerTypes(Class<Object> type, MessageHandlers.Kind kind) {
        MessageHandlers handlers = registry(List.of());
        handlers.add(type, (MessageHandler.Partial<Object>) (part, last) -> { }, true);
        assertEquals(true, handlers.forKind(kind).partial());
    }

    @ParameterizedTest(name = "a second {0} handler is refused")
    @MethodSource("wholeTypes")
    void oneHandlerPerMessageKind(Class<Object> type, MessageHandlers.Kind kind) {
        MessageHandlers handlers = registry(List.of());
        handlers.add(type, (MessageHandler.Whole<Object>) message -> { }, false);
        Class<?> other = switch (kind) {
            case TEXT -> String.class.equals(type) ? Reader.class : String.class;
            case BINARY -> ByteBuffer.class.equals(type) ? byte[].class : ByteBuffer.class;
            case PONG -> PongMessage.class;
        };
        @SuppressWarnings("unchecked")
        Class<Object> second = (Class<Object>) other;
        assertThrows(IllegalStateException.class,
                () -> handlers.add(second, (MessageHandler.Whole<Object>) message -> { }, false));
    }

    @Test
    void partialTextAndWholeTextShareTheTextSlot() {
        MessageHandlers handlers = registry(List.of());
        handlers.add(String.class, (MessageHandler.Partial<String>) (part, last) -> { }, true);
        assertThrows(IllegalStateException.class,
                () -> handlers.add(String.class, (MessageHandler.Whole<String>) message -> { }, false));
    }

    @Test
    void removingAHandlerFreesItsSlot() {
        MessageHandlers handlers = registry(List.of());
        MessageHandler.Whole<String> first = message -> { };
        handlers.add(String.class, first, false);
        handlers.remove(first);
        assertNull(handlers.forKind(MessageHandlers.Kind.TEXT));
        handlers.add(String.class, (MessageHandler.Whole<String>) message -> { }, false);
    }

    @Test
    void removingAHandlerLeavesTheOtherKindsAndGetMessageHandlersListsTheRest() {
        MessageHandlers handlers = registry(List.of());
        MessageHandler.Whole<String> text = message -> { };
        MessageHandler.Whole<ByteBuffer> binary = message -> { };
        MessageHandler.Whole<PongMessage> pong = message -> { };
        handlers.add(PongMessage.class, pong, false);
        handlers.add(ByteBuffer.class, binary, false);
        handlers.add(String.class, text, false);
        assertEquals(List.of(text, binary, pong), List.copyOf(handlers.all()));
        handlers.remove(binary);
        assertEquals(List.of(text, pong), List.copyOf(handlers.all()));
        assertNull(handlers.forKind(MessageHandlers.Kind.BINARY));
        assertEquals(text, handlers.forKind(MessageHandlers.Kind.TEXT).handler());
        assertThrows(UnsupportedOperationException.class, () -> handlers.all().clear());
    }

    /** Two threads racing to register a handler of one kind: exactly one wins, the other is refused. */
    @RepeatedTest(20)
    void concurrentAddsOfOneKindLetExactlyOneIn() throws Exception {
        MessageHandlers handlers = registry(List.of());
        List<MessageHandler.Whole<String>> candidates = List.of(message -> { }, message -> { });
        List<Object> outcomes = race(candidates.stream().<Callable<Object>>map(handler -> () -> {
            try {
                handlers.add(String.class, handler, false);
                return handler;
            } catch (IllegalStateException refused) {
                return refused;
            }
        }).toList());
        long refused = outcomes.stream().filter(IllegalStateException.class::isInstance).count();
        assertEquals(1, refused, outcomes.toString());
        Object winner = outcomes.stream().filter(o -> !(o instanceof IllegalStateException)).findFirst().orElseThrow();
        assertEquals(winner, handlers.forKind(MessageHandlers.Kind.TEXT).handler());
    }

    /** Two threads registering handlers of different kinds at once: both are kept. */
    @RepeatedTest(20)
    void concurrentAddsOfDifferentKindsAreBothKept() throws Exception {
        MessageHandlers handlers = registry(List.of());
        MessageHandler.Whole<String> text = message -> { };
        MessageHandler.Whole<ByteBuffer> binary = message -> { };
        race(List.<Callable<Object>>of(
                () -> {
                    handlers.add(String.class, text, false);
                    return null;
                },
                () -> {
                    handlers.add(ByteBuffer.class, binary, false);
                    return null;
                }));
        assertEquals(text, handlers.forKind(MessageHandlers.Kind.TEXT).handler());
        assertEquals(binary, handlers.forKind(MessageHandlers.Kind.BINARY).handler());
    }

    /** Runs the tasks on their own threads, released together; their results in order. */
    private static List<Object> race(List<Callable<Object>> tasks) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            CyclicBarrier start = new CyclicBarrier(tasks.size());
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<Object> task : tasks) {
                futures.add(threads.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return task.call();
                }));
            }
            List<Object> results = new ArrayList<>();
            for (Future<Object> future : futures) {
                results.add(future.get(10, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void typesWithoutDecodersAreRefused() {
        MessageHandlers handlers = registry(List.of());
        assertThrows(IllegalStateException.class,
                () -> handlers.add(Point.class, (MessageHandler.Whole<Point>) message -> { }, false));
        assertThrows(IllegalStateException.class,
                () -> handlers.add(Reader.class, (MessageHandler.Partial<Reader>) (part, last) -> { }, true));
    }

    @Test
    void decodedTypesTakeTheKindOfTheirFirstDecoder() {
        MessageHandlers text = registry(List.of(PointText.class, PointStream.class));
        text.add(Point.class, (MessageHandler.Whole<Point>) message -> { }, false);
        assertEquals(MessageHandlers.Form.DECODED, text.forKind(MessageHandlers.Kind.TEXT).form());

        MessageHandlers binary = registry(List.of(PointStream.class));
        binary.add(Point.class, (MessageHandler.Whole<Point>) message -> { }, false);
        assertEquals(MessageHandlers.Form.DECODED_STREAM, binary.forKind(MessageHandlers.Kind.BINARY).form());
    }

    static final class TypedHandler implements MessageHandler.Whole<ByteBuffer> {
        @Override
        public void onMessage(ByteBuffer message) {
        }
    }

    abstract static class GenericBase<T> implements MessageHandler.Whole<T> { }

    static final class BoundLater extends GenericBase<String> {
        @Override
        public void onMessage(String message) {
        }
    }

    @Test
    void theTypeOfAClassHandlerComesFromItsSignature() {
        MessageHandlers handlers = registry(List.of());
        handlers.add(new TypedHandler());
        handlers.add(new BoundLater());
        assertEquals(ByteBuffer.class, handlers.forKind(MessageHandlers.Kind.BINARY).type());
        assertEquals(String.class, handlers.forKind(MessageHandlers.Kind.TEXT).type());
    }

    @Test
    void aLambdaNeedsItsClassSpelledOut() {
        MessageHandlers handlers = registry(List.of());
        MessageHandler.Whole<String> lambda = message -> { };
        assertThrows(IllegalStateException.class, () -> handlers.add(lambda));
    }
}
