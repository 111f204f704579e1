//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package resp

import "net"

// peerGone cannot peek at sockets here: a connection the server closed
// while idle fails its next command instead.
func peerGone(net.Conn) bool { return false }
