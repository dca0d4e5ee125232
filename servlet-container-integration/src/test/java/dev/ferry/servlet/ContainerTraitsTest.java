package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ContainerTraitsTest {

    @Test
    void jettyIsKnownByItsServerInfoInAnyCase() {
        assertSame(ContainerTraits.JETTY, ContainerTraits.of("jetty/12.1.14"));
        assertSame(ContainerTraits.JETTY, ContainerTraits.of("Jetty/12.1.0"));
    }

    @Test
    void tomcatIsKnownByItsServerInfo() {
        assertSame(ContainerTraits.TOMCAT, ContainerTraits.of("Apache Tomcat/11.0.27"));
    }

    @Test
    void anyOtherContainerIsTakenAtTheServletContract() {
        assertSame(ContainerTraits.SERVLET_CONTRACT, ContainerTraits.of(null));
        assertSame(ContainerTraits.SERVLET_CONTRACT, ContainerTraits.of("Undertow - 2.3.18.Final"));
        assertSame(ContainerTraits.SERVLET_CONTRACT, ContainerTraits.of("GlassFish Server 7.0"));
        assertSame(ContainerTraits.SERVLET_CONTRACT, ContainerTraits.of("jetty"), "no version: not Jetty's form");
    }

    @Test
    void onlyJettySetsTheUpgradeHeadersOpensInInitAndRunsAsynchronously() {
        assertTrue(ContainerTraits.JETTY.setsUpgradeHeaders());
        assertTrue(ContainerTraits.JETTY.opensInInit());
        assertTrue(ContainerTraits.JETTY.runsAsynchronously());
        for (ContainerTraits other : new ContainerTraits[] {ContainerTraits.TOMCAT, ContainerTraits.SERVLET_CONTRACT}) {
            assertFalse(other.setsUpgradeHeaders(), other.toString());
            assertFalse(other.opensInInit(), other.toString());
            assertFalse(other.runsAsynchronously(), other.toString());
        }
    }

    @Test
    void onlyTomcatRedispatchesReadsAndOnlyJettyLeavesTheLastWriteToItsClose() {
        assertEquals(WebConnectionTransport.ReadResumption.CALLER_READS, ContainerTraits.JETTY.readResumption());
        assertEquals(WebConnectionTransport.ReadResumption.CONTAINER_REDISPATCHES,
                ContainerTraits.TOMCAT.readResumption());
        assertEquals(WebConnectionTransport.ReadResumption.CALLER_READS,
                ContainerTraits.SERVLET_CONTRACT.readResumption());
        assertEquals(WebConnectionTransport.LastWrite.LEFT_TO_CLOSE, ContainerTraits.JETTY.lastWrite());
        assertEquals(WebConnectionTransport.LastWrite.FLUSHED, ContainerTraits.TOMCAT.lastWrite());
        assertEquals(WebConnectionTransport.LastWrite.FLUSHED, ContainerTraits.SERVLET_CONTRACT.lastWrite());
    }

    @Test
    void onlyJettysUpgradedOutputIsWrittenPastForLargeWrites() {
        assertTrue(ContainerTraits.JETTY.unwrapsOutput());
        assertFalse(ContainerTraits.TOMCAT.unwrapsOutput());
        assertFalse(ContainerTraits.SERVLET_CONTRACT.unwrapsOutput(), "an untried container's wrapper is left alone");
    }
}
