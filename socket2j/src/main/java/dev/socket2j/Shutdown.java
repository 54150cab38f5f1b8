package dev.socket2j;

import dev.socket2j.internal.C;

/** Which half of a connection {@code shutdown(2)} closes. */
public enum Shutdown {
    /** {@code SHUT_RD}: further receives are refused. */
    READ(C.SHUT_RD),
    /** {@code SHUT_WR}: further sends are refused; TCP sends a FIN. */
    WRITE(C.SHUT_WR),
    /** {@code SHUT_RDWR}: both. */
    BOTH(C.SHUT_RDWR);

    final int how;

    Shutdown(int how) { this.how = how; }
}
