package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.SockOpt;
import dev.socket2j.SockRef;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The io_uring engine's channels use the same option dispatch and close guard as the epoll engine's. No ring is
 * needed: a channel not yet registered still owns its socket, so this runs where io_uring is unavailable too.
 */
class Socket2UringConfigTest {
    private static List<Supplier<UringChannel>> channels() {
        return List.of(() -> new Socket2UringSocketChannel(SocketProtocolFamily.INET),
            () -> new Socket2UringServerSocketChannel(SocketProtocolFamily.INET));
    }

    @Test
    void getOptionsListsValuesAndSetOptionsTakesThemBack() {
        for (Supplier<UringChannel> open : channels()) {
            UringChannel ch = open.get();
            try {
                ChannelConfig config = ch.config();
                Map<ChannelOption<?>, Object> all = config.getOptions();
                assertTrue(all.containsKey(ChannelOption.SO_RCVBUF), ch + ": " + all.keySet());
                for (Map.Entry<ChannelOption<?>, Object> e : all.entrySet()) {
                    assertNotNull(e.getValue(), ch + ": " + e.getKey() + " listed without a value");
                }
                assertFalse(all.containsKey(Socket2ChannelOption.UDP_GRO), "a UDP option on a TCP channel");
                assertTrue(config.setOptions(all), "every listed option is taken back");
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
    }

    @Test
    void anOptionOfAnotherKindFailsLoudly() {
        for (Supplier<UringChannel> open : channels()) {
            UringChannel ch = open.get();
            try {
                assertThrows(ChannelException.class, () -> ch.config().setOption(Socket2ChannelOption.UDP_GRO, true));
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
    }

    @Test
    void aClosedChannelNeverTouchesTheSocketThatGotItsNumber() throws Exception {
        for (Supplier<UringChannel> open : channels()) {
            UringChannel ch = open.get();
            SockRef before = ch.socket();
            int number = ch.fd().intValue();
            ch.unsafe().closeForcibly();
            try (Socket reused = reuse(number)) {
                Assumptions.assumeTrue(reused != null, "descriptor number " + number + " not reused");
                int rcvbuf = reused.recvBufferSize();
                long priority = reused.priority();
                int tos = reused.getOption(SockOpt.IP_TOS);

                closedAsChannelException(() -> ch.config().setOption(ChannelOption.SO_RCVBUF, 40000));
                closedAsChannelException(() -> ch.config().getOption(ChannelOption.SO_RCVBUF));
                closedAsChannelException(() -> ch.config().setOption(ChannelOption.IP_TOS, 0x28));
                closedAsChannelException(() -> ch.config().setOption(Socket2ChannelOption.of(SockOpt.SO_PRIORITY), 6L));
                if (ch instanceof Socket2UringSocketChannel tcp) closedAsChannelException(() -> tcp.config().setTrafficClass(0x28));
                assertThrows(ClosedChannelException.class, () -> before.setPriority(6));
                assertThrows(ClosedChannelException.class, before::recvBufferSize);

                assertEquals(rcvbuf, reused.recvBufferSize(), ch + ": SO_RCVBUF of the new socket");
                assertEquals(priority, reused.priority(), ch + ": SO_PRIORITY of the new socket");
                assertEquals(tos, reused.getOption(SockOpt.IP_TOS), ch + ": IP_TOS of the new socket");
            }
        }
    }

    private static void closedAsChannelException(Runnable r) {
        ChannelException e = assertThrows(ChannelException.class, r::run);
        assertInstanceOf(ClosedChannelException.class, e.getCause(), String.valueOf(e));
    }

    /** Opens sockets until one gets {@code number} (the kernel gives the lowest free one); null if none did. */
    private static Socket reuse(int number) throws IOException {
        List<Socket> others = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                Socket s = Socket.open(Domain.IPV4, Type.STREAM);
                if (s.rawFd() == number) return s;
                others.add(s);
            }
            return null;
        } finally {
            for (Socket s : others) s.close();
        }
    }
}
