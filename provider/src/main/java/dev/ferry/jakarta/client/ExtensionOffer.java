package dev.ferry.jakarta.client;

import dev.ferry.jakarta.ExtensionHeader;
import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.protocol.ExtensionFactory;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Extension;

import java.util.ArrayList;
import java.util.List;

/**
 * What a client puts in {@code Sec-WebSocket-Extensions}, and the factories that run what the server accepts.
 *
 * <ul>
 *   <li>{@link #of(List, InstalledExtensions) An explicit configuration} is offered exactly as it is: the
 *       elements of {@code ClientEndpointConfig.getExtensions()}, in its order, with their parameters, and nothing
 *       else. An element whose name is installed is run by that factory: a bare {@code permessage-deflate} is
 *       offered with the installed factory's own parameters, one with parameters is offered with those, and the
 *       factory honours them when it confirms the server's answer. A name nothing installed implements is offered
 *       too and, when the server accepts it, negotiated by name only (Ferry cannot transform frames for it).</li>
 *   <li>{@link #defaults(InstalledExtensions) No configuration} (an annotated endpoint, or an {@code Endpoint}
 *       passed without one): every installed extension but the no-op ones
 *       ({@link InstalledExtensions#offeredByDefault()}), each with its factory's own offer; permessage-deflate is
 *       installed by default.</li>
 * </ul>
 *
 * @param elements  the elements to hand to the handle: a bare installed name stands for its factory's offer
 * @param factories the installed factories among them, each once, in order of first appearance
 */
record ExtensionOffer(List<String> elements, List<ExtensionFactory> factories) {

    ExtensionOffer {
        elements = List.copyOf(elements);
        factories = List.copyOf(factories);
    }

    /** Every installed extension but the no-op ones, each with its factory's own offer. */
    static ExtensionOffer defaults(InstalledExtensions installed) {
        List<ExtensionFactory> factories = installed.offeredByDefault();
        List<String> elements = new ArrayList<>();
        for (ExtensionFactory factory : factories) {
            elements.add(factory.name());
        }
        return new ExtensionOffer(elements, factories);
    }

    /**
     * Exactly {@code requested} (null: nothing).
     *
     * @throws DeploymentException when an extension's name or a parameter's name is not an HTTP token, so it
     *                             cannot be written as a {@code Sec-WebSocket-Extensions} element (RFC 6455 §9.1)
     */
    static ExtensionOffer of(List<Extension> requested, InstalledExtensions installed) throws DeploymentException {
        List<String> elements = new ArrayList<>();
        List<ExtensionFactory> factories = new ArrayList<>();
        for (Extension extension : requested == null ? List.<Extension>of() : requested) {
            String element = element(extension);
            elements.add(element);
            installed.find(extension.getName()).ifPresent(factory -> {
                if (!factories.contains(factory)) {
                    factories.add(factory);
                }
            });
        }
        return new ExtensionOffer(elements, factories);
    }

    /** The element text, checked by reading it back: one element with the same name and as many parameters. */
    private static String element(Extension extension) throws DeploymentException {
        if (extension == null || extension.getName() == null) {
            throw new DeploymentException("expected an extension with a name in ClientEndpointConfig.getExtensions(),"
                    + " got " + extension);
        }
        List<Extension.Parameter> parameters = extension.getParameters() == null ? List.of()
                : extension.getParameters();
        for (Extension.Parameter parameter : parameters) {
            if (parameter == null || parameter.getName() == null) {
                throw new DeploymentException("expected named parameters for extension " + extension.getName()
                        + ", got " + parameters);
            }
        }
        String element = ExtensionHeader.format(ExtensionHeader.extension(extension.getName(), parameters));
        List<Extension> readBack = ExtensionHeader.parse(element);
        if (readBack.size() != 1 || !readBack.get(0).getName().equals(extension.getName())
                || readBack.get(0).getParameters().size() != parameters.size()) {
            throw new DeploymentException("expected an extension name and parameter names that are HTTP tokens, got '"
                    + element + "' (RFC 6455 §9.1)");
        }
        return element;
    }
}
