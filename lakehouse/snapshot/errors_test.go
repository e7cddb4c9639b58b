package snapshot

import (
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// firstRun returns the snapshot table after a first run of cfg on rows.
func firstRun(tb testing.TB, mem memory.Allocator, cfg Config, rows ...dim) []arrow.RecordBatch {
	tb.Helper()
	cfg.Mem = mem
	src := dims(tb, mem, rows...)
	defer src.Release()
	res, err := Apply(cfg, nil, []arrow.RecordBatch{src}, at(tb, "2024-02-01 00:00:00"))
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Release()
	out, err := Merge(mem, nil, res)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// project keeps the named columns of b.
func project(b arrow.RecordBatch, names ...string) arrow.RecordBatch {
	var fields []arrow.Field
	var cols []arrow.Array
	for _, n := range names {
		i := b.Schema().FieldIndices(n)[0]
		fields = append(fields, b.Schema().Field(i))
		cols = append(cols, b.Column(i))
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, b.NumRows())
}

func TestApplyErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ts := Config{Table: "dim", UniqueKey: []string{"id"}, Strategy: StrategyTimestamp, UpdatedAt: "updated_at"}
	with := func(f func(*Config)) Config { c := ts; f(&c); return c }
	one := []dim{{1, "a", t1}}

	snap := firstRun(t, mem, ts, dim{1, "a", t1}, dim{2, "b", t1})
	defer releaseAll(snap)
	twice := []arrow.RecordBatch{snap[0], snap[0]}
	narrowSnap := func() []arrow.RecordBatch {
		src := dims(t, mem, one...)
		defer src.Release()
		p := project(src, "id", "updated_at")
		defer p.Release()
		res, err := Apply(ts, nil, []arrow.RecordBatch{p}, at(t, n1))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		out, _ := Merge(mem, nil, res)
		return out
	}()
	defer releaseAll(narrowSnap)

	int32Src := func() arrow.RecordBatch {
		b := array.NewRecordBuilder(mem, arrow.NewSchema([]arrow.Field{
			{Name: "id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
			{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
			{Name: "updated_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		}, nil))
		defer b.Release()
		b.Field(0).(*array.Int32Builder).Append(1)
		b.Field(1).(*array.StringBuilder).Append("a")
		b.Field(2).(*array.TimestampBuilder).AppendTime(at(t, t1))
		return b.NewRecordBatch()
	}()
	defer int32Src.Release()
	metaNamed := func() arrow.RecordBatch {
		src := dims(t, mem, one...)
		defer src.Release()
		return array.NewRecordBatch(arrow.NewSchema([]arrow.Field{
			{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "dbt_scd_id", Type: arrow.BinaryTypes.String},
			{Name: "updated_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}},
		}, nil), src.Columns(), 1)
	}()
	defer metaNamed.Release()

	tests := []struct {
		name    string
		cfg     Config
		current []arrow.RecordBatch
		src     []dim
		batch   arrow.RecordBatch // replaces src when set
		now     time.Time
		want    string
	}{
		{name: "duplicate new key", cfg: ts, src: []dim{{5, "a", t1}, {5, "b", t1}},
			want: "snapshot dim: source row 1: unique key id=5 appears more than once in the source"},
		{name: "duplicate stored key", cfg: ts, current: snap, src: []dim{{2, "a", t1}, {1, "x", t1}, {2, "b", t1}},
			want: "snapshot dim: source row 2: unique key id=2 appears more than once in the source"},
		{name: "duplicate list key", cfg: with(func(c *Config) { c.UniqueKey = []string{"id", "name"} }),
			src: []dim{{5, "a", t1}, {5, "a", t1}}, want: "unique key id=5, name=a appears more than once"},
		{name: "null key", cfg: with(func(c *Config) { c.UniqueKey = []string{"name"} }), src: []dim{{1, null, t1}},
			want: `snapshot dim: source row 0: unique_key column "name" is null`},
		{name: "null updated_at", cfg: ts, src: []dim{{1, "a", t1}, {2, "b", null}},
			want: `snapshot dim: source row 1 (key id=2): updated_at column "updated_at" is null`},
		{name: "two current versions", cfg: ts, current: twice, src: one,
			want: "snapshot dim: key id=1 has two current versions (batch 0 row 0 and batch 1 row 0)"},
		{name: "no unique key", cfg: with(func(c *Config) { c.UniqueKey = nil }), src: one, want: "unique_key is required"},
		{name: "repeated key column", cfg: with(func(c *Config) { c.UniqueKey = []string{"id", "id"} }), src: one, want: `unique_key column "id" is empty or repeated`},
		{name: "unknown strategy", cfg: with(func(c *Config) { c.Strategy = "merge" }), src: one, want: `unknown strategy "merge"`},
		{name: "timestamp without updated_at", cfg: with(func(c *Config) { c.UpdatedAt = "" }), src: one, want: "the timestamp strategy requires updated_at"},
		{name: "check_cols with timestamp", cfg: with(func(c *Config) { c.CheckCols = []string{"name"} }), src: one, want: "check_cols is only valid with the check strategy"},
		{name: "both hard delete configs", cfg: with(func(c *Config) { c.InvalidateHardDeletes = true; c.HardDeletes = HardDeletesIgnore }), src: one,
			want: "invalidate_hard_deletes and hard_deletes cannot both be set"},
		{name: "unknown hard_deletes", cfg: with(func(c *Config) { c.HardDeletes = "purge" }), src: one, want: `unknown hard_deletes "purge"`},
		{name: "meta name clash", cfg: with(func(c *Config) { c.MetaColumns.ValidTo = "dbt_valid_from" }), src: one,
			want: `meta columns valid_from and valid_to are both named "dbt_valid_from"`},
		{name: "missing key column", cfg: with(func(c *Config) { c.UniqueKey = []string{"nope"} }), src: one,
			want: `unique_key column "nope": found 0 times in the source`},
		{name: "missing check column", cfg: Config{Table: "dim", UniqueKey: []string{"id"}, Strategy: StrategyCheck, CheckCols: []string{"nope"}}, src: one,
			want: `check_cols column "nope": found 0 times in the source`},
		{name: "updated_at not a timestamp", cfg: with(func(c *Config) { c.UpdatedAt = "name" }), src: one,
			want: `updated_at column "name": type utf8 is not a timestamp`},
		{name: "source column not in the snapshot", cfg: ts, current: narrowSnap, src: one,
			want: `source column "name" is not in the snapshot; add it to the snapshot table first`},
		{name: "type changed", cfg: ts, current: snap, batch: int32Src,
			want: `column "id" is int64 in the snapshot but int32 in the source`},
		{name: "new_record without dbt_is_deleted", cfg: with(func(c *Config) { c.HardDeletes = HardDeletesNewRecord }), current: snap, src: one,
			want: `hard_deletes=new_record needs column "dbt_is_deleted" in the snapshot`},
		{name: "source column named like a meta column", cfg: ts, batch: metaNamed,
			want: `source column "dbt_scd_id" collides with a meta column name`},
		{name: "zero now", cfg: ts, src: one, now: time.Time{}, want: "now is the zero time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Mem = mem
			b := tc.batch
			if b == nil {
				b = dims(t, mem, tc.src...)
				defer b.Release()
			}
			now := tc.now
			if now.IsZero() && tc.name != "zero now" {
				now = at(t, "2024-03-01 00:00:00")
			}
			res, err := Apply(tc.cfg, tc.current, []arrow.RecordBatch{b}, now)
			if err == nil {
				res.Release()
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestApplyNoInput(t *testing.T) {
	res, err := Apply(Config{UniqueKey: []string{"id"}, Strategy: StrategyCheck}, nil, nil, time.Now())
	if err != nil || res.Schema != nil || res.Stats != (Stats{}) {
		t.Fatalf("Apply with no input = %+v, %v; want an empty result", res, err)
	}
	out, err := Merge(nil, nil, res)
	if err != nil || out != nil {
		t.Fatalf("Merge of an empty result = %v, %v", out, err)
	}
}

// TestApplyNoSourceBatches: with no source batches at all, the source schema
// is the snapshot's minus the meta columns, and invalidate closes every key.
func TestApplyNoSourceBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cfg := Config{UniqueKey: []string{"id"}, Strategy: StrategyCheck, HardDeletes: HardDeletesInvalidate, Mem: mem}
	snap := firstRun(t, mem, cfg, dim{1, "a", null}, dim{2, "b", null})
	defer releaseAll(snap)
	res, err := Apply(cfg, snap, nil, at(t, "2024-03-01 00:00:00"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	want := []Close{
		{Batch: 0, Row: 0, ValidTo: at(t, "2024-03-01 00:00:00"), Change: Deleted},
		{Batch: 0, Row: 1, ValidTo: at(t, "2024-03-01 00:00:00"), Change: Deleted},
	}
	if len(res.Closes) != len(want) {
		t.Fatalf("closes %+v, want %+v", res.Closes, want)
	}
	for i := range want {
		if g := res.Closes[i]; g.Batch != want[i].Batch || g.Row != want[i].Row || !g.ValidTo.Equal(want[i].ValidTo) || g.Change != want[i].Change {
			t.Errorf("close %d = %+v, want %+v", i, g, want[i])
		}
	}
	if res.Inserts.NumRows() != 0 || res.Stats.Deleted != 2 {
		t.Errorf("inserts %d, stats %+v", res.Inserts.NumRows(), res.Stats)
	}
}

// TestApplyExtraSnapshotColumn: a snapshot column the source no longer has is
// null in new versions.
func TestApplyExtraSnapshotColumn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cfg := Config{UniqueKey: []string{"id"}, Strategy: StrategyTimestamp, UpdatedAt: "updated_at", Mem: mem}
	snap := firstRun(t, mem, cfg, dim{1, "a", t1})
	defer releaseAll(snap)
	full := dims(t, mem, dim{1, "a", u2}, dim{2, "b", t1})
	defer full.Release()
	src := project(full, "id", "updated_at")
	defer src.Release()
	res, err := Apply(cfg, snap, []arrow.RecordBatch{src}, at(t, n1))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	want := []string{
		row("1", null, u2, ScdID("1", u2), u2, u2, null),
		row("2", null, t1, ScdID("2", t1), t1, t1, null),
	}
	if got := render(t, res.Inserts); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("inserts\n%s\nwant\n%s", lines(got), lines(want))
	}
}

// TestApplyNullValidFrom: a stored current version with a null
// dbt_valid_from is never "changed" by the timestamp strategy, as in dbt.
func TestApplyNullValidFrom(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cfg := Config{UniqueKey: []string{"id"}, Strategy: StrategyTimestamp, UpdatedAt: "updated_at", Mem: mem}
	snap := firstRun(t, mem, cfg, dim{1, "a", t1})
	defer releaseAll(snap)
	from := snap[0].Schema().FieldIndices("dbt_valid_from")[0]
	nulls := array.MakeArrayOfNull(mem, snap[0].Column(from).DataType(), 1)
	defer nulls.Release()
	cols := append([]arrow.Array(nil), snap[0].Columns()...)
	cols[from] = nulls
	stored := array.NewRecordBatch(snap[0].Schema(), cols, 1)
	defer stored.Release()
	src := dims(t, mem, dim{1, "b", "2030-01-01 00:00:00"})
	defer src.Release()
	res, err := Apply(cfg, []arrow.RecordBatch{stored}, []arrow.RecordBatch{src}, at(t, n1))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if want := (Stats{SourceRows: 1, CurrentRows: 1, Unchanged: 1}); res.Stats != want {
		t.Errorf("stats %+v, want %+v", res.Stats, want)
	}
}
