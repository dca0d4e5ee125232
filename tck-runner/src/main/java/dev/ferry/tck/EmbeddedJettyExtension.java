package dev.ferry.tck;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/** Registers {@link EmbeddedJettyContainer} with Arquillian (listed in {@code META-INF/services}). */
public final class EmbeddedJettyExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(DeployableContainer.class, EmbeddedJettyContainer.class);
    }
}
