package dev.ferry.tck;

import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/**
 * Settings of {@link EmbeddedJettyContainer}, filled by Arquillian from the {@code <configuration>} of
 * {@code arquillian.xml}. Defaults: bind to 127.0.0.1 on an ephemeral port.
 *
 * <p>Not thread safe; Arquillian sets it up once before the container starts.
 */
public final class EmbeddedJettyConfiguration implements ContainerConfiguration {

    private String bindAddress = "127.0.0.1";
    private int port;

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    @Override
    public void validate() throws ConfigurationException {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new ConfigurationException("expected a bindAddress such as 127.0.0.1, got none");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigurationException("expected a port in 0..65535 (0 picks a free one), got " + port);
        }
    }
}
