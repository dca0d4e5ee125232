package dev.ferry.jakarta.server;

import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployed {@link ServerEndpointConfig} as one connection sees it: everything delegates to the deployed
 * configuration except {@link #getUserProperties()}, which starts as a copy of it, so what
 * {@code modifyHandshake} stores there reaches this connection's {@code onOpen} and no other connection.
 * Thread safe (the properties map is synchronized).
 */
final class PerConnectionConfig implements ServerEndpointConfig {

    private final ServerEndpointConfig deployed;
    private final ServerEndpointConfig.Configurator configurator;
    private final Map<String, Object> userProperties;

    PerConnectionConfig(ServerEndpointConfig deployed, ServerEndpointConfig.Configurator configurator) {
        this.deployed = deployed;
        this.configurator = configurator;
        this.userProperties = Collections.synchronizedMap(new HashMap<>(deployed.getUserProperties()));
    }

    @Override
    public Class<?> getEndpointClass() {
        return deployed.getEndpointClass();
    }

    @Override
    public String getPath() {
        return deployed.getPath();
    }

    @Override
    public List<String> getSubprotocols() {
        return deployed.getSubprotocols();
    }

    @Override
    public List<Extension> getExtensions() {
        return deployed.getExtensions();
    }

    @Override
    public ServerEndpointConfig.Configurator getConfigurator() {
        return configurator;
    }

    @Override
    public List<Class<? extends Encoder>> getEncoders() {
        return deployed.getEncoders();
    }

    @Override
    public List<Class<? extends Decoder>> getDecoders() {
        return deployed.getDecoders();
    }

    @Override
    public Map<String, Object> getUserProperties() {
        return userProperties;
    }
}
