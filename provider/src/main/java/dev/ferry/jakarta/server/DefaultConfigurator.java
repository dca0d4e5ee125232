package dev.ferry.jakarta.server;

import dev.ferry.jakarta.Instances;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Ferry's container-default {@link ServerEndpointConfig.Configurator}: what an endpoint gets when its
 * configuration names no configurator of its own, and what
 * {@link ServerEndpointConfig.Configurator#getContainerDefaultConfigurator()} returns, because the API loads it
 * through {@code ServiceLoader.load(ServerEndpointConfig.Configurator.class)} (service file
 * {@code META-INF/services/jakarta.websocket.server.ServerEndpointConfig$Configurator}).
 *
 * <p>Stateless and thread safe; one instance serves every connection.
 */
public class DefaultConfigurator extends ServerEndpointConfig.Configurator {

    /** Public no-arg constructor for {@link java.util.ServiceLoader}. */
    public DefaultConfigurator() {
    }

    /** This configurator itself: it is the container default. */
    @Override
    public ServerEndpointConfig.Configurator getContainerDefaultConfigurator() {
        return this;
    }

    /**
     * The first subprotocol in the client's list that the endpoint supports, or {@code ""} when there is none
     * (the {@link ServerEndpointConfig.Configurator#getNegotiatedSubprotocol} Javadoc: the client's order decides).
     * Subprotocol tokens compare case-sensitively (RFC 6455 §4.1 point 10 and §11.3.4).
     */
    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        if (supported == null || requested == null) {
            return "";
        }
        for (String candidate : requested) {
            if (supported.contains(candidate)) {
                return candidate;
            }
        }
        return "";
    }

    /**
     * Every requested extension whose name is installed, in the client's order, parameters as offered. A client may
     * offer one extension several times with different parameters; all such offers stay in the list, and the
     * protocol component's {@code ExtensionFactory} for that name accepts the first it can run and answers it with
     * the negotiated parameters (RFC 7692 §5), so parameter negotiation belongs to the extension, not to Jakarta.
     */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        List<Extension> negotiated = new ArrayList<>();
        if (installed == null || requested == null) {
            return negotiated;
        }
        for (Extension offer : requested) {
            for (Extension available : installed) {
                if (available.getName().equalsIgnoreCase(offer.getName())) {
                    negotiated.add(offer);
                    break;
                }
            }
        }
        return negotiated;
    }

    /**
     * Accepts every origin: browsers send {@code Origin}, other clients need not (RFC 6455 §10.2), and deciding
     * which origins a service trusts is the application's policy, made by overriding this method.
     */
    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true;
    }

    /** Leaves the response as the container formulated it. */
    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
    }

    /**
     * A new instance per connection, made with the class's no-arg constructor (made accessible when the class or
     * constructor is not public and the runtime allows it).
     *
     * @throws InstantiationException when the class is abstract, has no no-arg constructor, or the constructor throws
     */
    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        try {
            return Instances.create(endpointClass);
        } catch (ReflectiveOperationException | RuntimeException e) {
            InstantiationException failure = new InstantiationException("cannot create endpoint "
                    + endpointClass.getName() + ": " + Instances.why(e));
            failure.initCause(Instances.cause(e));
            throw failure;
        }
    }
}
