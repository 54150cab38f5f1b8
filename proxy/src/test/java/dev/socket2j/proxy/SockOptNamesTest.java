package dev.socket2j.proxy;

import dev.socket2j.SockOpt;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's option names, read from the descriptors: table names and socket2 getter names. */
class SockOptNamesTest {

    /** The getter names the proxy accepted before the names moved onto the descriptors (getter=TABLE_NAME). */
    private static final List<String> GETTER_NAMES = List.of(
        "priority=SO_PRIORITY type=SO_TYPE mark=SO_MARK protocol=SO_PROTOCOL broadcast=SO_BROADCAST domain=SO_DOMAIN",
        "device_index_v4=SO_BINDTOIFINDEX device_index_v6=SO_BINDTOIFINDEX take_error=SO_ERROR keepalive=SO_KEEPALIVE",
        "linger=SO_LINGER out_of_band_inline=SO_OOBINLINE passcred=SO_PASSCRED recv_buffer_size=SO_RCVBUF",
        "read_timeout=SO_RCVTIMEO reuse_address=SO_REUSEADDR send_buffer_size=SO_SNDBUF write_timeout=SO_SNDTIMEO",
        "is_listener=SO_ACCEPTCONN device=SO_BINDTODEVICE cpu_affinity=SO_INCOMING_CPU reuse_port=SO_REUSEPORT",
        "cookie=SO_COOKIE busy_poll=SO_BUSY_POLL peer_credentials=SO_PEERCRED recv_lowat=SO_RCVLOWAT",
        "send_lowat=SO_SNDLOWAT timestamp_ns=SO_TIMESTAMPNS incoming_napi_id=SO_INCOMING_NAPI_ID zerocopy=SO_ZEROCOPY",
        "rxq_overflow=SO_RXQ_OVFL peek_offset=SO_PEEK_OFF header_included_v4=IP_HDRINCL",
        "ip_transparent_v4=IP_TRANSPARENT multicast_all_v4=IP_MULTICAST_ALL multicast_if_v4=IP_MULTICAST_IF",
        "multicast_loop_v4=IP_MULTICAST_LOOP multicast_ttl_v4=IP_MULTICAST_TTL ttl_v4=IP_TTL tos_v4=IP_TOS",
        "recv_tos_v4=IP_RECVTOS original_dst_v4=SO_ORIGINAL_DST freebind_v4=IP_FREEBIND",
        "bind_address_no_port_v4=IP_BIND_ADDRESS_NO_PORT recv_orig_dst_addr_v4=IP_RECVORIGDSTADDR",
        "pktinfo_v4=IP_PKTINFO recv_ttl_v4=IP_RECVTTL mtu_discover_v4=IP_MTU_DISCOVER mtu_v4=IP_MTU",
        "header_included_v6=IPV6_HDRINCL ip_transparent_v6=IPV6_TRANSPARENT multicast_hops_v6=IPV6_MULTICAST_HOPS",
        "multicast_all_v6=IPV6_MULTICAST_ALL multicast_if_v6=IPV6_MULTICAST_IF multicast_loop_v6=IPV6_MULTICAST_LOOP",
        "unicast_hops_v6=IPV6_UNICAST_HOPS only_v6=IPV6_V6ONLY recv_tclass_v6=IPV6_RECVTCLASS",
        "recv_hoplimit_v6=IPV6_RECVHOPLIMIT original_dst_v6=IP6T_SO_ORIGINAL_DST freebind_v6=IPV6_FREEBIND",
        "tclass_v6=IPV6_TCLASS recv_pktinfo_v6=IPV6_RECVPKTINFO recv_orig_dst_addr_v6=IPV6_RECVORIGDSTADDR",
        "mtu_discover_v6=IPV6_MTU_DISCOVER mtu_v6=IPV6_MTU tcp_keepalive_time=TCP_KEEPIDLE",
        "tcp_keepalive_interval=TCP_KEEPINTVL tcp_keepalive_retries=TCP_KEEPCNT tcp_mss=TCP_MAXSEG",
        "dccp_service=DCCP_SOCKOPT_SERVICE dccp_tx_ccid=DCCP_SOCKOPT_TX_CCID dccp_xx_ccid=DCCP_SOCKOPT_RX_CCID",
        "dccp_server_timewait=DCCP_SOCKOPT_SERVER_TIMEWAIT dccp_send_cscov=DCCP_SOCKOPT_SEND_CSCOV",
        "dccp_recv_cscov=DCCP_SOCKOPT_RECV_CSCOV dccp_qpolicy_txqlen=DCCP_SOCKOPT_QPOLICY_TXQLEN",
        "dccp_available_ccids=DCCP_SOCKOPT_AVAILABLE_CCIDS dccp_cur_mps=DCCP_SOCKOPT_GET_CUR_MPS"
    );

    @Test
    void everyGetterNameResolvesToTheSameDescriptorAsBefore() {
        for (String line : GETTER_NAMES) {
            for (String pair : line.split(" ")) {
                String[] p = pair.split("=");
                assertEquals(SockOpt.byName(p[1]), SockOptNames.resolve(p[0]), p[0]);
            }
        }
    }

    @Test
    void tableNamesResolveCaseAndDashInsensitively() {
        for (SockOpt<?> o : SockOpt.all()) assertEquals(o, SockOptNames.resolve(SockOptNames.nameOf(o)).orElseThrow());
        assertEquals(SockOpt.SO_REUSEPORT, SockOptNames.resolve("Reuse-Port").orElseThrow());
        assertEquals(SockOpt.TCP_KEEPIDLE, SockOptNames.resolve("TCP-KEEPALIVE-TIME").orElseThrow());
        assertEquals(SockOpt.MCAST_BLOCK_SOURCE_V6, SockOptNames.resolve("mcast_block_source_v6").orElseThrow());
        assertTrue(SockOptNames.resolve("no_such_option").isEmpty());
    }

    @Test
    void allListsTableNamesThenGetterNames() {
        var names = List.copyOf(SockOptNames.all().keySet());
        assertEquals(SockOptNames.nameOf(SockOpt.all().get(0)), names.get(0));
        assertEquals(SockOpt.all().size() + GETTER_NAMES.stream().mapToInt(l -> l.split(" ").length).sum(), names.size());
    }
}
