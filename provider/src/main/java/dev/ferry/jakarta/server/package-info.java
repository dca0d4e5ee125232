/**
 * The Jakarta WebSocket server container: {@link dev.ferry.jakarta.server.JakartaServerContainer}, the endpoint
 * registry and URI-template matching (Jakarta WebSocket 2.2 §3.1.1), the container-default configurator
 * ({@link dev.ferry.jakarta.server.DefaultConfigurator}, found by the API through {@code ServiceLoader}), and the
 * upgrade seam through which an outer layer (the servlet integration, or a test) connects HTTP to WebSocket
 * without this package naming a servlet type.
 *
 * <h2>The upgrade seam, for the outer layer</h2>
 * <pre>{@code
 * // 1. Once per application: create the container, deploy, and make upgradeHttpToWebSocket work.
 * JakartaServerContainer container = new JakartaServerContainer();   // extensions: deflate + ServiceLoader
 * container.setUpgradeBridge(myBridge);                              // see UpgradeBridge
 * container.addEndpoint(MyAnnotatedEndpoint.class);                  // DeploymentException names the fault
 *
 * // 2. Per HTTP request: copy what the handshake needs, ask the container.
 * UpgradeRequest request = UpgradeRequest.get(URI.create(requestUriWithQuery))
 *         .endpointPath(rawPathWithoutContextPath)     // matched against endpoint paths; still percent-encoded:
 *                                                      // getRequestURI().substring(getContextPath().length()),
 *                                                      // not the decoded getServletPath() + getPathInfo()
 *         .headers(allHeadersInOrder)                  // List<HttpHeader>
 *         .parameters(parameterMap)                    // Map<String, List<String>>
 *         .userPrincipal(principal).userInRole(request::isUserInRole)
 *         .httpSession(httpSessionOrNull).secure(request.isSecure())
 *         .build();
 * UpgradeResult result = container.upgrade(request);  // or upgrade(request, config, pathParams) for
 *                                                     // ServerContainer.upgradeHttpToWebSocket
 * if (result instanceof UpgradeResult.NotApplicable) {
 *     chain.doFilter(...);                             // ordinary HTTP
 * } else if (result instanceof UpgradeResult.Rejected r) {
 *     respond(r.status(), r.headers(), r.body());      // 400, 403, 426 (+ Sec-WebSocket-Version: 13), 500
 * } else if (result instanceof UpgradeResult.Accepted a) {
 *     respond(101, a.responseHeaders());               // then switch protocols (HttpServletRequest.upgrade)
 *     // 3. When the upgraded connection exists, as a dev.ferry.transport.Transport (not yet started):
 *     JakartaSession session = a.open(transport);       // runs onOpen on this thread, then starts reading
 *     // or, if switching protocols failed: a.abandon();
 * }
 * // 4. When the application stops:
 * container.shutdown();                                // closes deployment, closes sessions with 1001
 * }</pre>
 *
 * <p>The container is also the {@link dev.ferry.jakarta.SessionHost} of its sessions: defaults set on it apply to
 * sessions opened afterwards; callbacks run on its executor (a daemon pool by default, or one given to the
 * constructor).
 */
package dev.ferry.jakarta.server;
