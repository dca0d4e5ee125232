package dev.ferry.benchmarks.load;

import jakarta.servlet.ServletContainerInitializer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Embedded Tomcat 11: one context at the root, one HTTP/1.1 NIO connector on 127.0.0.1. */
final class TomcatHost implements LoadServer.Host {

    private final Tomcat tomcat;
    private final Connector connector;

    private TomcatHost(Tomcat tomcat, Connector connector) {
        this.tomcat = tomcat;
        this.connector = connector;
    }

    static TomcatHost start(List<ServletContainerInitializer> initializers) throws Exception {
        Path base = Files.createTempDirectory("ferry-load-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        for (ServletContainerInitializer initializer : initializers) {
            context.addServletContainerInitializer(initializer, Set.of(EchoEndpoint.class));
        }
        // A mapped servlet, so requests reach the filter chain where WebSocket upgrades happen.
        Tomcat.addServlet(context, "default", new DefaultServlet());
        context.addServletMappingDecoded("/", "default");
        tomcat.start();
        return new TomcatHost(tomcat, connector);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }
}
