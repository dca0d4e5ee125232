package dev.ferry.servlet;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which of the classes the servlet container handed over get deployed, by the rules of Jakarta WebSocket
 * 2.2 §6.2 ("Application deployment"):
 * <ul>
 *   <li>without a {@link ServerApplicationConfig}: every annotated endpoint ({@link ServerEndpoint}) and no
 *       programmatic one (a programmatic {@link Endpoint} has no path until a configuration gives it one);</li>
 *   <li>with one or more: the union of what each returns from {@code getEndpointConfigs} (given the programmatic
 *       endpoint classes) and {@code getAnnotatedEndpointClasses} (given the annotated ones).</li>
 * </ul>
 * Abstract classes and interfaces are never endpoints. Classes are deployed in name order, so a duplicate path
 * is reported the same way every time.
 *
 * <p>Stateless.
 */
final class EndpointDiscovery {

    private EndpointDiscovery() {
    }

    /**
     * Deploys the selected endpoints of {@code classes} into {@code container}.
     *
     * @throws DeploymentException naming the class at fault, when a configuration cannot be created or an endpoint
     *                             cannot be deployed
     */
    static void deploy(ServerContainer container, Set<Class<?>> classes) throws DeploymentException {
        Set<Class<? extends Endpoint>> programmatic = new LinkedHashSet<>();
        Set<Class<?>> annotated = new LinkedHashSet<>();
        List<Class<? extends ServerApplicationConfig>> configs = new ArrayList<>();
        for (Class<?> type : sorted(classes)) {
            if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
                continue;
            }
            if (ServerApplicationConfig.class.isAssignableFrom(type)) {
                configs.add(type.asSubclass(ServerApplicationConfig.class));
            }
            if (Endpoint.class.isAssignableFrom(type)) {
                programmatic.add(type.asSubclass(Endpoint.class));
            }
            if (type.isAnnotationPresent(ServerEndpoint.class)) {
                annotated.add(type);
            }
        }
        if (configs.isEmpty()) {
            for (Class<?> type : annotated) {
                container.addEndpoint(type);
            }
            return;
        }
        Set<ServerEndpointConfig> endpointConfigs = new LinkedHashSet<>();
        Set<Class<?>> annotatedClasses = new LinkedHashSet<>();
        for (Class<? extends ServerApplicationConfig> type : configs) {
            ServerApplicationConfig config = instantiate(type);
            Set<ServerEndpointConfig> some = config.getEndpointConfigs(Set.copyOf(programmatic));
            if (some != null) {
                endpointConfigs.addAll(some);
            }
            Set<Class<?>> more = config.getAnnotatedEndpointClasses(Set.copyOf(annotated));
            if (more != null) {
                annotatedClasses.addAll(more);
            }
        }
        for (ServerEndpointConfig config : endpointConfigs) {
            container.addEndpoint(config);
        }
        for (Class<?> type : sorted(annotatedClasses)) {
            container.addEndpoint(type);
        }
    }

    private static ServerApplicationConfig instantiate(Class<? extends ServerApplicationConfig> type)
            throws DeploymentException {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new DeploymentException("cannot create ServerApplicationConfig " + type.getName()
                    + " (expected a public no-argument constructor): " + e, e);
        }
    }

    private static List<Class<?>> sorted(Set<Class<?>> classes) {
        List<Class<?>> list = new ArrayList<>(classes);
        list.sort(Comparator.comparing(Class::getName));
        return list;
    }
}
