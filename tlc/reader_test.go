package tlc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readAll reads a whole file into one record per batch and the problems.
func readAll(t testing.TB, path string, opts ReadOptions) (*Reader, []arrow.RecordBatch, []Problem) {
	t.Helper()
	r, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { r.Close() })
	var recs []arrow.RecordBatch
	var probs []Problem
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		t.Cleanup(rec.Release)
		recs = append(recs, rec)
		probs = append(probs, r.Problems()...)
	}
	if err := r.Err(); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return r, recs, probs
}

func totalRows(recs []arrow.RecordBatch) int64 {
	var n int64
	for _, r := range recs {
		n += r.NumRows()
	}
	return n
}

func TestReadRealFiles(t *testing.T) {
	tests := []struct {
		file    string
		kind    Kind
		rows    int64
		missing []string
	}{
		{"green_tripdata_2020-04.parquet", Green, 35644, []string{"cbd_congestion_fee"}},
		{"green_tripdata_2024-01.parquet", Green, 56551, []string{"cbd_congestion_fee"}},
		{"green_tripdata_2022-01.parquet", Green, 62495, []string{"vendor_id", "store_and_fwd_flag", "ratecode_id",
			"passenger_count", "fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount", "ehail_fee",
			"improvement_surcharge", "total_amount", "payment_type", "trip_type", "congestion_surcharge", "cbd_congestion_fee"}},
		{"yellow_tripdata_2025-01_head5.hardwood.parquet", Yellow, 5, []string{"request_source"}},
		{"yellow_tripdata_sample.narendar.parquet", Yellow, 10000, []string{"request_source"}},
		{"yellow-tripdata-sample.narendar.csv", Yellow, 10000, []string{"request_source"}},
		{"yellow_tripdatasample_2020-04.csv", Yellow, 1000, []string{"cbd_congestion_fee", "request_source"}},
		{"green_tripdatasample_2020-04.csv", Green, 1000, []string{"cbd_congestion_fee"}},
		{"fhv_tripdatasample_2020-04.csv", FHV, 1000, nil},
		{"fhvhv_tripdatasample_2020-04.csv", FHVHV, 1000, []string{"cbd_congestion_fee"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r, recs, probs := readAll(t, fixture(t, tc.file), ReadOptions{BatchSize: 4096})
			if r.Kind() != tc.kind {
				t.Errorf("kind = %s, want %s", r.Kind(), tc.kind)
			}
			if got := totalRows(recs); got != tc.rows {
				t.Errorf("rows = %d, want %d", got, tc.rows)
			}
			if len(probs) != 0 {
				t.Errorf("unexpected problems, first: %v", probs[0])
			}
			if got := strings.Join(r.Missing(), ","); got != strings.Join(tc.missing, ",") {
				t.Errorf("missing = %s, want %s", got, strings.Join(tc.missing, ","))
			}
			want := MustSchema(tc.kind)
			for _, rec := range recs {
				if rec.NumRows() > 4096 {
					t.Fatalf("batch of %d rows exceeds BatchSize 4096", rec.NumRows())
				}
				if !rec.Schema().Equal(want) {
					t.Fatalf("batch schema\n%s\nwant canonical\n%s", rec.Schema(), want)
				}
			}
		})
	}
}

// The same five TLC rows, once with the physical types of the TLC original
// (INT64 counts, MICROS) and once after a pandas round trip (DOUBLE counts,
// NANOS), must read to identical canonical batches. So must the same 10,000
// rows as Parquet and as CSV.
func TestDriftedPhysicalSchemasReadAlike(t *testing.T) {
	pairs := []struct{ a, b string }{
		{"yellow_tripdata_2025-01_head5.hardwood.parquet", "yellow_tripdata_sample.narendar.parquet"},
		{"yellow_tripdata_sample.narendar.parquet", "yellow-tripdata-sample.narendar.csv"},
	}
	for _, p := range pairs {
		t.Run(p.a+"~"+p.b, func(t *testing.T) {
			_, ra, _ := readAll(t, fixture(t, p.a), ReadOptions{})
			_, rb, _ := readAll(t, fixture(t, p.b), ReadOptions{})
			a, b := concat(t, ra), concat(t, rb)
			n := min(a.NumRows(), b.NumRows())
			a, b = a.NewSlice(0, n), b.NewSlice(0, n)
			defer a.Release()
			defer b.Release()
			if !array.RecordEqual(a, b) {
				for c := 0; c < int(a.NumCols()); c++ {
					if !array.Equal(a.Column(c), b.Column(c)) {
						t.Errorf("column %s differs:\n%v\n%v", a.ColumnName(c), a.Column(c), b.Column(c))
					}
				}
			}
		})
	}
}

func concat(t testing.TB, recs []arrow.RecordBatch) arrow.RecordBatch {
	t.Helper()
	tbl := array.NewTableFromRecords(recs[0].Schema(), recs)
	defer tbl.Release()
	cols := make([]arrow.Array, tbl.NumCols())
	for i := range cols {
		chunks := tbl.Column(i).Data().Chunks()
		a, err := array.Concatenate(chunks, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Release()
		cols[i] = a
	}
	return array.NewRecordBatch(tbl.Schema(), cols, tbl.NumRows())
}

// green 2020-04 stores ehail_fee as INT32 with the NULL logical type.
func TestNullLogicalTypeColumn(t *testing.T) {
	r, recs, _ := readAll(t, fixture(t, "green_tripdata_2020-04.parquet"), ReadOptions{})
	for _, m := range r.Mappings() {
		if m.Source == "ehail_fee" && m.SourceType.ID() != arrow.NULL {
			t.Errorf("ehail_fee read as %s, want arrow null", m.SourceType)
		}
	}
	idx := MustSchema(Green).FieldIndices("ehail_fee")[0]
	for _, rec := range recs {
		if col := rec.Column(idx); col.NullN() != col.Len() || col.DataType().ID() != arrow.FLOAT64 {
			t.Fatalf("ehail_fee: %d nulls of %d, type %s", col.NullN(), col.Len(), col.DataType())
		}
	}
}

func writeTemp(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const yellowHeader = "VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,PULocationID,DOLocationID,fare_amount,mystery\n"

func TestRowProblems(t *testing.T) {
	path := writeTemp(t, "yellow_tripdata_2024-01.csv", yellowHeader+
		"1,2024-01-01 00:00:00,2024-01-01 00:10:00,1.0,1.5,100,200,10,a\n"+ // clean: 1.0 is a whole number
		"2,2024-01-01 00:00:00,2024-01-01 00:10:00,1.5,1.5,100,200,10,b\n"+ // passenger_count 1.5
		"DDS,2024-01-31 25:00:00,2024-01-01 00:10:00,2,x,100,99999999999,10,c\n") // vendor, time, distance, id
	r, recs, probs := readAll(t, path, ReadOptions{})
	want := []Problem{
		{Row: 1, Column: "passenger_count", Source: "passenger_count", Value: "1.5", Reason: "not a whole number"},
		{Row: 2, Column: "vendor_id", Source: "VendorID", Value: "DDS", Reason: "not a number"},
		{Row: 2, Column: "pickup_datetime", Source: "tpep_pickup_datetime", Value: "2024-01-31 25:00:00", Reason: "not a date-time"},
		{Row: 2, Column: "trip_distance", Source: "trip_distance", Value: "x", Reason: "not a number"},
		{Row: 2, Column: "do_location_id", Source: "DOLocationID", Value: "99999999999", Reason: "out of range"},
	}
	if len(probs) != len(want) {
		t.Fatalf("got %d problems %v, want %d", len(probs), probs, len(want))
	}
	for i, w := range want {
		w.File = path
		if probs[i] != w {
			t.Errorf("problem %d = %+v, want %+v", i, probs[i], w)
		}
	}
	if r.ProblemCount() != int64(len(want)) {
		t.Errorf("ProblemCount = %d", r.ProblemCount())
	}
	// The offending values are null, never rounded or guessed.
	rec := recs[0]
	pc := rec.Column(rec.Schema().FieldIndices("passenger_count")[0]).(*array.Int32)
	if pc.Value(0) != 1 || pc.IsValid(1) {
		t.Errorf("passenger_count = %v, want [1 null 2]", pc)
	}
	if got := r.Extra(); len(got) != 1 || got[0] != "mystery" {
		t.Errorf("Extra() = %v, want [mystery]", got)
	}
	if !strings.Contains(probs[0].String(), "row 1: passenger_count") {
		t.Errorf("String() = %q", probs[0].String())
	}
}

func TestKeepExtra(t *testing.T) {
	path := writeTemp(t, "trips.csv", yellowHeader+"1,2024-01-01 00:00:00,2024-01-01 00:10:00,1,1.5,100,200,10,kept\n")
	_, recs, _ := readAll(t, path, ReadOptions{KeepExtra: true})
	rec := recs[0]
	last := rec.Schema().Field(int(rec.NumCols()) - 1)
	if last.Name != "mystery" || rec.Column(int(rec.NumCols())-1).ValueStr(0) != "kept" {
		t.Errorf("last column %s = %s, want mystery = kept", last.Name, rec.Column(int(rec.NumCols())-1).ValueStr(0))
	}
}

func TestCorruptFiles(t *testing.T) {
	real := fixture(t, "green_tripdata_2024-01.parquet")
	data, err := os.ReadFile(real)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content, want string
	}{
		{"green_truncated.parquet", string(data[:len(data)/2]), "not a readable Parquet file"},
		{"green_garbage.parquet", "this is not parquet at all, not even close", "not a readable Parquet file"},
		{"green_empty.parquet", "", "not a readable Parquet file"},
		{"yellow_short_line.csv", yellowHeader + "1,2024-01-01 00:00:00\n", "line 2"},
		{"yellow_empty.csv", "", "empty CSV file"},
		{"unknown.csv", "a,b\n1,2\n", "cannot tell the trip kind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tc.name, tc.content)
			err := readErr(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.name) {
				t.Errorf("error = %v, want one naming %s and saying %q", err, tc.name, tc.want)
			}
		})
	}
}

// A file whose pages are damaged after a valid footer must fail while
// reading, naming the file, and never yield a wrong batch silently.
func TestCorruptPages(t *testing.T) {
	data, err := os.ReadFile(fixture(t, "green_tripdata_2024-01.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 4; i < len(data)/2; i++ { // keep the magic and the footer
		data[i] ^= 0x5a
	}
	path := writeTemp(t, "green_damaged.parquet", string(data))
	if err := readErr(path); err == nil || !strings.Contains(err.Error(), "green_damaged.parquet") {
		t.Errorf("error = %v, want one naming the file", err)
	}
}

func readErr(path string) error {
	r, err := Open(context.Background(), path, ReadOptions{})
	if err != nil {
		return err
	}
	defer r.Close()
	for r.Next() {
	}
	return r.Err()
}

func TestForcedKindMustMatchColumns(t *testing.T) {
	path := writeTemp(t, "x.csv", yellowHeader)
	if _, err := Open(context.Background(), path, ReadOptions{Kind: Green}); err == nil || !strings.Contains(err.Error(), "yellow") {
		t.Errorf("error = %v, want a kind mismatch", err)
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, err := Open(ctx, fixture(t, "green_tripdata_2024-01.parquet"), ReadOptions{BatchSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	cancel()
	if r.Next() {
		t.Fatal("Next succeeded after cancel")
	}
	if !errors.Is(r.Err(), context.Canceled) {
		t.Errorf("Err = %v, want context.Canceled", r.Err())
	}
}

func TestParseWallClock(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC, "" for invalid
	}{
		{"2020-04-01 07:23:54", "2020-04-01T07:23:54Z"},
		{"2025-01-01 00:18:38.000000000", "2025-01-01T00:18:38Z"},
		{"2020-04-24 08:20:17.000000", "2020-04-24T08:20:17Z"},
		{"2020-04-24T08:20:17", "2020-04-24T08:20:17Z"},
		{"2020-04-24T08:20:17Z", "2020-04-24T04:20:17Z"}, // a UTC instant: EDT wall clock
		{"2020-01-24T08:20:17Z", "2020-01-24T03:20:17Z"}, // EST
		{"2020-04-24 08:20", "2020-04-24T08:20:00Z"},
		{"04/01/2020 07:23:54 PM", "2020-04-01T19:23:54Z"},
		{"04/01/2020 12:05:00 AM", "2020-04-01T00:05:00Z"},
		{"2020-04-24", "2020-04-24T00:00:00Z"},
		{"2020-04-31 00:00:00", ""},
		{"2020-04-01 24:00:00", ""},
		{"2020-04-01 07:23:54.0000001", ""},
		{"yesterday", ""},
	}
	for _, tc := range tests {
		us, ok, _ := parseWallClock(tc.in)
		got := ""
		if ok {
			got = timeFromMicros(us)
		}
		if got != tc.want {
			t.Errorf("parseWallClock(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func timeFromMicros(us int64) string {
	return arrow.Timestamp(us).ToTime(arrow.Microsecond).UTC().Format("2006-01-02T15:04:05Z07:00")
}
