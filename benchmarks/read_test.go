package benchmarks

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/magnumopus/opus/tlc"
)

// benchFile is the Parquet file the read benchmarks use: $OPUS_BENCH_FILE,
// else a generated 3-million-row yellow month (see data_test.go).
func benchFile(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("OPUS_BENCH_FILE"); p != "" {
		return p
	}
	return generatedMonth(b)
}

// readPeer is a peer reader compared side by side with Opus.
type readPeer struct {
	name string
	read func(b *testing.B, path string) int64
}

func BenchmarkRead(b *testing.B) {
	path := benchFile(b)
	b.Run("opus-arrow", func(b *testing.B) {
		start := resetPeakRSS(b)
		var rows int64
		for b.Loop() {
			rows = readArrow(b, path)
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		reportPeakRSS(b, start)
	})
	b.Run("opus-typed-rows", func(b *testing.B) {
		start := resetPeakRSS(b)
		var rows int64
		for b.Loop() {
			rows = readTyped(b, path)
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		reportPeakRSS(b, start)
	})
	for _, peer := range readPeers {
		b.Run(peer.name, func(b *testing.B) {
			start := resetPeakRSS(b)
			var rows int64
			for b.Loop() {
				rows = peer.read(b, path)
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			reportPeakRSS(b, start)
		})
	}
}

func readArrow(b *testing.B, path string) int64 {
	r, err := tlc.Open(context.Background(), path, tlc.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var n int64
	for r.Next() {
		n += r.RecordBatch().NumRows()
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

func readTyped(b *testing.B, path string) int64 {
	r, err := tlc.Open(context.Background(), path, tlc.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var n int64
	switch r.Kind() {
	case tlc.Yellow:
		for _, err := range tlc.Rows[tlc.YellowTrip](r) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	case tlc.Green:
		for _, err := range tlc.Rows[tlc.GreenTrip](r) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	default:
		b.Fatalf("typed-row benchmark reads yellow or green, not %s", r.Kind())
	}
	return n
}

// BenchmarkReadMemory shows that peak memory follows the batch size, not
// the file size: the same batch size on a 1M-row and a 3M-row file, and
// three batch sizes on the 3M-row file.
func BenchmarkReadMemory(b *testing.B) {
	files := map[string]string{"1M": generated(b, tlc.Yellow, 1_000_000), "3M": generatedMonth(b),
		"3M-2009": generatedMonthOf(b, tlc.Yellow, tlc.Month{Year: 2009, Month: 1}, 3_000_000)}
	cases := []struct {
		file  string
		batch int
	}{{"1M", 64 << 10}, {"3M", 64 << 10}, {"3M", 8 << 10}, {"3M", 256 << 10}, {"3M-2009", 64 << 10}}
	for _, c := range cases {
		b.Run(fmt.Sprintf("rows=%s/batch=%d", c.file, c.batch), func(b *testing.B) {
			start := resetPeakRSS(b)
			for b.Loop() {
				r, err := tlc.Open(context.Background(), files[c.file], tlc.ReadOptions{BatchSize: c.batch})
				if err != nil {
					b.Fatal(err)
				}
				for r.Next() {
				}
				if err := r.Err(); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
			reportPeakRSS(b, start)
		})
	}
}
