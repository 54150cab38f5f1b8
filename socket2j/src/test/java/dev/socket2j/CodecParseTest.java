package dev.socket2j;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Codec#parse}, the command line's way in, refuses what {@link Codec#encode} refuses, with one line that says
 * why: a value parsed is a value {@code setOption} will take (or the kernel refuse).
 */
class CodecParseTest {

    private static IllegalArgumentException refused(SockOpt<?> opt, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.codec().parse(text),
            opt.name() + "=" + text);
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void deviceNameLongerThanIfnamsizIsRefused() {
        refused(SockOpt.SO_BINDTODEVICE, "a-very-long-interface-name");
        assertEquals("lo", SockOpt.SO_BINDTODEVICE.codec().parse("lo"));
        assertEquals("exactly15bytes_", SockOpt.SO_BINDTODEVICE.codec().parse("exactly15bytes_"));
        refused(SockOpt.SO_BINDTODEVICE, "exactly16bytes__");
    }

    @Test
    void congestionNameLongerThanTcpCaNameMaxIsRefused() {
        refused(SockOpt.TCP_CONGESTION, "twenty-characters-cc");
        assertEquals("cubic", SockOpt.TCP_CONGESTION.codec().parse("cubic"));
    }

    @Test
    void negativeDurationsAreRefused() {
        refused(SockOpt.TCP_KEEPIDLE, "-5s");
        refused(SockOpt.TCP_KEEPINTVL, "-1");
        refused(SockOpt.TCP_DEFER_ACCEPT, "-2s");
        refused(SockOpt.SO_LINGER, "-3s");
        refused(SockOpt.SO_RCVTIMEO, "-1s");
        refused(SockOpt.TCP_USER_TIMEOUT, "-5s");
        assertEquals(Duration.ofSeconds(30), SockOpt.TCP_KEEPIDLE.codec().parse("30s"));
        assertEquals(Optional.empty(), SockOpt.SO_RCVTIMEO.codec().parse("none"));
    }

    @Test
    void outOfRangeValuesAreRefusedAsByEncode() {
        refused(SockOpt.TCP_KEEPIDLE, "40000s");   // above MAX_TCP_KEEPIDLE
        refused(SockOpt.SO_RCVTIMEO, "0s");       // zero would mean "forever"
        refused(SockOpt.TCP_KEEPCNT, "200");
        refused(SockOpt.IP_TOS, "256");
        refused(SockOpt.SO_PRIORITY, "-1");
    }

    @Test
    void malformedTextIsAnIllegalArgumentException() {
        refused(SockOpt.TCP_KEEPIDLE, "PTxyz");     // not DateTimeParseException
        refused(SockOpt.TCP_KEEPIDLE, "ten");
        refused(SockOpt.SO_KEEPALIVE, "maybe");
        refused(SockOpt.IP_MULTICAST_IF, "not-an-address");
        refused(SockOpt.MCAST_JOIN_SOURCE_GROUP, "232.1.2.3");  // no source
        refused(SockOpt.MCAST_JOIN_SOURCE_GROUP, "232.1.2.3,::1");  // two families
    }

    @Test
    void groupSourceParsesGroupSourceAndInterface() {
        GroupSource g = SockOpt.MCAST_JOIN_SOURCE_GROUP.codec().parse("232.1.2.3,10.0.0.1,7");
        assertEquals(7, g.ifindex());
        assertEquals("232.1.2.3", g.group().asSocket().orElseThrow().getAddress().getHostAddress());
        assertEquals("10.0.0.1", g.source().asSocket().orElseThrow().getAddress().getHostAddress());
    }
}
