package tlc

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func canonicalColumn(t *testing.T, k Kind, name string) Column {
	t.Helper()
	for _, c := range Columns(k) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no column %s in %s", name, k)
	return Column{}
}

// convertOne runs one converter and returns the result as text plus the
// reasons reported, row by row.
func convertOne(t *testing.T, c Column, src arrow.Array) (string, map[int]string) {
	t.Helper()
	conv, err := converterFor(c, src.DataType())
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	out := conv(memory.DefaultAllocator, src, func(row int, _, why string) { got[row] = why })
	defer out.Release()
	if !arrow.TypeEqual(out.DataType(), c.Type) {
		t.Fatalf("converted to %s, want %s", out.DataType(), c.Type)
	}
	return out.String(), got
}

func TestConvertEdgeCases(t *testing.T) {
	mem := memory.DefaultAllocator
	u64 := array.NewUint64Builder(mem)
	u64.AppendValues([]uint64{7, math.MaxUint64, 1 << 63}, nil)
	f64 := array.NewFloat64Builder(mem)
	f64.AppendValues([]float64{1, math.NaN(), math.Inf(1), 0x1p63, 2.5}, nil)
	i64 := array.NewInt64Builder(mem)
	i64.AppendValues([]int64{1<<53 + 1, 1 << 53, -3}, nil)
	txt := array.NewStringBuilder(mem)
	txt.AppendValues([]string{"12.5", "NaN", "Inf", "-infinity", "0x1p3", "1e3", " 4 "}, nil)
	flags := array.NewStringBuilder(mem)
	flags.AppendValues([]string{"0", "1", "Y", "1.0", "2"}, nil)
	bigInts := array.NewInt64Builder(mem)
	bigInts.AppendValues([]int64{1<<60 + 1}, nil)

	tests := []struct {
		name   string
		kind   Kind
		column string
		src    arrow.Array
		want   string
		probs  map[int]string
	}{
		{"uint64 never wraps", Yellow, "pu_location_id", u64.NewArray(), "[7 (null) (null)]",
			map[int]string{1: "out of range", 2: "out of range"}},
		{"uint64 into int64", FHVHV, "trip_time", func() arrow.Array {
			u64.AppendValues([]uint64{1 << 62, 1 << 63}, nil)
			return u64.NewArray()
		}(), "[4611686018427387904 (null)]", map[int]string{1: "out of range"}},
		{"float into int64 edges", FHVHV, "trip_time", f64.NewArray(), "[1 (null) (null) (null) (null)]",
			map[int]string{2: "not a finite number", 3: "out of range", 4: "not a whole number"}},
		{"float64 NaN is null, Inf reported", Yellow, "fare_amount", func() arrow.Array {
			f64.AppendValues([]float64{1.5, math.NaN(), math.Inf(-1)}, nil)
			return f64.NewArray()
		}(), "[1.5 (null) (null)]", map[int]string{2: "not a finite number"}},
		{"int64 beyond 2^53 into float", Yellow, "fare_amount", i64.NewArray(), "[(null) 9.007199254740992e+15 -3]",
			map[int]string{0: "too large for an exact float64"}},
		{"text numbers", Yellow, "fare_amount", txt.NewArray(), "[12.5 (null) (null) (null) (null) 1000 4]",
			map[int]string{2: "not a finite number", 3: "not a finite number", 4: "not a decimal number"}},
		{"0/1 flags as text", Yellow, "store_and_fwd_flag", flags.NewArray(), `["N" "Y" "Y" "Y" (null)]`,
			map[int]string{4: "not a 0/1 flag"}},
		{"integers into text stay exact", FHV, "dispatching_base_num", bigInts.NewArray(), `["1152921504606846977"]`, map[int]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.src.Release()
			got, probs := convertOne(t, canonicalColumn(t, tc.kind, tc.column), tc.src)
			if got != tc.want {
				t.Errorf("converted %s, want %s", got, tc.want)
			}
			if len(probs) != len(tc.probs) {
				t.Errorf("problems %v, want %v", probs, tc.probs)
			}
			for row, why := range tc.probs {
				if probs[row] != why {
					t.Errorf("row %d: reason %q, want %q", row, probs[row], why)
				}
			}
		})
	}
}
