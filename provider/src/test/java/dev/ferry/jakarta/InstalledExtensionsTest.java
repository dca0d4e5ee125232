package dev.ferry.jakarta;

import dev.ferry.protocol.Extension;
import dev.ferry.protocol.ExtensionFactory;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstalledExtensionsTest {

    @Test
    void installedExtensionsAreFoundByNameIgnoringCaseAndALaterOneReplacesAnEarlier() {
        InstalledExtensions installed = new InstalledExtensions();
        ExtensionFactory first = InstalledExtensions.noOp("ext1");
        installed.install(first);
        installed.install(InstalledExtensions.noOp("secondExtName"));
        assertSame(first, installed.find("EXT1").orElseThrow());
        assertTrue(installed.contains("secondextname"));
        assertFalse(installed.contains("ext2"));

        ExtensionFactory replacement = InstalledExtensions.noOp("Ext1");
        installed.install(replacement);
        assertEquals(List.of(replacement, installed.find("secondExtName").orElseThrow()), installed.factories());
        assertEquals(Set.of("Ext1", "secondExtName"), installed.asJakartaExtensions().stream()
                .map(jakarta.websocket.Extension::getName).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void theJakartaViewIsParsedOnceAndFollowsEveryLaterInstallation() {
        InstalledExtensions installed = new InstalledExtensions();
        installed.install(InstalledExtensions.noOp("ext1"));
        Set<jakarta.websocket.Extension> first = installed.asJakartaExtensions();
        assertSame(first, installed.asJakartaExtensions(), "kept between installations");
        assertEquals(Set.of("ext1"), names(first));
        installed.install(InstalledExtensions.noOp("ext2"));
        assertEquals(Set.of("ext1", "ext2"), names(installed.asJakartaExtensions()), "an installation is seen at once");
        installed.install(InstalledExtensions.noOp("EXT1"));
        assertEquals(Set.of("EXT1", "ext2"), names(installed.asJakartaExtensions()), "and so is a replacement");
    }

    private static Set<String> names(Set<jakarta.websocket.Extension> extensions) {
        Set<String> names = new java.util.HashSet<>();
        extensions.forEach(e -> names.add(e.getName()));
        return names;
    }

    @Test
    void noOpExtensionsAreNotOfferedByDefault() {
        InstalledExtensions installed = new InstalledExtensions();
        installed.install(InstalledExtensions.noOp("ext1"));
        LoadedFactory loaded = new LoadedFactory();
        installed.install(loaded);
        installed.install(new Ext1());
        assertEquals(List.of(loaded), installed.offeredByDefault());
        assertEquals(2, installed.factories().size());
    }

    @Test
    void aNoOpExtensionNegotiatesByNameAndLeavesPayloadsAlone() {
        ExtensionFactory factory = InstalledExtensions.noOp("thirdExtName");
        assertEquals("thirdExtName", factory.offer());
        Extension accepted = factory.accept("thirdExtName; p=1");
        assertEquals("thirdExtName; p=1", accepted.response());
        assertEquals(0, accepted.rsvBits());
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {1, 2, 3});
        assertSame(payload, accepted.encode(payload, true, true));
        assertEquals("thirdExtName", factory.confirm("thirdExtName", "thirdExtName").response());
        assertThrows(IllegalArgumentException.class, () -> InstalledExtensions.noOp(" "));
    }

    /** Loaded through ServiceLoader by the test below. */
    public static final class LoadedFactory implements ExtensionFactory {
        private final ExtensionFactory delegate = InstalledExtensions.noOp("loaded-ext");

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String offer() {
            return "loaded-ext; p=1";
        }

        @Override
        public Extension accept(String offer) {
            return delegate.accept(offer);
        }

        @Override
        public Extension confirm(String offer, String response) {
            return delegate.confirm(offer, response);
        }
    }

    /** How the TCK runner installs its no-op extensions by name. */
    public static final class Ext1 extends InstalledExtensions.NoOp {
        public Ext1() {
            super("ext1");
        }
    }

    @Test
    void factoriesRegisteredAsServicesAreLoadedAndReportedWithTheirOffer(@org.junit.jupiter.api.io.TempDir
                                                                         java.nio.file.Path dir) throws Exception {
        java.nio.file.Path services = dir.resolve("META-INF/services");
        java.nio.file.Files.createDirectories(services);
        java.nio.file.Files.writeString(services.resolve(ExtensionFactory.class.getName()),
                LoadedFactory.class.getName() + "\n" + Ext1.class.getName() + "\n");
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            InstalledExtensions loaded = InstalledExtensions.load(loader);
            assertEquals("permessage-deflate", loaded.factories().get(0).name());
            assertTrue(loaded.find("loaded-ext").orElseThrow() instanceof LoadedFactory);
            jakarta.websocket.Extension reported = loaded.asJakartaExtensions().stream()
                    .filter(e -> e.getName().equals("loaded-ext")).findFirst().orElseThrow();
            assertEquals("p", reported.getParameters().get(0).getName());
            assertTrue(loaded.find("ext1").orElseThrow() instanceof Ext1);
            assertEquals("1", reported.getParameters().get(0).getValue());
        }
    }
}
