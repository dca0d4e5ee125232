/**
 * Annotated endpoints ({@code @ServerEndpoint}, {@code @ClientEndpoint}): {@link dev.ferry.jakarta.pojo.EndpointModel}
 * reads a class once into method handles and validates it (mistakes are {@code DeploymentException}s naming the
 * class and method), and {@link dev.ferry.jakarta.pojo.AnnotatedEndpoint} runs one instance as a programmatic
 * {@code Endpoint} on any {@code Session}: message handlers registered at open, return values sent back,
 * errors routed to {@code @OnError}.
 *
 * <p>A client container uses it as {@code new AnnotatedEndpoint(EndpointModel.readClient(type), instance)}.
 */
package dev.ferry.jakarta.pojo;
