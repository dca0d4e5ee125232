package dev.ferry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.net.http.HttpResponse;

import jakarta.servlet.ServletContainerInitializer;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deploys a WAR through {@link EmbeddedJettyContainer} the way the TCK does ({@code testable = false}, the test
 * is an HTTP client) and checks the round trip, annotation scanning and the WAR's own initializer.
 */
@ExtendWith(ArquillianExtension.class)
class DeploymentRoundTripIT {

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        JavaArchive initializer = ShrinkWrap.create(JavaArchive.class, "initializer.jar")
                .addClass(RecordingInitializer.class)
                .addAsServiceProvider(ServletContainerInitializer.class, RecordingInitializer.class);
        return ShrinkWrap.create(WebArchive.class, "roundtrip.war")
                .addClass(GreetingServlet.class)
                .addAsLibrary(initializer);
    }

    @Test
    void resourceUrlPointsAtTheContextPath() {
        assertEquals("127.0.0.1", url.getHost());
        assertEquals("/roundtrip/", url.getPath());
    }

    @Test
    void annotatedServletAnswersAndTheWarsInitializerRan() throws Exception {
        HttpResponse<String> response = HttpGet.get(url, "greeting");

        assertEquals(200, response.statusCode());
        assertEquals("hello from /roundtrip; initializer saw [GreetingServlet]", response.body());
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        assertEquals(404, HttpGet.get(url, "no-such-servlet").statusCode());
    }
}
