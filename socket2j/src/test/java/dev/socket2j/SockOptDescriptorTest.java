package dev.socket2j;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facts a descriptor carries beyond its number: its IPv4/IPv6 twin and the names of its socket2 getters. */
class SockOptDescriptorTest {

    private static boolean isV6Level(SockOpt<?> o) {
        return o.level() == dev.socket2j.internal.C.IPPROTO_IPV6 || o.level() == dev.socket2j.internal.C.SOL_IPV6;
    }

    @Test
    void twinsPairTheSameSettingOfTheTwoFamilies() {
        assertEquals(Optional.of(SockOpt.IPV6_TCLASS), SockOpt.IP_TOS.twin());
        assertEquals(Optional.of(SockOpt.IP_TOS), SockOpt.IPV6_TCLASS.twin());
        assertEquals(Optional.of(SockOpt.IPV6_MULTICAST_HOPS), SockOpt.IP_MULTICAST_TTL.twin());
        assertEquals(Optional.of(SockOpt.IPV6_MULTICAST_LOOP), SockOpt.IP_MULTICAST_LOOP.twin());
        assertEquals(Optional.of(SockOpt.IPV6_UNICAST_HOPS), SockOpt.IP_TTL.twin());
        assertEquals(Optional.of(SockOpt.MCAST_BLOCK_SOURCE_V6), SockOpt.MCAST_BLOCK_SOURCE.twin());
        // no twin: an option of no family, and one whose value differs between the families
        assertEquals(Optional.empty(), SockOpt.SO_RCVBUF.twin());
        assertEquals(Optional.empty(), SockOpt.IP_MULTICAST_IF.twin());
        for (SockOpt<?> o : SockOpt.all()) {
            o.twin().ifPresent(t -> {
                assertEquals(Optional.of(o), t.twin(), o.name() + " is its twin's twin");
                assertTrue(isV6Level(o) != isV6Level(t), o.name() + " and " + t.name() + " are of two families");
                assertEquals(o.codec().type(), t.codec().type(), o.name() + " and its twin take one value type");
            });
        }
    }

    @Test
    void forFamilyPicksTheMemberOfTheSocketsFamily() {
        assertSame(SockOpt.IPV6_TCLASS, SockOpt.IP_TOS.forFamily(Domain.IPV6));
        assertSame(SockOpt.IP_TOS, SockOpt.IP_TOS.forFamily(Domain.IPV4));
        assertSame(SockOpt.IP_TOS, SockOpt.IPV6_TCLASS.forFamily(Domain.IPV4));
        assertSame(SockOpt.IPV6_MULTICAST_HOPS, SockOpt.IP_MULTICAST_TTL.forFamily(Domain.IPV6));
        assertSame(SockOpt.SO_RCVBUF, SockOpt.SO_RCVBUF.forFamily(Domain.IPV6));
        assertSame(SockOpt.IP_TOS, SockOpt.IP_TOS.forFamily(Domain.UNIX));
        for (SockOpt<?> o : SockOpt.all()) {
            if (o.twin().isEmpty()) continue;
            assertTrue(isV6Level(o.forFamily(Domain.IPV6)), o.name());
            assertFalse(isV6Level(o.forFamily(Domain.IPV4)), o.name());
        }
    }

    @Test
    void aDualStackWriteAlsoSetsTheIpv4TwinWhereItApplies() {
        assertEquals(Optional.of(SockOpt.IP_TOS), SockOpt.IP_TOS.alsoWrite(SocketKind.TCP_V6));
        assertEquals(Optional.of(SockOpt.IP_TOS), SockOpt.IPV6_TCLASS.alsoWrite(SocketKind.UDP_V6));
        assertEquals(Optional.of(SockOpt.IP_MULTICAST_TTL), SockOpt.IP_MULTICAST_TTL.alsoWrite(SocketKind.UDP_V6));
        assertEquals(Optional.empty(), SockOpt.IP_TOS.alsoWrite(SocketKind.TCP_V4));
        assertEquals(Optional.empty(), SockOpt.SO_RCVBUF.alsoWrite(SocketKind.TCP_V6));
        // IPv4 memberships are not for IPv6 sockets, and IP_MTU cannot be written
        assertEquals(Optional.empty(), SockOpt.MCAST_JOIN_SOURCE_GROUP_V6.alsoWrite(SocketKind.UDP_V6));
        assertEquals(Optional.empty(), SockOpt.IPV6_MTU.alsoWrite(SocketKind.UDP_V6));
    }

    /** Every no-argument getter of {@link SocketOptions}, by its Java name. */
    private static Set<String> getters() {
        return Arrays.stream(SocketOptions.class.getMethods())
            .filter(m -> m.isDefault() && m.getParameterCount() == 0 && m.getReturnType() != void.class
                && !Modifier.isStatic(m.getModifiers()))
            .map(Method::getName).collect(Collectors.toSet());
    }

    @Test
    void socket2NamesAreTheGettersOfSocketOptions() throws Exception {
        Set<String> getters = getters();
        Map<String, SockOpt<?>> byGetter = new HashMap<>();
        for (SockOpt<?> o : SockOpt.all()) {
            for (String n : o.socket2Names()) {
                String java = OptionAccessorsTest.javaName(n);
                assertTrue(getters.contains(java), o.name() + ": no getter " + java + " for " + n);
                assertEquals(null, byGetter.put(java, o), n + " named twice");
            }
        }
        // and every getter that reads one option names it: none is left unlisted
        List<String> unlisted = new ArrayList<>(getters);
        unlisted.removeAll(byGetter.keySet());
        assertEquals(List.of(), unlisted);
        assertEquals(List.of("tcp_keepalive_time"), SockOpt.TCP_KEEPIDLE.socket2Names());
        assertEquals(List.of("device_index_v4", "device_index_v6"), SockOpt.SO_BINDTOIFINDEX.socket2Names());
        assertEquals(List.of(), SockOpt.IP_ADD_MEMBERSHIP.socket2Names());
    }

    @Test
    void eachSocket2GetterReadsItsDescriptor() throws Exception {
        // the getter and the descriptor agree on a live socket: the value read both ways is the same
        try (Socket s = Socket.open(Domain.IPV6, Type.STREAM)) {
            s.setTcpKeepalive(new TcpKeepalive().withTime(java.time.Duration.ofSeconds(321)));
            for (SockOpt<?> o : List.of(SockOpt.TCP_KEEPIDLE, SockOpt.SO_RCVBUF, SockOpt.IPV6_UNICAST_HOPS, SockOpt.TCP_MAXSEG)) {
                Method getter = SocketOptions.class.getMethod(OptionAccessorsTest.javaName(o.socket2Names().get(0)));
                Object viaGetter = getter.invoke(s);
                Object viaOption = s.getOption(o);
                assertEquals(viaOption, viaGetter instanceof java.util.OptionalInt i ? i.getAsInt() : viaGetter, o.name());
            }
        }
    }
}
