package benchmarks

import (
	"bufio"
	"errors"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// resetPeakRSS clears the kernel's high-water mark of this process's
// resident memory (Linux: writing 5 to /proc/self/clear_refs), so that each
// benchmark reports its own peak, C allocations (DuckDB) included.
// It returns the resident size at that moment, in MB, for reportPeakRSS.
func resetPeakRSS(b *testing.B) float64 {
	b.Helper()
	debug.FreeOSMemory() // return earlier benchmarks' garbage to the OS first
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset peak RSS (%v): peak-RSS-MB includes earlier work", err)
	}
	mb, _ := procStatusMB("VmRSS:")
	return mb
}

// reportPeakRSS reports VmHWM, the peak resident set size since the last
// reset, in MB.
// start is what the process held before the benchmark (resetPeakRSS).
func reportPeakRSS(b *testing.B, start float64) {
	b.Helper()
	if mb, ok := procStatusMB("VmHWM:"); ok {
		b.ReportMetric(mb, "peak-RSS-MB")
		b.ReportMetric(start, "start-RSS-MB")
	}
}

// procStatusMB reads one kB field of /proc/self/status, in MB.
func procStatusMB(field string) (float64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err == nil
		}
	}
	return 0, false
}

func errorsJoin(errs ...error) error { return errors.Join(errs...) }
