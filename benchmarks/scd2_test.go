package benchmarks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/snapshot"
)

// The SCD2 benchmark (issue 4): one dbt snapshot run on a 1,000,000-row
// dimension in which 1 % of the rows changed, 0.1 % were deleted and 0.1 %
// are new, by Opus (lakehouse.Warehouse.RunSnapshot on an Iceberg table)
// and by PostgreSQL running the SQL dbt-postgres generates for the same
// snapshot (scd2_pg_test.go). Both start every iteration from the same
// stored first run and must end with the same table.
const (
	scd2Rows  = 1_000_000
	scd2Batch = 1 << 16
	scd2Table = "dim.customers"
)

var (
	// scd2FirstRun is the time of the stored first run, scd2Now the time of
	// the measured run (dbt's snapshot_get_time): fixed, so that both
	// engines compute the same dbt_scd_id values.
	scd2FirstRun = time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	scd2Now      = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
)

// scd2Config is the snapshot both engines run: check strategy on every
// column (check_cols='all'), hard_deletes='invalidate', unique_key id.
func scd2Config() snapshot.Config {
	return snapshot.Config{
		UniqueKey:   []string{"id"},
		Strategy:    snapshot.StrategyCheck,
		CheckCols:   []string{snapshot.CheckAll},
		HardDeletes: snapshot.HardDeletesInvalidate,
	}
}

var scd2Schema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "zone", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "rate", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "updated_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
}, nil)

// dimRow is one row of the synthetic dimension.
type dimRow struct {
	id   int64
	name string
	zone int32
	rate float64
	upd  time.Time
}

// scd2Expected is what the run must do, known from the generator.
type scd2Expected struct {
	changed, deleted, added int
}

// scd2Data returns the dimension as first loaded (the stored first run's
// source) and as the measured run sees it: 1 % of the rows changed (new
// name, later updated_at), 0.1 % gone, 0.1 % new. Seeded, the shape of
// lakehouse/snapshot's BenchmarkApply.
func scd2Data(n int) (first, second []dimRow, exp scd2Expected) {
	rng := rand.New(rand.NewPCG(42, 2026))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	first = make([]dimRow, 0, n)
	for i := range n {
		first = append(first, dimRow{id: int64(i), name: "customer-" + strconv.Itoa(i), zone: int32(rng.IntN(265) + 1),
			rate: float64(rng.IntN(10000)) / 100, upd: base.Add(time.Duration(rng.IntN(86400)) * time.Second)})
	}
	second = make([]dimRow, 0, n+n/1000)
	for _, r := range first {
		switch x := rng.IntN(1000); {
		case x < 1:
			exp.deleted++
			continue
		case x < 11:
			exp.changed++
			r.name += "-v2"
			r.upd = r.upd.Add(30 * 24 * time.Hour)
		}
		second = append(second, r)
	}
	for i := range n / 1000 {
		second = append(second, dimRow{id: int64(n + i), name: "new-" + strconv.Itoa(i), zone: 1, rate: 1,
			upd: base.Add(31 * 24 * time.Hour)})
		exp.added++
	}
	return first, second, exp
}

// dimBatches builds record batches of scd2Batch rows.
func dimBatches(rows []dimRow) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for len(rows) > 0 {
		n := min(len(rows), scd2Batch)
		b := array.NewRecordBuilder(memory.DefaultAllocator, scd2Schema)
		for _, r := range rows[:n] {
			b.Field(0).(*array.Int64Builder).Append(r.id)
			b.Field(1).(*array.StringBuilder).Append(r.name)
			b.Field(2).(*array.Int32Builder).Append(r.zone)
			b.Field(3).(*array.Float64Builder).Append(r.rate)
			b.Field(4).(*array.TimestampBuilder).AppendTime(r.upd)
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
		rows = rows[n:]
	}
	return out
}

// scd2Input is the measured run's source, kept for the whole process.
type scd2Input struct {
	source []arrow.RecordBatch // the run's source rows
	rows   int                 // their number
	exp    scd2Expected
}

var (
	scd2Once sync.Once
	scd2In   scd2Input
)

// scd2Inputs returns the measured run's source batches (built once).
func scd2Inputs() scd2Input {
	scd2Once.Do(func() {
		_, second, exp := scd2Data(scd2Rows)
		scd2In = scd2Input{source: dimBatches(second), rows: len(second), exp: exp}
	})
	return scd2In
}

// scd2FirstBatches regenerates the first run's source batches, for building
// the stored state; the caller releases them. They are not kept, so that
// they do not weigh on the measured runs' memory.
func scd2FirstBatches() []arrow.RecordBatch {
	first, _, _ := scd2Data(scd2Rows)
	return dimBatches(first)
}

// scd2Outcome is what a run did and left, compared between engines.
type scd2Outcome struct {
	closed, inserted int64 // rows the run closed and inserted, as the engine reports
	current, total   int64 // current versions (dbt_valid_to null) and all rows after the run
	// closedIDs and insertedIDs are digests of the sorted dbt_scd_id values
	// of the rows closed at scd2Now and of the rows valid from scd2Now, read
	// back from the table; nClosed, nInserted count those rows.
	closedIDs, insertedIDs string
	nClosed, nInserted     int64
}

// check fails b unless o is what the generated data requires.
func (o scd2Outcome) check(b *testing.B, engine string, exp scd2Expected) {
	b.Helper()
	want := scd2Outcome{
		closed:   int64(exp.changed + exp.deleted),
		inserted: int64(exp.changed + exp.added),
		current:  int64(scd2Rows - exp.deleted + exp.added),
		total:    int64(scd2Rows + exp.changed + exp.added),
	}
	want.nClosed, want.nInserted = want.closed, want.inserted
	got := o
	got.closedIDs, got.insertedIDs = "", ""
	if got != want {
		b.Fatalf("%s: run closed %d, inserted %d; table has %d current, %d rows, %d closed at now, %d valid from now; want %d, %d, %d, %d, %d, %d",
			engine, o.closed, o.inserted, o.current, o.total, o.nClosed, o.nInserted,
			want.closed, want.inserted, want.current, want.total, want.nClosed, want.nInserted)
	}
}

// digest hashes sorted ids.
func digest(ids []string) string {
	slices.Sort(ids)
	h := sha256.New()
	for _, id := range ids {
		io.WriteString(h, id)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// BenchmarkSCD2 runs one dbt snapshot run (check strategy on all columns,
// hard_deletes invalidate) on a 1,000,000-row dimension: Opus on an Iceberg
// table in the embedded warehouse, and PostgreSQL running dbt-postgres's
// snapshot SQL (needs $OPUS_TEST_POSTGRES_DSN). Every iteration starts from
// the same stored first run, restored outside the timing; rows/s counts
// source rows. Both engines must report and leave the same counts and the
// same dbt_scd_id values.
func BenchmarkSCD2(b *testing.B) {
	in := scd2Inputs()
	var opus *scd2Outcome
	b.Run("opus-iceberg", func(b *testing.B) {
		o := benchOpusSCD2(b, in)
		opus = &o
	})
	b.Run("postgres-dbt-sql", func(b *testing.B) {
		pg := benchPostgresSCD2(b, in)
		if opus != nil && (pg.closedIDs != opus.closedIDs || pg.insertedIDs != opus.insertedIDs) {
			b.Fatalf("dbt_scd_id digests differ: closed %s (Opus) vs %s (PostgreSQL), inserted %s vs %s",
				opus.closedIDs, pg.closedIDs, opus.insertedIDs, pg.insertedIDs)
		}
	})
}

// benchOpusSCD2 measures lakehouse.Warehouse.RunSnapshot. The stored first
// run is built once per process in out/scd2/work and copied aside; every
// iteration copies it back (the Iceberg metadata holds absolute paths, so
// the copy goes to the same place) and opens the warehouse, untimed.
func benchOpusSCD2(b *testing.B, in scd2Input) scd2Outcome {
	ctx := context.Background()
	work, tmpl := opusSCD2Template(b)
	cfg := scd2Config()
	var peak, start float64
	var run lakehouse.SnapshotRun
	for b.Loop() {
		b.StopTimer()
		if err := restoreDir(tmpl, work); err != nil {
			b.Fatal(err)
		}
		w, err := lakehouse.Open(ctx, lakehouse.Config{Warehouse: work})
		if err != nil {
			b.Fatal(err)
		}
		start = resetPeak(b, "self")
		b.StartTimer()
		// The label singles the measured runs out in a -cpuprofile
		// (go tool pprof -tagfocus scd2=run).
		pprof.Do(ctx, pprof.Labels("scd2", "run"), func(ctx context.Context) {
			run, err = w.RunSnapshot(ctx, scd2Table, cfg, in.source, scd2Now)
		})
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if mb, ok := procStatusMBOf("self", "VmHWM:"); ok {
			peak = max(peak, mb)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(in.rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(peak, "peak-RSS-MB")
	b.ReportMetric(start, "start-RSS-MB")

	w, err := lakehouse.Open(ctx, lakehouse.Config{Warehouse: work})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if !run.Committed || run.Created {
		b.Fatalf("run committed %v, created %v", run.Committed, run.Created)
	}
	o, err := opusOutcome(ctx, w, run)
	if err != nil {
		b.Fatal(err)
	}
	o.check(b, "opus", in.exp)
	return o
}

var (
	opusTmplOnce       sync.Once
	opusWork, opusTmpl string
	opusTmplErr        error
)

// opusSCD2Template builds the stored first run once per process: RunSnapshot
// of the first source at scd2FirstRun into out/scd2/work, copied to
// out/scd2/template.
func opusSCD2Template(b *testing.B) (work, tmpl string) {
	b.Helper()
	opusTmplOnce.Do(func() {
		root, err := filepath.Abs(filepath.Join("out", "scd2"))
		if err != nil {
			opusTmplErr = err
			return
		}
		opusWork, opusTmpl = filepath.Join(root, "work"), filepath.Join(root, "template")
		if err := os.RemoveAll(root); err != nil {
			opusTmplErr = err
			return
		}
		ctx := context.Background()
		w, err := lakehouse.Open(ctx, lakehouse.Config{Warehouse: opusWork})
		if err != nil {
			opusTmplErr = err
			return
		}
		first := scd2FirstBatches()
		run, err := w.RunSnapshot(ctx, scd2Table, scd2Config(), first, scd2FirstRun)
		for _, r := range first {
			r.Release()
		}
		opusTmplErr = errorsJoin(err, w.Close())
		if opusTmplErr == nil && !run.Created {
			opusTmplErr = fmt.Errorf("first run did not create %s", scd2Table)
		}
		if opusTmplErr == nil {
			opusTmplErr = copyDir(opusWork, opusTmpl)
		}
	})
	if opusTmplErr != nil {
		b.Fatalf("opus: building the stored first run: %v", opusTmplErr)
	}
	return opusWork, opusTmpl
}

// opusOutcome reads back what a run left in the table.
func opusOutcome(ctx context.Context, w *lakehouse.Warehouse, run lakehouse.SnapshotRun) (scd2Outcome, error) {
	o := scd2Outcome{closed: int64(run.Stats.Closed), inserted: int64(run.Stats.Inserted)}
	var err error
	if o.current, err = w.Count(ctx, scd2Table, lakehouse.ScanOptions{Filter: lakehouse.IsNull("dbt_valid_to")}); err != nil {
		return o, err
	}
	if o.total, err = w.Count(ctx, scd2Table, lakehouse.ScanOptions{}); err != nil {
		return o, err
	}
	at := func(col string) (string, int64, error) {
		rdr, err := w.Scan(ctx, scd2Table, lakehouse.ScanOptions{
			Filter:  lakehouse.TimeRange(col, scd2Now, scd2Now.Add(time.Microsecond)),
			Columns: []string{"dbt_scd_id"},
		})
		if err != nil {
			return "", 0, err
		}
		defer rdr.Release()
		var ids []string
		for rdr.Next() {
			c := rdr.RecordBatch().Column(0).(*array.String)
			for i := range c.Len() {
				ids = append(ids, c.Value(i))
			}
		}
		return digest(ids), int64(len(ids)), rdr.Err()
	}
	if o.closedIDs, o.nClosed, err = at("dbt_valid_to"); err != nil {
		return o, err
	}
	o.insertedIDs, o.nInserted, err = at("dbt_valid_from")
	return o, err
}

// resetPeak returns garbage to the OS and resets the peak resident size of
// process pid ("self" or a number), returning its resident size in MB.
func resetPeak(b *testing.B, pid string) float64 {
	b.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/"+pid+"/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS of process %s (%v): the peak includes earlier work", pid, err)
	}
	mb, _ := procStatusMBOf(pid, "VmRSS:")
	return mb
}

// procStatusMBOf reads one kB field of /proc/PID/status, in MB.
func procStatusMBOf(pid, field string) (float64, bool) {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err == nil
		}
	}
	return 0, false
}

// restoreDir replaces dst by a copy of src.
func restoreDir(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return copyDir(src, dst)
}

// copyDir copies the tree src to dst (regular files and directories).
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
