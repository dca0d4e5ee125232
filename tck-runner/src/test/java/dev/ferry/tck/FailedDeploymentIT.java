package dev.ferry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A WAR that fails at startup must not make the deployment throw (the TCK's negative-deployment tests would
 * never run): the application is reported unavailable and its URL is still handed to the test.
 */
@ExtendWith(ArquillianExtension.class)
class FailedDeploymentIT {

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "broken.war")
                .addClasses(GreetingServlet.class, FailingListener.class);
    }

    @Test
    void urlIsProvidedForTheFailedApplication() {
        assertEquals("127.0.0.1", url.getHost());
        assertEquals("/broken/", url.getPath());
    }

    @Test
    void failedApplicationIsUnavailable() throws Exception {
        assertEquals(503, HttpGet.get(url, "greeting").statusCode());
    }
}
