package dev.ferry.jakarta.server;

import dev.ferry.jakarta.ExtensionHeader;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultConfiguratorTest {

    /** The API's own lookup (ServiceLoader over ServerEndpointConfig.Configurator) must find ours. */
    @Test
    void theApisContainerDefaultConfiguratorIsOurs() {
        ServerEndpointConfig.Configurator base = new ServerEndpointConfig.Configurator();
        assertInstanceOf(DefaultConfigurator.class, base.getContainerDefaultConfigurator());
        // and the base class's methods therefore behave as ours
        assertEquals("b", base.getNegotiatedSubprotocol(List.of("a", "b"), List.of("c", "b", "a")));
        assertTrue(base.checkOrigin("http://evil.example"));
    }

    @Test
    void subprotocolIsTheClientsFirstThatTheServerSupports() {
        DefaultConfigurator configurator = new DefaultConfigurator();
        assertEquals("chat", configurator.getNegotiatedSubprotocol(List.of("json", "chat"), List.of("chat", "json")));
        assertEquals("json", configurator.getNegotiatedSubprotocol(List.of("chat", "json"), List.of("json", "chat")));
        assertEquals("", configurator.getNegotiatedSubprotocol(List.of("chat"), List.of("CHAT", "xml")));
        assertEquals("", configurator.getNegotiatedSubprotocol(List.of(), List.of("chat")));
        assertEquals("", configurator.getNegotiatedSubprotocol(List.of("chat"), List.of()));
    }

    @Test
    void extensionsAreTheRequestedOnesThatAreInstalledInTheClientsOrderWithTheirParameters() {
        DefaultConfigurator configurator = new DefaultConfigurator();
        List<Extension> installed = ExtensionHeader.parse("permessage-deflate, ext1, ext2");
        List<Extension> requested = ExtensionHeader.parse(
                "ext2; a=1, unknown, permessage-deflate; client_max_window_bits, Permessage-Deflate, ext1");
        List<String> negotiated = configurator.getNegotiatedExtensions(installed, requested).stream()
                .map(ExtensionHeader::format).toList();
        assertEquals(List.of("ext2; a=1", "permessage-deflate; client_max_window_bits", "Permessage-Deflate",
                "ext1"), negotiated);
        assertEquals(List.of(), configurator.getNegotiatedExtensions(List.of(), requested));
    }

    public static final class Plain {
    }

    public static final class NoDefaultConstructor {
        public NoDefaultConstructor(String required) {
        }
    }

    public static final class ThrowingConstructor {
        public ThrowingConstructor() {
            throw new IllegalStateException("boom");
        }
    }

    @Test
    void endpointInstancesAreNewPerCallAndFailuresAreInstantiationExceptions() throws Exception {
        DefaultConfigurator configurator = new DefaultConfigurator();
        assertNotSame(configurator.getEndpointInstance(Plain.class), configurator.getEndpointInstance(Plain.class));
        InstantiationException missing = assertThrows(InstantiationException.class,
                () -> configurator.getEndpointInstance(NoDefaultConstructor.class));
        assertTrue(missing.getMessage().contains(NoDefaultConstructor.class.getName()), missing.getMessage());
        InstantiationException throwing = assertThrows(InstantiationException.class,
                () -> configurator.getEndpointInstance(ThrowingConstructor.class));
        assertTrue(throwing.getMessage().contains("boom"), throwing.getMessage());
        assertInstanceOf(IllegalStateException.class, throwing.getCause());
    }
}
