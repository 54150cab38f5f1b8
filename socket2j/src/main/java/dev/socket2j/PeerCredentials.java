package dev.socket2j;

/**
 * The credentials of a Unix socket's peer ({@code SO_PEERCRED}, {@code struct ucred}): those of the process
 * that called {@code connect(2)}, {@code listen(2)} or {@code socketpair(2)}, taken at that time.
 */
public record PeerCredentials(int pid, int uid, int gid) {
    @Override public String toString() {
        return "pid=" + pid + ",uid=" + Integer.toUnsignedString(uid) + ",gid=" + Integer.toUnsignedString(gid);
    }
}
