package snapshot

import (
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The literal ids below were computed independently of this package:
//
//	printf '1|2024-01-01 00:00:00' | md5sum
//	printf '1|2024-01-01 00:00:00.5' | md5sum
//	printf 'a|7|2024-03-01 12:00:00.123456' | md5sum
func TestScdIDLiterals(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"1", "2024-01-01 00:00:00"}, "8bd6037542377309505ab720e545f24e"},
		{[]string{"1", "2024-01-01 00:00:00.5"}, "94b30cc0e624fcfa12f85608dc1a01cd"},
		{[]string{"a", "7", "2024-03-01 12:00:00.123456"}, "45520ec2b0b2fe1e8e4755ebdfa9d7e2"},
	}
	for _, tc := range tests {
		if got := ScdID(tc.args...); got != tc.want {
			t.Errorf("ScdID(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}

// TestApplyScdIDLiterals pins the rendering inside Apply: a first timestamp
// run and a first check run at a fractional now.
func TestApplyScdIDLiterals(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tests := []struct {
		cfg  Config
		src  dim
		now  string
		want string
	}{
		{Config{UniqueKey: []string{"id"}, Strategy: StrategyTimestamp, UpdatedAt: "updated_at"},
			dim{1, "a", "2024-01-01 00:00:00"}, "2024-06-01 00:00:00", "8bd6037542377309505ab720e545f24e"},
		{Config{UniqueKey: []string{"id"}, Strategy: StrategyCheck},
			dim{1, "a", null}, "2024-01-01 00:00:00.5", "94b30cc0e624fcfa12f85608dc1a01cd"},
		{Config{UniqueKey: []string{"name", "id"}, Strategy: StrategyTimestamp, UpdatedAt: "updated_at"},
			dim{7, "a", "2024-03-01 12:00:00.123456"}, "2024-06-01 00:00:00", "45520ec2b0b2fe1e8e4755ebdfa9d7e2"},
	}
	for _, tc := range tests {
		tc.cfg.Mem = mem
		src := dims(t, mem, tc.src)
		res, err := Apply(tc.cfg, nil, []arrow.RecordBatch{src}, at(t, tc.now))
		src.Release()
		if err != nil {
			t.Fatal(err)
		}
		got := res.Inserts.Column(res.Schema.FieldIndices("dbt_scd_id")[0]).(*array.String).Value(0)
		res.Release()
		if got != tc.want {
			t.Errorf("%+v: dbt_scd_id %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestPostgresTimestamp(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "2024-01-01 00:00:00"},
		{time.Date(2024, 1, 1, 0, 0, 0, 500_000_000, time.UTC), "2024-01-01 00:00:00.5"},
		{time.Date(2024, 12, 31, 23, 59, 59, 123_456_000, time.UTC), "2024-12-31 23:59:59.123456"},
		{time.Date(2024, 1, 1, 0, 0, 0, 1_000, time.UTC), "2024-01-01 00:00:00.000001"},
		{time.Date(2024, 1, 1, 0, 0, 0, 1, time.UTC), "2024-01-01 00:00:00.000000001"},
		{time.Date(33, 2, 3, 4, 5, 6, 0, time.UTC), "0033-02-03 04:05:06"},
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), "0001-01-01 00:00:00 BC"},
		{time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC), "12345-01-01 00:00:00"},
		{time.Date(2024, 7, 1, 9, 0, 0, 0, time.FixedZone("EDT", -4*3600)), "2024-07-01 09:00:00"},
	}
	for _, tc := range tests {
		if got := PostgresTimestamp(tc.t); got != tc.want {
			t.Errorf("PostgresTimestamp(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestPostgresFloat(t *testing.T) {
	tests := []struct {
		f       float64
		bitSize int
		want    string
	}{
		{1.5, 64, "1.5"},
		{0, 64, "0"},
		{math.Copysign(0, -1), 64, "-0"},
		{0.1, 64, "0.1"},
		{0.0001, 64, "0.0001"},
		{0.00001, 64, "1e-05"},
		{123456789012345, 64, "123456789012345"},
		{1234567890123456, 64, "1.234567890123456e+15"},
		{1e20, 64, "1e+20"},
		{math.NaN(), 64, "NaN"},
		{math.Inf(1), 64, "Infinity"},
		{math.Inf(-1), 64, "-Infinity"},
		{123456, 32, "123456"},
		{1234567, 32, "1.234567e+06"},
		{float64(float32(0.1)), 32, "0.1"},
	}
	for _, tc := range tests {
		if got := PostgresFloat(tc.f, tc.bitSize); got != tc.want {
			t.Errorf("PostgresFloat(%v, %d) = %q, want %q", tc.f, tc.bitSize, got, tc.want)
		}
	}
}

func TestTimestampText(t *testing.T) {
	inst := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		tt   *arrow.TimestampType
		raw  int64
		want string
	}{
		{&arrow.TimestampType{Unit: arrow.Microsecond}, inst.UnixMicro(), "2024-01-01 00:00:00"},
		{&arrow.TimestampType{Unit: arrow.Second}, inst.Unix(), "2024-01-01 00:00:00"},
		{&arrow.TimestampType{Unit: arrow.Millisecond}, inst.UnixMilli() - 1, "2023-12-31 23:59:59.999"},
		{&arrow.TimestampType{Unit: arrow.Nanosecond}, inst.UnixNano() + 10, "2024-01-01 00:00:00.00000001"},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, inst.UnixMicro(), "2024-01-01 00:00:00+00"},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "+05:30"}, inst.UnixMicro(), "2024-01-01 05:30:00+05:30"},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "-05:00"}, inst.UnixMicro() + 250_000, "2023-12-31 19:00:00.25-05"},
	}
	for _, tc := range tests {
		loc, err := tc.tt.GetZone()
		if err != nil {
			t.Fatal(err)
		}
		if got := string(appendTimestampText(nil, tc.raw, tc.tt, loc)); got != tc.want {
			t.Errorf("%s %d = %q, want %q", tc.tt, tc.raw, got, tc.want)
		}
	}
}

func TestTimeToTS(t *testing.T) {
	ny := time.FixedZone("EST", -5*3600)
	now := time.Date(2024, 1, 1, 7, 0, 0, 123_456_789, ny)
	tests := []struct {
		tt   *arrow.TimestampType
		want string // rendered back
	}{
		{&arrow.TimestampType{Unit: arrow.Microsecond}, "2024-01-01 07:00:00.123456"},
		{&arrow.TimestampType{Unit: arrow.Second}, "2024-01-01 07:00:00"},
		{&arrow.TimestampType{Unit: arrow.Nanosecond}, "2024-01-01 07:00:00.123456789"},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, "2024-01-01 12:00:00.123456+00"},
	}
	for _, tc := range tests {
		raw, err := timeToTS(now, tc.tt)
		if err != nil {
			t.Fatal(err)
		}
		loc, _ := tc.tt.GetZone()
		if got := string(appendTimestampText(nil, raw, tc.tt, loc)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.tt, got, tc.want)
		}
	}
}

func TestValuesEqualAndText(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{math.NaN(), math.NaN(), 0, math.Copysign(0, -1), 1}, nil)
	fb.AppendNull()
	fb.AppendNull()
	f := fb.NewArray()
	fb.Release()
	defer f.Release()
	tests := []struct {
		i, j int
		want bool
	}{
		{0, 1, true},  // NaN = NaN
		{2, 3, true},  // 0 = -0
		{2, 4, false}, // 0 != 1
		{5, 6, true},  // null vs null
		{4, 5, false}, // value vs null
	}
	for _, tc := range tests {
		if got := valuesEqual(f, tc.i, f, tc.j); got != tc.want {
			t.Errorf("valuesEqual(%d, %d) = %v, want %v", tc.i, tc.j, got, tc.want)
		}
	}
	bb := array.NewBooleanBuilder(mem)
	bb.AppendValues([]bool{true, false}, nil)
	b := bb.NewArray()
	bb.Release()
	defer b.Release()
	if got := string(appendText(nil, b, 0, time.UTC)) + "," + string(appendText(nil, b, 1, time.UTC)); got != "true,false" {
		t.Errorf("bool text %q", got)
	}
	db := array.NewDate32Builder(mem)
	db.Append(arrow.Date32FromTime(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)))
	d := db.NewArray()
	db.Release()
	defer d.Release()
	if got := string(appendText(nil, d, 0, time.UTC)); got != "2024-02-29" {
		t.Errorf("date text %q", got)
	}
}
