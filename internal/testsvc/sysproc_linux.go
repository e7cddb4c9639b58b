package testsvc

import "syscall"

// sysProcAttr makes a child server die with the thread that started it, so a
// crashed or timed-out test binary does not leave it running.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
