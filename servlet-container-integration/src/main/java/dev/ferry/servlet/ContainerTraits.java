package dev.ferry.servlet;

/**
 * What the servlet API leaves to the container and Ferry must know of it, decided once per web application from
 * {@code ServletContext.getServerInfo()}. Jetty 12.1 and Tomcat 11 are the containers tried; any other is taken at
 * the servlet contract, which is also the safe reading of each point.
 *
 * @param setsUpgradeHeaders whether {@code HttpServletRequest.upgrade} sets {@code Connection: Upgrade} and
 *                           {@code Upgrade} itself, replacing what the response had (Jetty), so Ferry leaves them out
 * @param opensInInit        whether the upgraded connection may be written to while {@code HttpUpgradeHandler.init}
 *                           runs (Jetty), so the session opens there, with no thread hand-off
 *                           ({@code LargeSendsFromOnOpenIT}); elsewhere it opens on the container's executor
 * @param runsAsynchronously whether the upgraded connection runs as an asynchronous request of the servlet, still
 *                           being handled when {@code init} comes (Jetty), whose asynchronous timeout would end the
 *                           connection; Tomcat has recycled the request by then, so it is not asked
 * @param readResumption     how the container brings its read callback back after the transport paused reading
 * @param lastWrite          what the container's output close does with bytes the stream holds
 * @param unwrapsOutput      whether large writes may go past the container's wrapper of its upgraded output, to the
 *                           stream inside that writes a direct buffer in one go (Jetty; see {@link DirectOutput})
 */
record ContainerTraits(boolean setsUpgradeHeaders, boolean opensInInit, boolean runsAsynchronously,
                       WebConnectionTransport.ReadResumption readResumption,
                       WebConnectionTransport.LastWrite lastWrite, boolean unwrapsOutput) {

    /** Jetty 12.1 (server info {@code jetty/12.1.x}). */
    static final ContainerTraits JETTY = new ContainerTraits(true, true, true,
            WebConnectionTransport.ReadResumption.CALLER_READS, WebConnectionTransport.LastWrite.LEFT_TO_CLOSE, true);
    /** Tomcat 11 (server info {@code Apache Tomcat/11.0.x}). */
    static final ContainerTraits TOMCAT = new ContainerTraits(false, false, false,
            WebConnectionTransport.ReadResumption.CONTAINER_REDISPATCHES, WebConnectionTransport.LastWrite.FLUSHED,
            false);
    /** A container not tried: nothing beyond the servlet contract is assumed. */
    static final ContainerTraits SERVLET_CONTRACT = new ContainerTraits(false, false, false,
            WebConnectionTransport.ReadResumption.CALLER_READS, WebConnectionTransport.LastWrite.FLUSHED, false);

    /** The traits of the container whose {@code ServletContext.getServerInfo()} is {@code serverInfo} (may be null). */
    static ContainerTraits of(String serverInfo) {
        if (serverInfo == null) {
            return SERVLET_CONTRACT;
        }
        if (serverInfo.regionMatches(true, 0, "jetty/", 0, "jetty/".length())) {
            return JETTY;
        }
        return serverInfo.startsWith("Apache Tomcat") ? TOMCAT : SERVLET_CONTRACT;
    }
}
