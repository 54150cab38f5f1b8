package dev.socket2j;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** socket2 0.6.4's 133 Linux option accessors (spec §2, feature {@code all}) each exist under their Java name. */
class OptionAccessorsTest {

    /** socket2's names, as in the spec's tables, level by level. */
    static final List<String> SOCKET2 = List.of(
        // SOL_SOCKET (44)
        "broadcast", "set_broadcast", "take_error", "keepalive", "set_keepalive", "linger", "set_linger",
        "out_of_band_inline", "set_out_of_band_inline", "passcred", "set_passcred", "priority", "set_priority",
        "recv_buffer_size", "set_recv_buffer_size", "read_timeout", "set_read_timeout", "reuse_address",
        "set_reuse_address", "send_buffer_size", "set_send_buffer_size", "write_timeout", "set_write_timeout",
        "r#type", "is_listener", "domain", "protocol", "mark", "set_mark", "device", "bind_device",
        "device_index_v4", "bind_device_by_index_v4", "device_index_v6", "bind_device_by_index_v6",
        "cpu_affinity", "set_cpu_affinity", "reuse_port", "set_reuse_port", "attach_filter", "detach_filter",
        "cookie", "busy_poll", "set_busy_poll",
        // IPPROTO_IP (27)
        "header_included_v4", "set_header_included_v4", "ip_transparent_v4", "set_ip_transparent_v4",
        "join_multicast_v4", "leave_multicast_v4", "join_multicast_v4_n", "leave_multicast_v4_n", "join_ssm_v4",
        "leave_ssm_v4", "multicast_all_v4", "set_multicast_all_v4", "multicast_if_v4", "set_multicast_if_v4",
        "multicast_loop_v4", "set_multicast_loop_v4", "multicast_ttl_v4", "set_multicast_ttl_v4", "ttl_v4",
        "set_ttl_v4", "tos_v4", "set_tos_v4", "recv_tos_v4", "set_recv_tos_v4", "original_dst_v4",
        "freebind_v4", "set_freebind_v4",
        // IPPROTO_IPV6 (27)
        "header_included_v6", "set_header_included_v6", "ip_transparent_v6", "set_ip_transparent_v6",
        "join_multicast_v6", "leave_multicast_v6", "multicast_hops_v6", "set_multicast_hops_v6",
        "multicast_all_v6", "set_multicast_all_v6", "multicast_if_v6", "set_multicast_if_v6",
        "multicast_loop_v6", "set_multicast_loop_v6", "unicast_hops_v6", "set_unicast_hops_v6", "only_v6",
        "set_only_v6", "recv_tclass_v6", "set_recv_tclass_v6", "recv_hoplimit_v6", "set_recv_hoplimit_v6",
        "original_dst_v6", "freebind_v6", "set_freebind_v6", "tclass_v6", "set_tclass_v6",
        // IPPROTO_TCP (20)
        "tcp_keepalive_time", "tcp_keepalive_interval", "tcp_keepalive_retries", "set_tcp_keepalive",
        "tcp_nodelay", "set_tcp_nodelay", "tcp_mss", "set_tcp_mss", "tcp_cork", "set_tcp_cork", "tcp_quickack",
        "set_tcp_quickack", "tcp_thin_linear_timeouts", "set_tcp_thin_linear_timeouts", "tcp_notsent_lowat",
        "set_tcp_notsent_lowat", "tcp_user_timeout", "set_tcp_user_timeout", "tcp_congestion",
        "set_tcp_congestion",
        // SOL_DCCP (15)
        "dccp_service", "set_dccp_service", "set_dccp_ccid", "dccp_tx_ccid", "dccp_xx_ccid",
        "dccp_server_timewait", "set_dccp_server_timewait", "dccp_send_cscov", "set_dccp_send_cscov",
        "dccp_recv_cscov", "set_dccp_recv_cscov", "dccp_qpolicy_txqlen", "set_dccp_qpolicy_txqlen",
        "dccp_available_ccids", "dccp_cur_mps");

    /** DESIGN.md's mapping: snake_case → camelCase, {@code r#type} → {@code type}, {@code _v4_n} → {@code V4N}. */
    static String javaName(String rust) {
        String[] parts = rust.replace("r#", "").split("_");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return sb.toString();
    }

    @Test
    void all133Socket2AccessorsExist() {
        assertEquals(133, SOCKET2.size());
        assertEquals(133, Set.copyOf(SOCKET2).size());
        Set<String> methods = Arrays.stream(SocketOptions.class.getMethods()).map(Method::getName).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        for (String rust : SOCKET2) {
            if (!methods.contains(javaName(rust))) missing.add(rust + " -> " + javaName(rust));
        }
        assertEquals(List.of(), missing);
        assertEquals("joinMulticastV4N", javaName("join_multicast_v4_n"));
        assertEquals("dccpXxCcid", javaName("dccp_xx_ccid"));
        assertEquals("type", javaName("r#type"));
    }

    @Test
    void socketAndSockRefBothHaveThem() throws Exception {
        for (String rust : SOCKET2) {
            String name = javaName(rust);
            assertEquals(true, Arrays.stream(Socket.class.getMethods()).anyMatch(m -> m.getName().equals(name)), name);
            assertEquals(true, Arrays.stream(SockRef.class.getMethods()).anyMatch(m -> m.getName().equals(name)), name);
        }
    }
}
