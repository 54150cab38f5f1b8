package dev.socket2j.netty;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The availability check answers like Netty's {@code Epoll}: here (Linux x86_64, JDK 22+) the transport runs. */
class Socket2AvailabilityTest {
    @Test
    void transportIsAvailableOnThisLinuxMachineAndSaysSoConsistently() {
        assertTrue(Socket2.isAvailable(), () -> "unavailable: " + Socket2.unavailabilityCause());
        assertNull(Socket2.unavailabilityCause());
        assertDoesNotThrow(Socket2::ensureAvailability);
    }

    @Test
    void fastOpenAvailabilityFollowsTheSysctlBits() throws Exception {
        Path sysctl = Path.of("/proc/sys/net/ipv4/tcp_fastopen");
        int bits = Files.isReadable(sysctl) ? Integer.parseInt(Files.readString(sysctl).trim()) : 0;
        assertEquals((bits & 1) != 0, Socket2.isTcpFastOpenClientSideAvailable());
        assertEquals((bits & 2) != 0, Socket2.isTcpFastOpenServerSideAvailable());
    }
}
