package benchmarks

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// resetPeakRSS clears the kernel's high-water mark of this process's
// resident memory (Linux: writing 5 to /proc/self/clear_refs), so that each
// benchmark reports its own peak, C allocations (DuckDB) included.
func resetPeakRSS(b *testing.B) {
	b.Helper()
	debug.FreeOSMemory() // return earlier benchmarks' garbage to the OS first
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset peak RSS (%v): peak-RSS-MB includes earlier work", err)
	}
}

// reportPeakRSS reports VmHWM, the peak resident set size, in MB.
func reportPeakRSS(b *testing.B) {
	b.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Logf("no /proc/self/status: %v", err)
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				b.ReportMetric(kb/1024, "peak-RSS-MB")
			}
			return
		}
	}
}
