package quality

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// testBatch builds a batch with a float column "x" (nil = null) and a text
// column "s" ("" = null).
func testBatch(t testing.TB, xs []any, ss []string) arrow.RecordBatch {
	t.Helper()
	mem := memory.DefaultAllocator
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	for _, x := range xs {
		if x == nil {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Float64Builder).Append(x.(float64))
		}
	}
	for _, s := range ss {
		if s == "" {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(s)
		}
	}
	return b.NewRecordBatch()
}

func TestRowSet(t *testing.T) {
	s := NewRowSet(130)
	for _, r := range []int64{0, 63, 64, 129} {
		s.Add(r)
	}
	if s.Count() != 4 || !s.Has(63) || s.Has(62) {
		t.Fatalf("count %d", s.Count())
	}
	if got := s.First(3); len(got) != 3 || got[2] != 64 {
		t.Errorf("First(3) = %v", got)
	}
	s.Remove(63)
	o := NewRowSet(130)
	o.Add(5)
	s.Union(o)
	var all []int64
	s.Each(func(r int64) bool { all = append(all, r); return true })
	if len(all) != 4 || all[0] != 0 || all[1] != 5 || all[3] != 129 {
		t.Errorf("rows %v", all)
	}
}

// Expected values computed with pandas 1.5 (Debian python3-pandas):
// s = pd.Series([1.5, None, 2.5, 4.0, nan, 2.5]); s.mean(), s.var(), s.median().
func TestStatsAcrossChunks(t *testing.T) {
	b1 := testBatch(t, []any{1.5, nil, 2.5}, []string{"ab", "", "c"})
	b2 := testBatch(t, []any{4.0, math.NaN(), 2.5}, []string{"zz", "ab", "ab"})
	defer b1.Release()
	defer b2.Release()
	tbl, err := NewTable(b1, b2)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	x, _ := tbl.Column("x")
	st := x.Stats()
	if st.Rows != 6 || st.Nulls != 1 || st.NaNs != 1 || st.Min != 1.5 || st.Max != 4 {
		t.Fatalf("stats %+v", st)
	}
	if math.Abs(st.Mean-2.625) > 1e-12 || math.Abs(st.Variance()-1.0625) > 1e-12 {
		t.Errorf("mean %v var %v, pandas says 2.625 and 1.0625", st.Mean, st.Variance())
	}
	if med := Quantile(x.Sorted(), 0.5); med != 2.5 {
		t.Errorf("median %v, pandas says 2.5", med)
	}
	vc := x.Distinct()
	if vc.Keys[0] != 2.5 || vc.Counts[0] != 2 || vc.NaNs != 1 || len(vc.Keys) != 3 {
		t.Errorf("distinct %+v", vc)
	}
	s, _ := tbl.Column("s")
	ss := s.Stats()
	if ss.MinString != "ab" || ss.MaxString != "zz" || ss.MinLen != 1 || ss.MaxLen != 2 {
		t.Errorf("string stats %+v", ss)
	}
	if v := s.Value(4); v != "ab" {
		t.Errorf("Value(4) = %v", v)
	}
	if v := x.Value(1); v != nil {
		t.Errorf("Value(1) = %v, want nil", v)
	}
}

// Whatever the failures, valid and rejected rows add up to the input, each
// rejected row lists exactly the checks that named it, and valid rows keep
// their order.
func TestQuarantineLosesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		var batches []arrow.RecordBatch
		n := 0
		for b := 0; b < 1+rng.IntN(4); b++ {
			m := rng.IntN(40)
			xs := make([]any, m)
			ss := make([]string, m)
			for i := range xs {
				xs[i] = float64(n + i)
				ss[i] = "v"
			}
			n += m
			batches = append(batches, testBatch(t, xs, ss))
		}
		tbl, err := NewTable(batches...)
		if err != nil {
			t.Fatal(err)
		}
		var fails []RowFailure
		want := map[int64][]string{}
		for c := 0; c < rng.IntN(4); c++ {
			rs := NewRowSet(int64(n))
			name := string(rune('a' + c))
			for r := 0; r < n; r++ {
				if rng.Float64() < 0.2 {
					rs.Add(int64(r))
					want[int64(r)] = append(want[int64(r)], name)
				}
			}
			fails = append(fails, RowFailure{Check: name, Rows: rs})
		}
		split, err := Quarantine(tbl, fails...)
		if err != nil {
			t.Fatal(err)
		}
		if split.ValidRows+split.RejectedRows != int64(n) || split.RejectedRows != int64(len(want)) {
			t.Fatalf("trial %d: %d + %d rows of %d, want %d rejected", trial, split.ValidRows, split.RejectedRows, n, len(want))
		}
		prev := -1.0
		for _, b := range split.Valid {
			for i, v := range b.Column(0).(*array.Float64).Float64Values() {
				if _, bad := want[int64(v)]; bad || v <= prev {
					t.Fatalf("valid row %d = %v is rejected or out of order", i, v)
				}
				prev = v
			}
		}
		for _, b := range split.Rejected {
			rows := b.Column(2).(*array.Int64)
			lists := b.Column(3).(*array.List)
			vals := lists.ListValues().(*array.String)
			for i := 0; i < int(b.NumRows()); i++ {
				row := rows.Value(i)
				if got := b.Column(0).(*array.Float64).Value(i); got != float64(row) {
					t.Fatalf("rejected row %d carries x=%v", row, got)
				}
				start, end := lists.ValueOffsets(i)
				var got []string
				for j := start; j < end; j++ {
					got = append(got, vals.Value(int(j)))
				}
				if len(got) != len(want[row]) {
					t.Fatalf("row %d failed %v, want %v", row, got, want[row])
				}
			}
		}
		split.Release()
		tbl.Release()
		for _, b := range batches {
			b.Release()
		}
	}
}

func TestNewTableRejectsMixedSchemas(t *testing.T) {
	a := testBatch(t, []any{1.0}, []string{"x"})
	defer a.Release()
	sc := arrow.NewSchema([]arrow.Field{{Name: "y", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewRecordBatch(sc, []arrow.Array{array.MakeArrayOfNull(memory.DefaultAllocator, arrow.PrimitiveTypes.Int64, 1)}, 1)
	defer b.Release()
	if _, err := NewTable(a, b); err == nil {
		t.Error("NewTable accepted two schemas")
	}
	if _, err := NewTable(); err == nil {
		t.Error("NewTable accepted no batches")
	}
}
