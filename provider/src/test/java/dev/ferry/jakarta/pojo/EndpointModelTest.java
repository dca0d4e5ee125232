package dev.ferry.jakarta.pojo;

import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointModelTest {

    public record Foo(String text) {
    }

    /** A generic base, as JSON libraries write them: the target type is bound one level down. */
    public abstract static class JsonDecoder<T> implements Decoder.Text<T> {
        @Override
        public boolean willDecode(String s) {
            return true;
        }
    }

    public static final class FooDecoder extends JsonDecoder<Foo> {
        @Override
        public Foo decode(String s) throws DecodeException {
            return new Foo(s);
        }
    }

    public static final class FooBinaryDecoder implements Decoder.BinaryStream<Foo> {
        @Override
        public Foo decode(InputStream is) {
            return new Foo("binary");
        }
    }

    @Test
    void decoderTargetTypesAreResolvedThroughGenericSuperclasses() {
        assertEquals(Foo.class, DecoderTypes.targetType(FooDecoder.class));
        assertEquals(MessageKind.TEXT, DecoderTypes.kind(FooDecoder.class));
        assertEquals(Foo.class, DecoderTypes.targetType(FooBinaryDecoder.class));
        assertEquals(MessageKind.BINARY, DecoderTypes.kind(FooBinaryDecoder.class));
    }

    @ClientEndpoint(decoders = {FooDecoder.class, FooBinaryDecoder.class})
    public static final class Client {
        @OnMessage
        public void foo(Foo foo, Session session) {
        }

        @OnOpen
        public void open() {
        }
    }

    @Test
    void aClientEndpointIsReadWithItsAnnotationsDecoders() throws DeploymentException {
        EndpointModel model = EndpointModel.readClient(Client.class);
        MessageMethod foo = model.messages().get(0);
        assertEquals(Set.of(MessageKind.TEXT, MessageKind.BINARY), foo.kinds(),
                "a type with a text and a binary decoder takes both kinds");
        assertEquals(Foo.class, foo.payloadType());
        assertTrue(model.onOpen().isPresent());
        assertTrue(model.onClose().isEmpty());
    }

    @ClientEndpoint
    public static final class ClientWithPathParam {
        @OnMessage
        public void text(String text, @PathParam("x") String x) {
        }
    }

    @ClientEndpoint
    public static final class ClientWithPrimitivePathParam {
        @OnMessage
        public void text(String text, @PathParam("x") long x) {
        }
    }

    @Test
    void aClientEndpointsPathParametersAreNullSoPrimitivesAreRejected() throws DeploymentException {
        EndpointModel model = EndpointModel.readClient(ClientWithPathParam.class);
        assertEquals(Argument.Source.PATH_PARAMETER, model.messages().get(0).method().arguments().get(1).source());
        DeploymentException failure = assertThrows(DeploymentException.class,
                () -> EndpointModel.readClient(ClientWithPrimitivePathParam.class));
        assertTrue(failure.getMessage().contains("text(String, long)"), failure.getMessage());
        assertTrue(failure.getMessage().contains("client endpoint has no path template"), failure.getMessage());
    }

    @Test
    void aClassWithoutTheAnnotationIsNotAnEndpoint() {
        DeploymentException failure = assertThrows(DeploymentException.class,
                () -> EndpointModel.readClient(Foo.class));
        assertTrue(failure.getMessage().contains(Foo.class.getName()), failure.getMessage());
    }

    @ClientEndpoint
    public static final class Forms {
        @OnMessage
        public void text(Reader reader) {
        }

        @OnMessage(maxMessageSize = 1024)
        public void binary(ByteBuffer part, boolean last, Session session) {
        }
    }

    @Test
    void parameterFormsAreClassified() throws DeploymentException {
        EndpointModel model = EndpointModel.read(Forms.class, List.of(), List.of(), null);
        MessageMethod text = model.messageMethod(MessageKind.TEXT).orElseThrow();
        assertEquals(Reader.class, text.payloadType());
        assertEquals(false, text.partial());
        MessageMethod binary = model.messageMethod(MessageKind.BINARY).orElseThrow();
        assertEquals(ByteBuffer.class, binary.payloadType());
        assertEquals(true, binary.partial());
        assertEquals(1024, binary.maxMessageSize());
        assertEquals(List.of(Argument.Source.PAYLOAD, Argument.Source.LAST, Argument.Source.SESSION),
                binary.method().arguments().stream().map(Argument::source).toList());
    }

    @Test
    void pathParameterConversion() throws DecodeException {
        assertEquals(7, PathParameters.convert("n", "7", int.class));
        assertEquals(true, PathParameters.convert("b", "TRUE", Boolean.class));
        assertEquals('x', PathParameters.convert("c", "x", char.class));
        assertEquals(2.5, PathParameters.convert("d", "2.5", double.class));
        DecodeException failure = assertThrows(DecodeException.class,
                () -> PathParameters.convert("n", "seven", long.class));
        assertTrue(failure.getMessage().contains("{n}") && failure.getMessage().contains("seven"),
                failure.getMessage());
        assertThrows(DecodeException.class, () -> PathParameters.convert("b", "yes", boolean.class));
        assertThrows(DecodeException.class, () -> PathParameters.convert("n", null, int.class));
    }
}
