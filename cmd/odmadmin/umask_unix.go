//go:build unix

package main

import "syscall"

// umask returns the process umask (read by setting and restoring it: there is no getter).
func umask() uint32 {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return uint32(m)
}
