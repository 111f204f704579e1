//go:build linux || darwin || freebsd || netbsd || openbsd

package resp

import (
	"crypto/tls"
	"errors"
	"net"
	"syscall"
)

// peerGone says whether the server closed an idle connection (a restart, an
// idle timeout) or sent bytes nobody asked for, peeking at the socket
// without blocking. Under TLS, unread bytes may be a post-handshake message
// (a session ticket, a key update), so only EOF counts.
func peerGone(nc net.Conn) bool {
	tc, isTLS := nc.(*tls.Conn)
	if isTLS {
		nc = tc.NetConn()
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	gone := false
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == nil:
			gone = n == 0 || !isTLS // 0: EOF
		case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EINTR):
		default:
			gone = true
		}
		return true
	})
	return gone || err != nil
}
