package dev.ferry.jakarta.server;

import dev.ferry.jakarta.Instances;
import dev.ferry.jakarta.pojo.EndpointModel;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Encoder;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import java.lang.reflect.Modifier;
import java.util.List;

/**
 * The checks {@code addEndpoint} makes before an endpoint is deployed, each failing with a
 * {@link DeploymentException} that names the endpoint class (and, through {@link EndpointModel#read}, the method)
 * at fault. Stateless.
 */
final class EndpointDeployment {

    /** A configuration that passed every check: its parsed path, and its model when it is an annotated class. */
    record Validated(UriTemplate template, EndpointModel model) {
    }

    private EndpointDeployment() {
    }

    /** The configuration an {@link ServerEndpoint @ServerEndpoint} class describes. */
    static ServerEndpointConfig configOf(Class<?> endpointClass) throws DeploymentException {
        ServerEndpoint annotation = endpointClass.getAnnotation(ServerEndpoint.class);
        if (annotation == null) {
            throw new DeploymentException("endpoint " + endpointClass.getName()
                    + " is not annotated with @ServerEndpoint; deploy a programmatic Endpoint with a "
                    + "ServerEndpointConfig instead");
        }
        template(endpointClass, annotation.value()); // before the Builder, which rejects relative paths less clearly
        return ServerEndpointConfig.Builder.create(endpointClass, annotation.value())
                .subprotocols(List.of(annotation.subprotocols()))
                .decoders(List.of(annotation.decoders()))
                .encoders(List.of(annotation.encoders()))
                .configurator(configurator(endpointClass, annotation))
                .build();
    }

    /** Checks a configuration: path, endpoint class, codecs and, for an annotated class, its methods. */
    static Validated validate(ServerEndpointConfig config) throws DeploymentException {
        Class<?> type = config.getEndpointClass();
        if (type == null) {
            throw new DeploymentException("ServerEndpointConfig for path '" + config.getPath()
                    + "' has no endpoint class");
        }
        UriTemplate template = template(type, config.getPath());
        checkInstantiable(type);
        List<Class<? extends Decoder>> decoders = config.getDecoders() == null ? List.of() : config.getDecoders();
        List<Class<? extends Encoder>> encoders = config.getEncoders() == null ? List.of() : config.getEncoders();
        for (Class<?> decoder : decoders) {
            checkCodec(type, "decoder", decoder, Decoder.Text.class, Decoder.TextStream.class, Decoder.Binary.class,
                    Decoder.BinaryStream.class);
        }
        for (Class<?> encoder : encoders) {
            checkCodec(type, "encoder", encoder, Encoder.Text.class, Encoder.TextStream.class, Encoder.Binary.class,
                    Encoder.BinaryStream.class);
        }
        EndpointModel model = Endpoint.class.isAssignableFrom(type) ? null
                : EndpointModel.read(type, decoders, template.variables(), template.path());
        return new Validated(template, model);
    }

    private static UriTemplate template(Class<?> type, String path) throws DeploymentException {
        try {
            return UriTemplate.parse(path);
        } catch (DeploymentException e) {
            throw new DeploymentException("endpoint " + type.getName() + ": " + e.getMessage());
        }
    }

    private static void checkInstantiable(Class<?> type) throws DeploymentException {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new DeploymentException("endpoint " + type.getName()
                    + " is abstract or an interface; the container needs a concrete class to instantiate");
        }
        if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
            throw new DeploymentException("endpoint " + type.getName()
                    + " is an inner (non-static) class; the container cannot instantiate it");
        }
    }

    /**
     * Decoders and encoders are created per session; one that cannot be created would fail every connection,
     * so it fails deployment instead.
     */
    private static void checkCodec(Class<?> endpoint, String role, Class<?> codec, Class<?>... kinds)
            throws DeploymentException {
        boolean known = false;
        for (Class<?> kind : kinds) {
            known |= kind.isAssignableFrom(codec);
        }
        String problem = null;
        if (!known) {
            problem = "implements none of Text, TextStream, Binary, BinaryStream";
        } else if (codec.isInterface() || Modifier.isAbstract(codec.getModifiers())) {
            problem = "is abstract";
        } else {
            try {
                codec.getDeclaredConstructor();
            } catch (NoSuchMethodException e) {
                problem = "has no no-arg constructor";
            }
        }
        if (problem != null) {
            throw new DeploymentException("endpoint " + endpoint.getName() + ": " + role + " " + codec.getName()
                    + " " + problem + " (Jakarta WebSocket 2.2 §3.2: the container creates one per session)");
        }
    }

    private static ServerEndpointConfig.Configurator configurator(Class<?> endpointClass, ServerEndpoint annotation)
            throws DeploymentException {
        Class<? extends ServerEndpointConfig.Configurator> type = annotation.configurator();
        if (type == ServerEndpointConfig.Configurator.class) {
            return new DefaultConfigurator();
        }
        try {
            return Instances.create(type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new DeploymentException("endpoint " + endpointClass.getName() + ": cannot create its configurator "
                    + type.getName() + ": " + Instances.why(e), Instances.cause(e));
        }
    }
}
