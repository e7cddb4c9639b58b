package testsvc

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// VersityGWInstall is the command that installs the versitygw binary
// [StartVersityGW] looks for on PATH (.ci/run runs it).
const VersityGWInstall = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// versityGWStartTimeout bounds how long a private gateway may take to answer.
const versityGWStartTimeout = 30 * time.Second

// StartVersityGW starts a private versitygw S3 server for this test, for
// tests that must take the server down and bring it back, e.g. in the middle
// of a write. It skips the test when no versitygw binary is on PATH.
//
// The server listens on a free loopback port with fresh credentials and keeps
// its data (posix backend) in a temporary directory that lives as long as the
// test. stop kills it abruptly (SIGKILL, like a crash) and waits for it to
// exit; it does nothing if the server is already down. restart stops it if it
// is running and starts it again on the same port and data, so cfg stays
// valid and stored objects survive; it fails the test if the server does not
// come back. Call stop and restart from the test's goroutine. The server is
// stopped when the test ends.
func StartVersityGW(tb testing.TB) (cfg S3Config, stop func(), restart func()) {
	tb.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		tb.Skip("needs versitygw on PATH: " + VersityGWInstall + " (.ci/run installs it)")
	}
	dir := tb.TempDir() // removed after the Cleanup below has stopped the server
	g := &gateway{
		bin:     bin,
		data:    filepath.Join(dir, "data"),
		logPath: filepath.Join(dir, "versitygw.log"),
	}
	if err := os.Mkdir(g.data, 0o755); err != nil {
		tb.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		tb.Fatalf("testsvc: no free port for versitygw: %v", err)
	}
	g.addr = fmt.Sprintf("127.0.0.1:%d", port)
	g.cfg = S3Config{
		Endpoint:  "http://" + g.addr,
		AccessKey: "opus-test-" + randomHex(4),
		SecretKey: randomHex(20),
		Region:    DefaultS3Region,
	}
	tb.Cleanup(g.stop)
	if err := g.start(); err != nil {
		tb.Fatalf("testsvc: %v", err)
	}
	tb.Logf("testsvc: private versitygw at %s (log %s)", g.cfg.Endpoint, g.logPath)
	restart = func() {
		tb.Helper()
		g.stop()
		if err := g.start(); err != nil {
			tb.Fatalf("testsvc: restart: %v", err)
		}
	}
	return g.cfg, g.stop, restart
}

// gateway is one private versitygw server, started and stopped at will.
type gateway struct {
	bin, data, logPath, addr string
	cfg                      S3Config

	mu   sync.Mutex
	cmd  *exec.Cmd     // the running process, nil when down
	done chan struct{} // closed when cmd has exited
}

// start launches the server and waits until it answers HTTP.
func (g *gateway) start() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cmd != nil {
		return fmt.Errorf("versitygw at %s is already running", g.addr)
	}
	logf, err := os.OpenFile(g.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(logf, "=== testsvc: starting versitygw at %s\n", time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(g.bin, "--quiet", "--port", g.addr, "--region", g.cfg.Region, "posix", g.data)
	// Credentials through the environment, as versitygw reads them, rather
	// than on the command line.
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+g.cfg.AccessKey, "ROOT_SECRET_KEY="+g.cfg.SecretKey)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()

	started := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		// On Linux the child gets SIGKILL when the thread that started it
		// ends (Pdeathsig), so that a test binary that dies does not leave
		// servers behind. Keep this goroutine on its thread until the child
		// has exited; the thread then ends with the goroutine.
		runtime.LockOSThread()
		err := cmd.Start()
		logf.Close() // the child has its own copy
		started <- err
		if err == nil {
			_ = cmd.Wait()
		}
		close(done)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start %s: %w", g.bin, err)
	}
	g.cmd, g.done = cmd, done

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(versityGWStartTimeout)
	for {
		select {
		case <-done:
			g.cmd, g.done = nil, nil
			return fmt.Errorf("versitygw at %s exited during startup (%v); log:\n%s", g.addr, cmd.ProcessState, g.logTail())
		default:
		}
		// Any HTTP answer will do: an anonymous request gets 403.
		resp, err := client.Get(g.cfg.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			g.killLocked()
			return fmt.Errorf("versitygw at %s does not answer after %v (%v); log:\n%s", g.addr, versityGWStartTimeout, err, g.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop kills the server, if running, and waits for it to exit.
func (g *gateway) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.killLocked()
}

func (g *gateway) killLocked() {
	if g.cmd == nil {
		return
	}
	_ = g.cmd.Process.Kill()
	<-g.done
	g.cmd, g.done = nil, nil
}

// logTail returns the end of the server log for error messages.
func (g *gateway) logTail() string {
	b, err := os.ReadFile(g.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	const max = 4000
	if len(b) > max {
		b = b[len(b)-max:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}

// freePort returns a TCP port on 127.0.0.1 that nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
