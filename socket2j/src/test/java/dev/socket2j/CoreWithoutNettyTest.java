package dev.socket2j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program that uses only {@code dev.socket2j} runs with nothing but the library's classes on its class path, and on
 * its module path (the Netty modules are {@code requires static}); the transport still runs on the module path with
 * Netty beside it. Each case is a child JVM running a single-file program.
 */
class CoreWithoutNettyTest {
    private static final Path CLASSES = Path.of("target/classes").toAbsolutePath();
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

    private static final String CORE_ONLY = """
        import dev.socket2j.Domain;
        import dev.socket2j.Socket;
        import dev.socket2j.Type;

        public class CoreOnly {
            public static void main(String[] args) throws Exception {
                Socket[] p = Socket.pair(Domain.UNIX, Type.STREAM, null);
                try (Socket a = p[0]; Socket b = p[1]) {
                    a.send("ping".getBytes());
                    byte[] buf = new byte[16];
                    int n = b.recv(buf);
                    System.out.println("got " + new String(buf, 0, n));
                }
                try {
                    Class.forName("io.netty.channel.Channel");
                    System.out.println("netty present");
                } catch (ClassNotFoundException e) {
                    System.out.println("no netty");
                }
            }
        }
        """;

    private static final String WITH_NETTY = """
        import dev.socket2j.netty.Socket2IoHandler;
        import dev.socket2j.netty.Socket2ServerSocketChannel;
        import dev.socket2j.netty.Socket2SocketChannel;
        import io.netty.bootstrap.Bootstrap;
        import io.netty.bootstrap.ServerBootstrap;
        import io.netty.buffer.ByteBuf;
        import io.netty.buffer.Unpooled;
        import io.netty.channel.Channel;
        import io.netty.channel.ChannelHandlerContext;
        import io.netty.channel.ChannelInboundHandlerAdapter;
        import io.netty.channel.EventLoopGroup;
        import io.netty.channel.MultiThreadIoEventLoopGroup;
        import java.net.InetAddress;
        import java.net.InetSocketAddress;
        import java.util.concurrent.ArrayBlockingQueue;
        import java.util.concurrent.TimeUnit;

        public class WithNetty {
            public static void main(String[] args) throws Exception {
                EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
                var got = new ArrayBlockingQueue<String>(1);
                try {
                    Channel server = new ServerBootstrap().group(group).channel(Socket2ServerSocketChannel.class)
                        .childHandler(new ChannelInboundHandlerAdapter() {
                            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf b = (ByteBuf) msg;
                                got.add(b.toString(java.nio.charset.StandardCharsets.US_ASCII));
                                b.release();
                            }
                        }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
                    Channel client = new Bootstrap().group(group).channel(Socket2SocketChannel.class)
                        .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
                    client.writeAndFlush(Unpooled.copiedBuffer("ping".getBytes())).sync();
                    System.out.println("got " + got.poll(10, TimeUnit.SECONDS));
                    System.out.println("module " + Socket2IoHandler.class.getModule().getName());
                    client.close().sync();
                    server.close().sync();
                } finally {
                    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
                }
            }
        }
        """;

    private static List<String> run(Path dir, String className, String source, String... jvmArgs)
            throws IOException, InterruptedException {
        Path src = dir.resolve(className + ".java");
        Files.writeString(src, source, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(Arrays.asList(jvmArgs));
        cmd.add(src.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out;
        try (var r = p.inputReader(StandardCharsets.UTF_8)) {
            out = r.lines().collect(Collectors.toList());
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not end within 60 s");
        assertEquals(0, p.exitValue(), () -> "child JVM failed: " + cmd + "\n" + String.join("\n", tail(out)));
        return out;
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 40), lines.size());
    }

    @Test
    void coreRunsWithOnlyItsClassesOnTheClassPath(@TempDir Path dir) throws Exception {
        List<String> out = run(dir, "CoreOnly", CORE_ONLY, "--enable-native-access=ALL-UNNAMED",
            "-Xlog:class+load=info", "--class-path", CLASSES.toString());
        assertTrue(out.contains("got ping"), () -> String.join("\n", tail(out)));
        assertTrue(out.contains("no netty"));
        // libc functions link on first use: the pair's socketpair(2) did, sendmmsg(2) and splice(2) did not
        String loaded = String.join("\n", out);
        assertTrue(loaded.contains("dev.socket2j.internal.Sys$Socketpair "), "socketpair's holder loaded");
        assertFalse(loaded.contains("dev.socket2j.internal.Sys$Sendmmsg"), "sendmmsg linked without being called");
        assertFalse(loaded.contains("dev.socket2j.internal.Sys$SpliceNb"), "splice linked without being called");
        assertFalse(loaded.contains("io.netty"), "a Netty class was loaded");
    }

    @Test
    void coreRunsWithOnlyItsModuleOnTheModulePath(@TempDir Path dir) throws Exception {
        List<String> out = run(dir, "CoreOnly", CORE_ONLY, "--enable-native-access=dev.socket2j",
            "--module-path", CLASSES.toString(), "--add-modules", "dev.socket2j");
        assertTrue(out.contains("got ping"), () -> String.join("\n", tail(out)));
        assertTrue(out.contains("no netty"));
    }

    @Test
    void transportRunsOnTheModulePathWithNettyBesideIt(@TempDir Path dir) throws Exception {
        List<String> path = new ArrayList<>();
        path.add(CLASSES.toString());
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            if (name.matches("netty-(common|buffer|transport|transport-native-unix-common|resolver)-[0-9.]+Final\\.jar")) {
                path.add(e);
            }
        }
        assertEquals(6, path.size(), () -> "Netty jars not found on the test class path: " + path);
        List<String> out = run(dir, "WithNetty", WITH_NETTY, "--enable-native-access=dev.socket2j",
            "--module-path", String.join(File.pathSeparator, path), "--add-modules", "ALL-MODULE-PATH");
        assertTrue(out.contains("got ping"), () -> String.join("\n", tail(out)));
        assertTrue(out.contains("module dev.socket2j"), "the transport ran as the named module");
    }
}
