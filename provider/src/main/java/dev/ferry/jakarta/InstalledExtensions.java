package dev.ferry.jakarta;

import dev.ferry.protocol.Extension;
import dev.ferry.protocol.ExtensionFactory;
import dev.ferry.protocol.extension.PerMessageDeflate;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The extensions a container can run, by name: the SPI by which an extension is installed. Each is a
 * {@link ExtensionFactory} of the protocol component: the built-in permessage-deflate and the ones found through
 * {@link ServiceLoader} (service {@code dev.ferry.protocol.ExtensionFactory}), see {@link #load}, plus any
 * {@link #install installed} programmatically. A later
 * installation under the same name (compared case-insensitively) replaces the earlier one, so an application can
 * override a built-in extension. This backs {@code WebSocketContainer.getInstalledExtensions()} on both containers
 * and the factories given to each connection's handle.
 *
 * <p>{@link #noOp(String)} makes an extension that takes part in negotiation only (it claims no RSV bits and leaves
 * payloads alone), which is what the TCK's {@code ext1}-style extensions need.
 *
 * <p>Thread contract: thread safe; installing while connections negotiate affects only later handshakes.
 */
public final class InstalledExtensions {

    private final Map<String, ExtensionFactory> byName = new ConcurrentHashMap<>();
    private final List<String> order = new CopyOnWriteArrayList<>();
    /** {@link #asJakartaExtensions()} as of the last installation; null until asked after it. */
    private volatile Set<jakarta.websocket.Extension> jakartaView;

    /** An empty set: nothing installed. */
    public InstalledExtensions() {
    }

    /**
     * The built-in permessage-deflate ({@link PerMessageDeflate#defaults()}, RFC 7692), then the factories
     * registered with {@link ServiceLoader} visible to {@code loader}, in the loader's order (a service named
     * {@code permessage-deflate} replaces the built-in one).
     */
    public static InstalledExtensions load(ClassLoader loader) {
        InstalledExtensions installed = new InstalledExtensions();
        installed.install(PerMessageDeflate.defaults());
        for (ExtensionFactory factory : ServiceLoader.load(ExtensionFactory.class, loader)) {
            installed.install(factory);
        }
        return installed;
    }

    /** Installs a factory, replacing any installed under the same name. */
    public void install(ExtensionFactory factory) {
        Objects.requireNonNull(factory, "factory");
        String key = key(factory.name());
        synchronized (this) {
            if (byName.put(key, factory) == null) {
                order.add(key);
            }
            jakartaView = null;
        }
    }

    /** The factory installed under {@code name} (case-insensitive). */
    public Optional<ExtensionFactory> find(String name) {
        return Optional.ofNullable(byName.get(key(name)));
    }

    /** Whether an extension called {@code name} is installed. */
    public boolean contains(String name) {
        return byName.containsKey(key(name));
    }

    /** Every installed factory, in installation order. */
    public List<ExtensionFactory> factories() {
        List<ExtensionFactory> factories = new ArrayList<>(order.size());
        for (String key : order) {
            factories.add(byName.get(key));
        }
        return List.copyOf(factories);
    }

    /**
     * The factories a client offers when its configuration names no extensions, in installation order: every
     * installed one except the {@link NoOp no-op} ones. A no-op extension changes nothing on the wire, so offering it
     * unasked would only make the peer negotiate a name; a client offers it when its configuration lists it.
     */
    public List<ExtensionFactory> offeredByDefault() {
        List<ExtensionFactory> offered = new ArrayList<>();
        for (ExtensionFactory factory : factories()) {
            if (!(factory instanceof NoOp)) {
                offered.add(factory);
            }
        }
        return List.copyOf(offered);
    }

    /**
     * The installed extensions as Jakarta sees them: each factory's {@link ExtensionFactory#offer() offer},
     * name and parameters. Every server handshake asks for them, so the parsed offers are kept until the next
     * {@link #install}.
     */
    public Set<jakarta.websocket.Extension> asJakartaExtensions() {
        Set<jakarta.websocket.Extension> view = jakartaView;
        if (view != null) {
            return view;
        }
        synchronized (this) {
            if (jakartaView == null) {
                jakartaView = parseOffers();
            }
            return jakartaView;
        }
    }

    private Set<jakarta.websocket.Extension> parseOffers() {
        Set<jakarta.websocket.Extension> extensions = new LinkedHashSet<>();
        for (ExtensionFactory factory : factories()) {
            List<jakarta.websocket.Extension> parsed = ExtensionHeader.parse(factory.offer());
            extensions.add(parsed.isEmpty() ? ExtensionHeader.extension(factory.name(), List.of()) : parsed.get(0));
        }
        return Set.copyOf(extensions);
    }

    /** An extension that is negotiated by name and does nothing else (no RSV bits, payloads untouched). */
    public static ExtensionFactory noOp(String name) {
        return new NoOp(name);
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * An extension negotiated by name only: it accepts every offer of its name as is and claims no RSV bits, so
     * payloads pass untouched. Subclass it with a public no-arg constructor to install one through
     * {@link ServiceLoader}: {@code public final class Ext1 extends InstalledExtensions.NoOp { public Ext1() {
     * super("ext1"); } }} listed in {@code META-INF/services/dev.ferry.protocol.ExtensionFactory}. Immutable.
     */
    public static class NoOp implements ExtensionFactory {
        private final String name;

        public NoOp(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("extension name must not be blank, got '" + name + "'");
            }
            this.name = name;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final String offer() {
            return name;
        }

        @Override
        public final Extension accept(String offer) {
            return new NoOpExtension(name, offer);
        }

        @Override
        public final Extension confirm(String offer, String response) {
            return new NoOpExtension(name, response);
        }
    }

    private record NoOpExtension(String name, String response) implements Extension {
        @Override
        public int rsvBits() {
            return 0;
        }

        @Override
        public ByteBuffer encode(ByteBuffer payload, boolean first, boolean fin) {
            return payload;
        }

        @Override
        public void decodeInput(ByteBuffer input, boolean endOfMessage) {
            throw new IllegalStateException("extension " + name + " claims no RSV bits, so it never decodes");
        }

        @Override
        public int decode(ByteBuffer out) {
            return 0;
        }

        @Override
        public boolean needsInput() {
            return true;
        }

        @Override
        public void release() {
        }
    }
}
