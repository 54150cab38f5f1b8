/*
 * The physical-limit reference of the server-only benchmarks: a one-thread epoll echo server in C, run pinned
 * like the Java servers. Level-triggered; one read of up to 256 KiB per readiness event, written straight back;
 * a connection whose reply did not fit the send buffer stops reading until it drains (the same backpressure the
 * Java echo servers apply).
 *
 *   echoserver tcp|udp     prints "READY <port>" (127.0.0.1, an ephemeral port), serves until stdin closes
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF (256 * 1024)

typedef struct {
    int fd;
    char *buf;
    size_t off, len;     /* unsent reply bytes: buf[off, len) */
} conn_t;

static int ep;
static char stdin_tag, listen_tag;

static void die(const char *what) {
    fprintf(stderr, "echoserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void watch(int fd, unsigned events, void *ptr, int op) {
    struct epoll_event ev = {.events = events, .data.ptr = ptr};
    if (epoll_ctl(ep, op, fd, &ev) < 0) die("epoll_ctl");
}

static void drop(conn_t *c) {
    close(c->fd);
    free(c->buf);
    free(c);
}

/* Sends the unsent rest; returns -1 when the peer is gone. */
static int flush_conn(conn_t *c) {
    while (c->off < c->len) {
        ssize_t w = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
        if (w > 0) { c->off += (size_t) w; continue; }
        if (w < 0 && errno == EAGAIN) return 0;
        return -1;
    }
    c->off = c->len = 0;
    return 0;
}

static int bind_any(int type) {
    int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0) die("socket");
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *) &a, &len);
    if (type == SOCK_STREAM && listen(fd, 1024) < 0) die("listen");
    printf("READY %d\n", ntohs(a.sin_port));
    fflush(stdout);
    return fd;
}

int main(int argc, char **argv) {
    int tcp = argc < 2 || strcmp(argv[1], "udp") != 0;
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    int lfd = bind_any(tcp ? SOCK_STREAM : SOCK_DGRAM);
    watch(lfd, EPOLLIN, &listen_tag, EPOLL_CTL_ADD);
    watch(0, EPOLLIN, &stdin_tag, EPOLL_CTL_ADD);
    char *ubuf = malloc(65536);
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &stdin_tag) {
                char b[64];
                if (read(0, b, sizeof b) <= 0) return 0;
            } else if (p == &listen_tag && !tcp) {
                for (int k = 0; k < 64; k++) {
                    struct sockaddr_in from;
                    socklen_t fl = sizeof from;
                    ssize_t r = recvfrom(lfd, ubuf, 65536, 0, (struct sockaddr *) &from, &fl);
                    if (r < 0) break;
                    sendto(lfd, ubuf, (size_t) r, 0, (struct sockaddr *) &from, fl);
                }
            } else if (p == &listen_tag) {
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), one = 1;
                    if (fd < 0) break;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *c = calloc(1, sizeof *c);
                    c->fd = fd;
                    c->buf = malloc(BUF);
                    watch(fd, EPOLLIN, c, EPOLL_CTL_ADD);
                }
            } else {
                conn_t *c = p;
                if (c->len > 0) {                         /* EPOLLOUT: finish the reply, then read again */
                    if (flush_conn(c) < 0) { drop(c); continue; }
                    if (c->len == 0) watch(c->fd, EPOLLIN, c, EPOLL_CTL_MOD);
                    continue;
                }
                ssize_t r = recv(c->fd, c->buf, BUF, 0);
                if (r == 0 || (r < 0 && errno != EAGAIN)) { drop(c); continue; }
                if (r < 0) continue;
                c->off = 0;
                c->len = (size_t) r;
                if (flush_conn(c) < 0) { drop(c); continue; }
                if (c->len > 0) watch(c->fd, EPOLLOUT, c, EPOLL_CTL_MOD);
            }
        }
    }
}
