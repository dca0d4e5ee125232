package dev.ferry.protocol.handshake;

import dev.ferry.protocol.Extension;
import dev.ferry.protocol.ExtensionFactory;
import dev.ferry.protocol.ExtensionNotSupportedException;

import java.util.ArrayList;
import java.util.List;

/**
 * Extension negotiation on both sides (spec §4.3, RFC 6455 §9.1). Names without an
 * {@link ExtensionFactory} are negotiated as tokens only; names with one are handed to it.
 */
final class Negotiation {

    /** Negotiated extensions: offer indexes and elements (client side), and the extensions to run. */
    record Result(List<Integer> indexes, List<String> elements, List<Extension> extensions) {
    }

    private Negotiation() {
    }

    static ExtensionFactory factory(List<ExtensionFactory> factories, String element) {
        String name = HeaderValues.extensionName(element);
        for (ExtensionFactory factory : factories) {
            if (factory.name().equalsIgnoreCase(name)) {
                return factory;
            }
        }
        return null;
    }

    /** Client: checks every response element against the offer and lets factories confirm theirs. */
    static Result confirm(List<String> offered, List<ExtensionFactory> factories, List<String> response) {
        List<Integer> indexes = new ArrayList<>(response.size());
        List<Extension> extensions = new ArrayList<>(response.size());
        try {
            for (String element : response) {
                String name = HeaderValues.extensionName(element);
                int index = indexOfName(offered, name);
                if (index < 0) {
                    throw new ExtensionNotSupportedException("expected one of the offered extensions " + offered
                            + ", got '" + element + "' (RFC 6455 §9.1)");
                }
                for (int seen : indexes) {
                    if (HeaderValues.extensionName(offered.get(seen)).equalsIgnoreCase(name)) {
                        throw new ExtensionNotSupportedException("expected each extension at most once, got '"
                                + name + "' twice (RFC 6455 §9.1)");
                    }
                }
                indexes.add(index);
                ExtensionFactory factory = factory(factories, name);
                if (factory != null) {
                    Extension extension = factory.confirm(offered.get(index), element);
                    if (extension == null) {
                        throw new ExtensionNotSupportedException("expected a response the " + name
                                + " extension can run, got '" + element + "'");
                    }
                    extensions.add(extension);
                    checkRsv(extensions);
                }
            }
        } catch (RuntimeException e) {
            release(extensions);
            throw e;
        }
        return new Result(indexes, response, extensions);
    }

    /**
     * Server: the extensions to run for the caller's selection. A selected bare name with a factory is
     * tried against each of the client's offers of that name, in order; a selected element with
     * parameters is handed to the factory as it is. The factory may decline (null): the element is then
     * left out of the response.
     *
     * @throws IllegalArgumentException when a selected name was not offered by the client
     */
    static Result accept(List<String> offered, List<ExtensionFactory> factories, List<String> selected) {
        List<String> elements = new ArrayList<>(selected.size());
        List<Extension> extensions = new ArrayList<>(selected.size());
        try {
            for (String choice : selected) {
                if (choice == null || choice.isBlank()) {
                    throw new IllegalArgumentException("expected an extension element, got '" + choice + "'");
                }
                String element = choice.trim();
                String name = HeaderValues.extensionName(element);
                if (indexOfName(offered, name) < 0) {
                    throw new IllegalArgumentException("expected an extension the client offered " + offered
                            + ", got '" + element + "' (RFC 6455 §9.1)");
                }
                ExtensionFactory factory = factory(factories, name);
                if (factory == null) {
                    elements.add(element);
                    continue;
                }
                Extension extension = acceptWith(factory, element, offered);
                if (extension != null) {
                    extensions.add(extension);
                    checkRsv(extensions);
                    elements.add(extension.response());
                }
            }
        } catch (RuntimeException e) {
            release(extensions);
            throw e;
        }
        return new Result(List.of(), elements, extensions);
    }

    private static Extension acceptWith(ExtensionFactory factory, String element, List<String> offered) {
        if (HeaderValues.hasParameters(element)) {
            return factory.accept(element);
        }
        for (String offer : offered) {
            if (HeaderValues.extensionName(offer).equalsIgnoreCase(element)) {
                Extension extension = factory.accept(offer);
                if (extension != null) {
                    return extension;
                }
            }
        }
        return null;
    }

    private static int indexOfName(List<String> elements, String name) {
        for (int i = 0; i < elements.size(); i++) {
            if (HeaderValues.extensionName(elements.get(i)).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static void checkRsv(List<Extension> extensions) {
        int used = 0;
        for (Extension extension : extensions) {
            if ((used & extension.rsvBits()) != 0) {
                throw new ExtensionNotSupportedException("expected extensions with distinct RSV bits, got "
                        + extension.name() + " claiming a bit already taken (RFC 6455 §9)");
            }
            used |= extension.rsvBits();
        }
    }

    static void release(List<Extension> extensions) {
        for (Extension extension : extensions) {
            extension.release();
        }
    }
}
