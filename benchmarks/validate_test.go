package benchmarks

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/magnumopus/opus/quality"
	"github.com/magnumopus/opus/tlc"
)

// validateRows is the size of the table the quality benchmark validates.
const validateRows = 10_000_000

// BenchmarkValidate validates a generated 10-million-row yellow month
// against the default TLC suite (tlc.Suite) with Opus, and with the same
// expectations as vectorized pandas (peers/validate_pandas.py, Debian's
// python3-pandas) on the same rows. The pandas sub-benchmark runs once per
// iteration of its own process and reports what the script measured.
func BenchmarkValidate(b *testing.B) {
	path := generated(b, tlc.Yellow, validateRows)
	suite, err := tlc.Suite(tlc.Yellow)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("opus", func(b *testing.B) {
		batches, inputMB := loadBatches(b, path)
		defer func() {
			for _, rec := range batches {
				rec.Release()
			}
		}()
		start := resetPeakRSS(b)
		for b.Loop() {
			// A fresh table each time: statistics are memoized per table,
			// and every iteration must compute them like a first run.
			tbl, err := quality.NewTable(batches...)
			if err != nil {
				b.Fatal(err)
			}
			res, err := suite.Validate(tbl, nil)
			if err != nil {
				b.Fatal(err)
			}
			if res.Statistics.EvaluatedExpectations != len(suite.Expectations) {
				b.Fatalf("evaluated %d expectations", res.Statistics.EvaluatedExpectations)
			}
			tbl.Release()
			// Collect this run's garbage outside the timing, so that the
			// peak is one validation's, as a user validating a table sees.
			b.StopTimer()
			runtime.GC()
			b.StartTimer()
		}
		b.ReportMetric(float64(validateRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(inputMB, "input-MB")
		if peak, ok := procStatusMB("VmHWM:"); ok {
			b.ReportMetric(peak-start, "extra-peak-MB")
		}
	})
	b.Run("pandas", func(b *testing.B) {
		py := "/usr/bin/python3"
		if err := exec.Command(py, "-c", "import pandas").Run(); err != nil {
			b.Skipf("needs Debian's python3-pandas (%s -c 'import pandas': %v)", py, err)
		}
		csvPath := canonicalCSV(b, path)
		suitePath := filepath.Join(b.TempDir(), "yellow.suite.json")
		data, _ := tlc.SuiteJSON(tlc.Yellow)
		if err := os.WriteFile(suitePath, data, 0o644); err != nil {
			b.Fatal(err)
		}
		var last pandasRun
		for b.Loop() {
			out, err := exec.Command(py, "peers/validate_pandas.py", suitePath, csvPath).Output()
			if err != nil {
				b.Fatalf("pandas peer: %v", err)
			}
			if err := json.Unmarshal(out, &last); err != nil {
				b.Fatalf("pandas peer output %q: %v", out, err)
			}
		}
		agree(b, suite, path, last.Unexpected)
		b.ReportMetric(last.ValidateSeconds*1e9, "validate-ns/op")
		b.ReportMetric(float64(last.Rows)/last.ValidateSeconds, "rows/s")
		b.ReportMetric(last.InputMB, "input-MB")
		b.ReportMetric(last.PeakRSSMB, "peak-RSS-MB")
	})
}

type pandasRun struct {
	Rows            int     `json:"rows"`
	LoadSeconds     float64 `json:"load_seconds"`
	ValidateSeconds float64 `json:"validate_seconds"`
	PeakRSSMB       float64 `json:"peak_rss_mb"`
	InputMB         float64 `json:"input_mb"`
	Unexpected      []int64 `json:"unexpected"`
}

// loadBatches reads a whole file into record batches and returns their
// Arrow size in MB (the sum of their buffers).
func loadBatches(b *testing.B, path string) ([]arrow.RecordBatch, float64) {
	b.Helper()
	r, err := tlc.Open(context.Background(), path, tlc.ReadOptions{BatchSize: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var batches []arrow.RecordBatch
	var bytes int64
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		batches = append(batches, rec)
		for _, c := range rec.Columns() {
			bytes += arraySize(c.Data())
		}
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
	return batches, float64(bytes) / (1 << 20)
}

func arraySize(d arrow.ArrayData) int64 {
	var n int64
	for _, buf := range d.Buffers() {
		if buf != nil {
			n += int64(buf.Len())
		}
	}
	for _, c := range d.Children() {
		n += arraySize(c)
	}
	return n
}

// canonicalCSV writes the canonical rows of path as CSV (canonical names,
// TimeLayout times, empty nulls) for the pandas peer, once.
func canonicalCSV(b *testing.B, path string) string {
	b.Helper()
	out := path + ".canonical.csv"
	if _, err := os.Stat(out); err == nil {
		return out
	}
	r, err := tlc.Open(context.Background(), path, tlc.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	tmp := out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	w.Write(tlc.ColumnNames(r.Kind()))
	row := make([]string, len(tlc.ColumnNames(r.Kind())))
	for r.Next() {
		rec := r.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			for c, col := range rec.Columns() {
				switch {
				case col.IsNull(i):
					row[c] = ""
				case col.DataType().ID() == arrow.TIMESTAMP:
					row[c] = col.(*array.Timestamp).Value(i).ToTime(arrow.Microsecond).Format(tlc.TimeLayout)
				default:
					row[c] = col.ValueStr(i)
				}
			}
			w.Write(row)
		}
	}
	w.Flush()
	if err := errorsJoin(r.Err(), w.Error(), bw.Flush(), f.Close()); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, out); err != nil {
		b.Fatal(err)
	}
	return out
}

// agree checks that Opus and the pandas peer found the same thing: equal
// unexpected counts for every column-map and pair expectation, the same
// verdict for the aggregate and table ones (pandas reports 1 for a fail).
func agree(b *testing.B, suite *quality.Suite, path string, pandas []int64) {
	b.Helper()
	batches, _ := loadBatches(b, path)
	tbl, err := quality.NewTable(batches...)
	for _, rec := range batches {
		rec.Release()
	}
	if err != nil {
		b.Fatal(err)
	}
	defer tbl.Release()
	res, err := suite.Validate(tbl, nil)
	if err != nil {
		b.Fatal(err)
	}
	if len(pandas) != len(res.Results) {
		b.Fatalf("pandas ran %d expectations, Opus %d", len(pandas), len(res.Results))
	}
	for i, r := range res.Results {
		got := r.Result.UnexpectedCount
		if !r.Result.Has(quality.KeyUnexpectedCount) {
			got = 0
			if !r.Success {
				got = 1
			}
		}
		if got != pandas[i] {
			b.Errorf("%s(%s): Opus %d, pandas %d", r.ExpectationConfig.Type, r.ExpectationConfig.Column(), got, pandas[i])
		}
	}
}
