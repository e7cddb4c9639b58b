package snapshot

import (
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// step is one snapshot run of a scenario and the whole table after it.
type step struct {
	cfg   *Config // overrides the scenario's config when set
	src   []dim
	now   string
	want  []string
	stats Stats
}

const (
	t1 = "2024-01-01 00:00:00"
	n1 = "2024-02-01 00:00:00"
	u2 = "2024-01-15 10:30:00.25"
)

func TestApplyScenarios(t *testing.T) {
	S := ScdID
	vtc := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	const v = "9999-12-31 00:00:00"
	renamed := MetaNames{ScdID: "version_id", ValidFrom: "valid_from", ValidTo: "valid_to"}
	ts := Config{Table: "dim", UniqueKey: []string{"id"}, Strategy: StrategyTimestamp, UpdatedAt: "updated_at"}
	with := func(f func(*Config)) Config { c := ts; f(&c); return c }
	ptr := func(c Config) *Config { return &c }

	tests := []struct {
		name  string
		cfg   Config
		names []string // expected schema after the first step, when set
		steps []step
	}{
		{name: "timestamp: insert, change, rerun, older and equal updated_at, ignore deletes", cfg: ts,
			names: []string{"id", "name", "updated_at", "dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to"},
			steps: []step{
				{src: []dim{{1, "a", t1}, {2, "b", t1}}, now: n1, want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null),
					row("2", "b", t1, S("2", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 2, New: 2, Inserted: 2}},
				{src: []dim{{1, "a2", u2}, {2, "b", t1}, {3, "c", t1}}, now: "2024-02-02 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, u2),
					row("2", "b", t1, S("2", t1), t1, t1, null),
					row("1", "a2", u2, S("1", u2), u2, u2, null),
					row("3", "c", t1, S("3", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 3, CurrentRows: 2, New: 1, Changed: 1, Unchanged: 1, Closed: 1, Inserted: 2}},
				{src: []dim{{1, "a2", u2}, {2, "b", t1}, {3, "c", t1}}, now: "2024-02-03 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, u2),
					row("2", "b", t1, S("2", t1), t1, t1, null),
					row("1", "a2", u2, S("1", u2), u2, u2, null),
					row("3", "c", t1, S("3", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 3, CurrentRows: 3, Unchanged: 3}},
				{src: []dim{{1, "older", "2024-01-10 00:00:00"}, {2, "same time", t1}}, now: "2024-02-04 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, u2),
					row("2", "b", t1, S("2", t1), t1, t1, null),
					row("1", "a2", u2, S("1", u2), u2, u2, null),
					row("3", "c", t1, S("3", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 2, CurrentRows: 3, Unchanged: 2, Ignored: 1}},
			}},
		{name: "legacy invalidate_hard_deletes; a returning key repeats its scd id",
			cfg: with(func(c *Config) { c.InvalidateHardDeletes = true }),
			steps: []step{
				{src: []dim{{1, "a", t1}, {2, "b", t1}}, now: n1, want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null),
					row("2", "b", t1, S("2", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 2, New: 2, Inserted: 2}},
				{src: []dim{{1, "a", t1}}, now: "2024-02-02 08:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null),
					row("2", "b", t1, S("2", t1), t1, t1, "2024-02-02 08:00:00"),
				}, stats: Stats{SourceRows: 1, CurrentRows: 2, Unchanged: 1, Deleted: 1, Closed: 1}},
				{src: []dim{{1, "a", t1}}, now: "2024-02-03 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null),
					row("2", "b", t1, S("2", t1), t1, t1, "2024-02-02 08:00:00"),
				}, stats: Stats{SourceRows: 1, CurrentRows: 1, Unchanged: 1}},
				{src: []dim{{1, "a", t1}, {2, "b", t1}}, now: "2024-02-04 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null),
					row("2", "b", t1, S("2", t1), t1, t1, "2024-02-02 08:00:00"),
					row("2", "b", t1, S("2", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 2, CurrentRows: 1, New: 1, Unchanged: 1, Inserted: 1}},
			}},
		{name: "new_record: delete, stay deleted, revive, delete again",
			cfg: with(func(c *Config) { c.HardDeletes = HardDeletesNewRecord }),
			steps: []step{
				{src: []dim{{1, "a", t1}, {2, "b", t1}}, now: n1, want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null, "False"),
					row("2", "b", t1, S("2", t1), t1, t1, null, "False"),
				}, stats: Stats{SourceRows: 2, New: 2, Inserted: 2}},
				{src: []dim{{1, "a", t1}}, now: "2024-02-02 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null, "False"),
					row("2", "b", t1, S("2", t1), t1, t1, "2024-02-02 00:00:00", "False"),
					row("2", "b", t1, S(S("2", t1), "2024-02-02 00:00:00"), "2024-02-02 00:00:00", "2024-02-02 00:00:00", null, "True"),
				}, stats: Stats{SourceRows: 1, CurrentRows: 2, Unchanged: 1, Deleted: 1, Closed: 1, Inserted: 1}},
				{src: []dim{{1, "a", t1}}, now: "2024-02-03 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null, "False"),
					row("2", "b", t1, S("2", t1), t1, t1, "2024-02-02 00:00:00", "False"),
					row("2", "b", t1, S(S("2", t1), "2024-02-02 00:00:00"), "2024-02-02 00:00:00", "2024-02-02 00:00:00", null, "True"),
				}, stats: Stats{SourceRows: 1, CurrentRows: 2, Unchanged: 1, Ignored: 1}},
				{src: []dim{{1, "a", t1}, {2, "b2", "2024-02-10 00:00:00"}}, now: "2024-03-01 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null, "False"),
					row("2", "b", t1, S("2", t1), t1, t1, "2024-02-02 00:00:00", "False"),
					row("2", "b", t1, S(S("2", t1), "2024-02-02 00:00:00"), "2024-02-02 00:00:00", "2024-02-02 00:00:00", "2024-02-10 00:00:00", "True"),
					row("2", "b2", "2024-02-10 00:00:00", S("2", "2024-02-10 00:00:00"), "2024-02-10 00:00:00", "2024-02-10 00:00:00", null, "False"),
				}, stats: Stats{SourceRows: 2, CurrentRows: 2, Revived: 1, Unchanged: 1, Closed: 1, Inserted: 1}},
				{src: []dim{{1, "a", t1}}, now: "2024-03-02 00:00:00.000001", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null, "False"),
					row("2", "b", t1, S("2", t1), t1, t1, "2024-02-02 00:00:00", "False"),
					row("2", "b", t1, S(S("2", t1), "2024-02-02 00:00:00"), "2024-02-02 00:00:00", "2024-02-02 00:00:00", "2024-02-10 00:00:00", "True"),
					row("2", "b2", "2024-02-10 00:00:00", S("2", "2024-02-10 00:00:00"), "2024-02-10 00:00:00", "2024-02-10 00:00:00", "2024-03-02 00:00:00.000001", "False"),
					row("2", "b2", "2024-02-10 00:00:00", S(S("2", "2024-02-10 00:00:00"), "2024-03-02 00:00:00.000001"), "2024-03-02 00:00:00.000001", "2024-03-02 00:00:00.000001", null, "True"),
				}, stats: Stats{SourceRows: 1, CurrentRows: 2, Unchanged: 1, Deleted: 1, Closed: 1, Inserted: 1}},
			}},
		{name: "new_record: empty source deletes; revival with an old updated_at closes the record before it began",
			cfg: with(func(c *Config) { c.HardDeletes = HardDeletesNewRecord }),
			steps: []step{
				{src: []dim{{1, "a", t1}}, now: n1, want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null, "False"),
				}, stats: Stats{SourceRows: 1, New: 1, Inserted: 1}},
				{src: []dim{}, now: "2024-02-02 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, "2024-02-02 00:00:00", "False"),
					row("1", "a", t1, S(S("1", t1), "2024-02-02 00:00:00"), "2024-02-02 00:00:00", "2024-02-02 00:00:00", null, "True"),
				}, stats: Stats{CurrentRows: 1, Deleted: 1, Closed: 1, Inserted: 1}},
				{src: []dim{{1, "a", t1}}, now: "2024-02-03 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, "2024-02-02 00:00:00", "False"),
					row("1", "a", t1, S(S("1", t1), "2024-02-02 00:00:00"), "2024-02-02 00:00:00", "2024-02-02 00:00:00", t1, "True"),
					row("1", "a", t1, S("1", t1), t1, t1, null, "False"),
				}, stats: Stats{SourceRows: 1, CurrentRows: 1, Revived: 1, Closed: 1, Inserted: 1}},
			}},
		{name: "check all: null-safe comparison, now as valid_from, updated_at is a check column",
			cfg: Config{UniqueKey: []string{"id"}, Strategy: StrategyCheck, CheckCols: []string{CheckAll}},
			steps: []step{
				{src: []dim{{1, "a", null}, {2, null, null}, {3, null, null}}, now: "2024-01-01 00:00:00.5", want: []string{
					row("1", "a", null, S("1", "2024-01-01 00:00:00.5"), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.5", null),
					row("2", null, null, S("2", "2024-01-01 00:00:00.5"), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.5", null),
					row("3", null, null, S("3", "2024-01-01 00:00:00.5"), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.5", null),
				}, stats: Stats{SourceRows: 3, New: 3, Inserted: 3}},
				{src: []dim{{1, "a", null}, {2, null, null}, {3, "c", null}}, now: "2024-01-02 00:00:00", want: []string{
					row("1", "a", null, S("1", "2024-01-01 00:00:00.5"), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.5", null),
					row("2", null, null, S("2", "2024-01-01 00:00:00.5"), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.5", null),
					row("3", null, null, S("3", "2024-01-01 00:00:00.5"), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.5", "2024-01-02 00:00:00"),
					row("3", "c", null, S("3", "2024-01-02 00:00:00"), "2024-01-02 00:00:00", "2024-01-02 00:00:00", null),
				}, stats: Stats{SourceRows: 3, CurrentRows: 3, Changed: 1, Unchanged: 2, Closed: 1, Inserted: 1}},
				{src: []dim{{1, null, null}, {2, null, "2024-05-05 00:00:00"}, {3, "c", null}}, now: "2024-01-03 00:00:00", want: []string{
					row("1", "a", null, S("1", "2024-01-01 00:00:00.5"), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.5", "2024-01-03 00:00:00"),
					row("2", null, null, S("2", "2024-01-01 00:00:00.5"), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.5", "2024-01-03 00:00:00"),
					row("3", null, null, S("3", "2024-01-01 00:00:00.5"), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.5", "2024-01-02 00:00:00"),
					row("3", "c", null, S("3", "2024-01-02 00:00:00"), "2024-01-02 00:00:00", "2024-01-02 00:00:00", null),
					row("1", null, null, S("1", "2024-01-03 00:00:00"), "2024-01-03 00:00:00", "2024-01-03 00:00:00", null),
					row("2", null, "2024-05-05 00:00:00", S("2", "2024-01-03 00:00:00"), "2024-01-03 00:00:00", "2024-01-03 00:00:00", null),
				}, stats: Stats{SourceRows: 3, CurrentRows: 3, Changed: 2, Unchanged: 1, Closed: 2, Inserted: 2}},
			}},
		{name: "check_cols subset with updated_at: times come from updated_at",
			cfg: Config{UniqueKey: []string{"id"}, Strategy: StrategyCheck, CheckCols: []string{"name"}, UpdatedAt: "updated_at"},
			steps: []step{
				{src: []dim{{1, "a", t1}}, now: n1, want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 1, New: 1, Inserted: 1}},
				{src: []dim{{1, "a", "2024-01-05 00:00:00"}}, now: "2024-02-02 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 1, CurrentRows: 1, Unchanged: 1}},
				{src: []dim{{1, "b", "2024-01-06 00:00:00"}}, now: "2024-02-03 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, "2024-01-06 00:00:00"),
					row("1", "b", "2024-01-06 00:00:00", S("1", "2024-01-06 00:00:00"), "2024-01-06 00:00:00", "2024-01-06 00:00:00", null),
				}, stats: Stats{SourceRows: 1, CurrentRows: 1, Changed: 1, Closed: 1, Inserted: 1}},
			}},
		{name: "unique_key list",
			cfg: with(func(c *Config) { c.UniqueKey = []string{"id", "name"} }),
			steps: []step{
				{src: []dim{{1, "a", t1}, {1, "b", t1}}, now: n1, want: []string{
					row("1", "a", t1, S("1", "a", t1), t1, t1, null),
					row("1", "b", t1, S("1", "b", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 2, New: 2, Inserted: 2}},
				{src: []dim{{1, "a", u2}, {1, "b", t1}, {2, "a", t1}}, now: "2024-02-02 00:00:00", want: []string{
					row("1", "a", t1, S("1", "a", t1), t1, t1, u2),
					row("1", "b", t1, S("1", "b", t1), t1, t1, null),
					row("1", "a", u2, S("1", "a", u2), u2, u2, null),
					row("2", "a", t1, S("2", "a", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 3, CurrentRows: 2, New: 1, Changed: 1, Unchanged: 1, Closed: 1, Inserted: 2}},
			}},
		{name: "renamed meta columns; dbt_valid_to_current added later finds null and literal current rows",
			cfg:   with(func(c *Config) { c.MetaColumns = renamed; c.HardDeletes = HardDeletesInvalidate }),
			names: []string{"id", "name", "updated_at", "version_id", "dbt_updated_at", "valid_from", "valid_to"},
			steps: []step{
				{src: []dim{{1, "a", t1}, {2, "b", t1}}, now: n1, want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, null),
					row("2", "b", t1, S("2", t1), t1, t1, null),
				}, stats: Stats{SourceRows: 2, New: 2, Inserted: 2}},
				{cfg: ptr(with(func(c *Config) {
					c.MetaColumns = renamed
					c.HardDeletes = HardDeletesInvalidate
					c.ValidToCurrent = &vtc
				})),
					src: []dim{{1, "a2", u2}, {2, "b", t1}, {3, "c", t1}}, now: "2024-02-02 00:00:00", want: []string{
						row("1", "a", t1, S("1", t1), t1, t1, u2),
						row("2", "b", t1, S("2", t1), t1, t1, null),
						row("1", "a2", u2, S("1", u2), u2, u2, v),
						row("3", "c", t1, S("3", t1), t1, t1, v),
					}, stats: Stats{SourceRows: 3, CurrentRows: 2, New: 1, Changed: 1, Unchanged: 1, Closed: 1, Inserted: 2}},
				{cfg: ptr(with(func(c *Config) {
					c.MetaColumns = renamed
					c.HardDeletes = HardDeletesInvalidate
					c.ValidToCurrent = &vtc
				})),
					src: []dim{{2, "b", t1}, {3, "c", t1}}, now: "2024-02-03 00:00:00", want: []string{
						row("1", "a", t1, S("1", t1), t1, t1, u2),
						row("2", "b", t1, S("2", t1), t1, t1, null),
						row("1", "a2", u2, S("1", u2), u2, u2, "2024-02-03 00:00:00"),
						row("3", "c", t1, S("3", t1), t1, t1, v),
					}, stats: Stats{SourceRows: 2, CurrentRows: 3, Unchanged: 2, Deleted: 1, Closed: 1}},
			}},
		{name: "new_record with dbt_valid_to_current: the deletion record keeps the literal",
			cfg: with(func(c *Config) { c.HardDeletes = HardDeletesNewRecord; c.ValidToCurrent = &vtc }),
			steps: []step{
				{src: []dim{{1, "a", t1}}, now: n1, want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, v, "False"),
				}, stats: Stats{SourceRows: 1, New: 1, Inserted: 1}},
				{src: []dim{}, now: "2024-02-02 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, "2024-02-02 00:00:00", "False"),
					row("1", "a", t1, S(S("1", t1), "2024-02-02 00:00:00"), "2024-02-02 00:00:00", "2024-02-02 00:00:00", v, "True"),
				}, stats: Stats{CurrentRows: 1, Deleted: 1, Closed: 1, Inserted: 1}},
				{src: []dim{}, now: "2024-02-03 00:00:00", want: []string{
					row("1", "a", t1, S("1", t1), t1, t1, "2024-02-02 00:00:00", "False"),
					row("1", "a", t1, S(S("1", t1), "2024-02-02 00:00:00"), "2024-02-02 00:00:00", "2024-02-02 00:00:00", v, "True"),
				}, stats: Stats{CurrentRows: 1, Ignored: 1}},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			var table []arrow.RecordBatch
			defer func() { releaseAll(table) }()
			for si, st := range tc.steps {
				cfg := tc.cfg
				if st.cfg != nil {
					cfg = *st.cfg
				}
				cfg.Mem = mem
				src := dims(t, mem, st.src...)
				res, err := Apply(cfg, table, []arrow.RecordBatch{src}, at(t, st.now))
				src.Release()
				if err != nil {
					t.Fatalf("step %d: %v", si, err)
				}
				if si == 0 && tc.names != nil {
					var got []string
					for _, f := range res.Schema.Fields() {
						got = append(got, f.Name)
					}
					if !slices.Equal(got, tc.names) {
						t.Errorf("schema %v, want %v", got, tc.names)
					}
				}
				if res.Stats != st.stats {
					t.Errorf("step %d: stats %+v, want %+v", si, res.Stats, st.stats)
				}
				merged, err := Merge(mem, table, res)
				if err != nil {
					t.Fatalf("step %d: merge: %v", si, err)
				}
				var offsets []int
				n := 0
				for _, b := range table {
					offsets = append(offsets, n)
					n += int(b.NumRows())
				}
				checkClosed(t, si, res, offsets, render(t, merged...))
				res.Release()
				releaseAll(table)
				table = merged
				if got := render(t, table...); !slices.Equal(got, st.want) {
					t.Errorf("step %d: table\n%s\nwant\n%s", si, lines(got), lines(st.want))
				}
			}
		})
	}
}

// checkClosed checks that res.Closed row k is the merged table's row at
// Closes[k]; offsets are the first rows of the previous table's batches,
// which Merge keeps in place.
func checkClosed(t *testing.T, si int, res *Result, offsets []int, merged []string) {
	t.Helper()
	closed := render(t, res.Closed)
	if len(closed) != len(res.Closes) {
		t.Fatalf("step %d: %d closed rows for %d closes", si, len(closed), len(res.Closes))
	}
	for k, c := range res.Closes {
		if got := merged[offsets[c.Batch]+c.Row]; got != closed[k] {
			t.Errorf("step %d: closed row %d = %s, merged row = %s", si, k, closed[k], got)
		}
	}
}

func lines(s []string) string {
	out := ""
	for _, l := range s {
		out += "  " + l + "\n"
	}
	return out
}
