//go:build unix

package mapping

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system, all threads, the garbage collector's
// included) the process has used. The benchmarks report it beside wall time because the
// machines they run on are shared: wall time also counts other processes.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
