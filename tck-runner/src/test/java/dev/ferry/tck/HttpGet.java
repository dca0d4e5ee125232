package dev.ferry.tck;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP GET against a deployment, with a safety timeout. */
final class HttpGet {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private HttpGet() {
    }

    static HttpResponse<String> get(URL base, String path) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        URI uri = URI.create(base.toExternalForm()).resolve(path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
