package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedChannelException;
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
 * The io_uring Unix stream channels dispatch options as Unix sockets (their {@code SocketKind}), through the epoll
 * engine's config classes. No ring is needed: an unregistered channel owns its socket.
 */
class Socket2UringDomainConfigTest {
    private static List<Supplier<UringChannel>> channels() {
        return List.of(Socket2UringDomainSocketChannel::new, Socket2UringServerDomainSocketChannel::new);
    }

    @Test
    void unixOptionsAreListedAndTakenBackAndTcpOnesAreNot() {
        for (Supplier<UringChannel> open : channels()) {
            UringChannel ch = open.get();
            try {
                ChannelConfig config = ch.config();
                Map<ChannelOption<?>, Object> all = config.getOptions();
                assertTrue(all.containsKey(ChannelOption.SO_RCVBUF), ch + ": " + all.keySet());
                assertTrue(all.containsKey(Socket2ChannelOption.of(SockOpt.SO_PASSCRED)), ch + ": a Unix option");
                assertFalse(all.containsKey(ChannelOption.TCP_NODELAY), ch + ": a TCP option on a Unix channel");
                for (Map.Entry<ChannelOption<?>, Object> e : all.entrySet()) {
                    assertNotNull(e.getValue(), ch + ": " + e.getKey() + " listed without a value");
                }
                assertTrue(config.setOptions(all), "every listed option is taken back");
                // Netty's transport-neutral TCP name is unknown here, as on Netty's own Unix configs
                assertFalse(config.setOption(ChannelOption.TCP_NODELAY, true));
                assertThrows(ChannelException.class,
                    () -> config.setOption(Socket2ChannelOption.of(SockOpt.TCP_NODELAY), true));
                assertTrue(config.setOption(Socket2ChannelOption.of(SockOpt.SO_PASSCRED), true));
                assertEquals(true, config.getOption(Socket2ChannelOption.of(SockOpt.SO_PASSCRED)));
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
    }

    @Test
    void theConnectionChannelKeepsItsReadModeAndTheServerItsBacklog() {
        Socket2UringDomainSocketChannel ch = new Socket2UringDomainSocketChannel();
        Socket2UringServerDomainSocketChannel server = new Socket2UringServerDomainSocketChannel();
        try {
            assertEquals(DomainSocketReadMode.BYTES, ch.config().getReadMode());
            assertTrue(ch.config().setOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS));
            assertEquals(DomainSocketReadMode.FILE_DESCRIPTORS, ch.config().getOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE));
            assertTrue(server.config().setOption(ChannelOption.SO_BACKLOG, 7));
            assertEquals(7, server.config().getBacklog());
        } finally {
            ch.unsafe().closeForcibly();
            server.unsafe().closeForcibly();
        }
    }

    @Test
    void aClosedChannelsOptionsFailAsClosed() {
        for (Supplier<UringChannel> open : channels()) {
            UringChannel ch = open.get();
            ch.unsafe().closeForcibly();
            ChannelException e = assertThrows(ChannelException.class,
                () -> ch.config().setOption(ChannelOption.SO_RCVBUF, 40000));
            assertInstanceOf(ClosedChannelException.class, e.getCause(), String.valueOf(e));
        }
    }
}
