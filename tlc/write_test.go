package tlc

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// layoutMonth returns a month in which layout l was published (2025-01 for
// the variants the TLC never published).
func layoutMonth(l Layout) Month {
	if l.From == (Month{}) {
		return Month{2025, 1}
	}
	return l.From
}

// generatedBatch returns a canonical batch of n generated trips for l.
func generatedBatch(t *testing.T, mem memory.Allocator, l Layout, n int) arrow.RecordBatch {
	t.Helper()
	m := layoutMonth(l)
	g, err := NewGenerator(GenerateConfig{Kind: l.Kind, Year: m.Year, Month: int(m.Month), Rows: n, Seed: 7, DefectRate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	return g.Next(mem, n)
}

// TestWriteParquetLayouts writes every layout and checks the file's
// physical schema column by column: physical type, logical type, timestamp
// unit and UTC adjustment, the NULL logical type, and one row group.
func TestWriteParquetLayouts(t *testing.T) {
	for _, l := range Layouts() {
		t.Run(l.Name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewParquetWriter(&buf, l, WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				rec := generatedBatch(t, nil, l, 100)
				if err := w.Write(rec); err != nil {
					t.Fatal(err)
				}
				rec.Release()
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			r, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.NumRowGroups() != 1 || r.NumRows() != 300 {
				t.Errorf("%d row groups and %d rows, want 1 and 300", r.NumRowGroups(), r.NumRows())
			}
			sc := r.MetaData().Schema
			if sc.NumColumns() != len(l.Columns) {
				t.Fatalf("%d columns, layout has %d", sc.NumColumns(), len(l.Columns))
			}
			for i, pc := range l.Columns {
				c := sc.Column(i)
				if c.Name() != pc.Name {
					t.Errorf("column %d is %s, want %s", i, c.Name(), pc.Name)
				}
				if err := matchPhysical(pc, c); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestWriteRowGroups(t *testing.T) {
	l, _ := LayoutByName("green-2023")
	tests := []struct {
		rowGroupRows int
		want         []int64
	}{
		{0, []int64{100}},
		{40, []int64{40, 40, 20}},
		{100, []int64{100}},
		{25, []int64{25, 25, 25, 25}},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w, err := NewParquetWriter(&buf, l, WriteOptions{RowGroupRows: tt.rowGroupRows})
		if err != nil {
			t.Fatal(err)
		}
		rec := generatedBatch(t, nil, l, 100)
		for _, s := range [][2]int64{{0, 30}, {30, 60}, {60, 100}} {
			if err := w.Write(rec.NewSlice(s[0], s[1])); err != nil {
				t.Fatal(err)
			}
		}
		rec.Release()
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for i := range r.NumRowGroups() {
			got = append(got, r.MetaData().RowGroup(i).NumRows())
		}
		if !slicesEqual(got, tt.want) {
			t.Errorf("RowGroupRows %d: row groups of %v rows, want %v", tt.rowGroupRows, got, tt.want)
		}
	}
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// knownYellow returns two hand-made trips: a card trip, and a cash trip
// with nulls.
func knownYellow() []YellowTrip {
	at := func(s string) time.Time { t, _ := time.Parse(time.DateTime, s); return t }
	nan := math.NaN()
	return []YellowTrip{
		{VendorID: valid(1), PickupDatetime: at("2009-01-04 02:52:00"), DropoffDatetime: at("2009-01-04 03:02:00"),
			PassengerCount: valid(1), TripDistance: 2.63, RatecodeID: valid(1), StoreAndFwdFlag: "N",
			PULocationID: valid(161), DOLocationID: valid(237), PaymentType: valid(1), FareAmount: 8.9,
			Extra: 0.5, MTATax: 0.5, TipAmount: 2.25, TollsAmount: 0, ImprovementSurcharge: 1,
			TotalAmount: 13.15, CongestionSurcharge: 2.5, AirportFee: 0, CBDCongestionFee: 0.75},
		{VendorID: valid(2), PickupDatetime: at("2009-01-04 03:31:00"), DropoffDatetime: at("2009-01-04 03:38:00"),
			TripDistance: 1, PaymentType: valid(2), StoreAndFwdFlag: "Y", FareAmount: 5, Extra: nan,
			MTATax: nan, TipAmount: 0, TollsAmount: nan, ImprovementSurcharge: nan, TotalAmount: 5,
			CongestionSurcharge: nan, AirportFee: nan, CBDCongestionFee: nan, RequestSource: "app"},
	}
}

func TestWriteCSV(t *testing.T) {
	tests := []struct{ layout, want string }{
		{"yellow-2009", `vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt
CMT,2009-01-04 02:52:00,2009-01-04 03:02:00,1,2.63,,,1,0,,,CREDIT,8.9,0.5,0.5,2.25,0,13.15
VTS,2009-01-04 03:31:00,2009-01-04 03:38:00,,1,,,,1,,,CASH,5,,,0,,5
`},
		{"yellow-2010-index", `vendor_id,pickup_datetime,dropoff_datetime,passenger_count,trip_distance,pickup_longitude,pickup_latitude,rate_code,store_and_fwd_flag,dropoff_longitude,dropoff_latitude,payment_type,fare_amount,surcharge,mta_tax,tip_amount,tolls_amount,total_amount,__index_level_0__
CMT,2009-01-04 02:52:00,2009-01-04 03:02:00,1,2.63,,,1,0,,,CRE,8.9,0.5,0.5,2.25,0,13.15,0
VTS,2009-01-04 03:31:00,2009-01-04 03:38:00,,1,,,,1,,,CAS,5,,,0,,5,1
`},
		{"yellow-2026", `VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,RatecodeID,store_and_fwd_flag,PULocationID,DOLocationID,payment_type,fare_amount,extra,mta_tax,tip_amount,tolls_amount,improvement_surcharge,total_amount,congestion_surcharge,Airport_fee,cbd_congestion_fee,request_source
1,2009-01-04 02:52:00,2009-01-04 03:02:00,1,2.63,1,N,161,237,1,8.9,0.5,0.5,2.25,0,1,13.15,2.5,0,0.75,
2,2009-01-04 03:31:00,2009-01-04 03:38:00,,1,,Y,,,2,5,,,0,,,5,,,,app
`},
	}
	for _, tt := range tests {
		l, err := LayoutByName(tt.layout)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		w, err := NewCSVWriter(&buf, l, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteTrips(w, knownYellow()); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != tt.want {
			t.Errorf("%s CSV:\n%s\nwant\n%s", tt.layout, got, tt.want)
		}
	}
}

// TestWriteParquetValues reads back the inverse conversions of the old
// layouts and the NANOS variant.
func TestWriteParquetValues(t *testing.T) {
	tests := []struct {
		layout, column string
		want           string // the two values, as Arrow prints them
	}{
		{"yellow-2009", "vendor_name", `["CMT" "VTS"]`},
		{"yellow-2009", "Trip_Pickup_DateTime", `["2009-01-04 02:52:00" "2009-01-04 03:31:00"]`},
		{"yellow-2009", "Passenger_Count", `[1 (null)]`},
		{"yellow-2009", "Payment_Type", `["CREDIT" "CASH"]`},
		{"yellow-2009", "store_and_forward", `[0 1]`},
		{"yellow-2009", "Start_Lon", `[(null) (null)]`},
		{"yellow-2010-index", "payment_type", `["CRE" "CAS"]`},
		{"yellow-2010-index", "__index_level_0__", `[0 1]`},
		{"yellow-2011", "passenger_count", `[1 (null)]`},
		{"yellow-2011", "PULocationID", `[161 (null)]`},
		{"yellow-2025-pandas", "tpep_pickup_datetime", `[2009-01-04 02:52:00 2009-01-04 03:31:00]`},
		{"yellow-2025", "tpep_pickup_datetime", `[2009-01-04 02:52:00 2009-01-04 03:31:00]`},
	}
	for _, tt := range tests {
		l, _ := LayoutByName(tt.layout)
		var buf bytes.Buffer
		w, err := NewParquetWriter(&buf, l, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteTrips(w, knownYellow()); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		tbl, err := pqarrow.ReadTable(context.Background(), bytes.NewReader(buf.Bytes()), nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		idx := tbl.Schema().FieldIndices(tt.column)
		if len(idx) != 1 {
			t.Fatalf("%s: no column %s", tt.layout, tt.column)
		}
		col := tbl.Column(idx[0]).Data().Chunk(0)
		got := col.String()
		if ts, ok := col.(*array.Timestamp); ok {
			unit := ts.DataType().(*arrow.TimestampType).Unit
			got = "[" + ts.Value(0).ToTime(unit).Format(time.DateTime) + " " + ts.Value(1).ToTime(unit).Format(time.DateTime) + "]"
		}
		if got != tt.want {
			t.Errorf("%s.%s = %s, want %s", tt.layout, tt.column, got, tt.want)
		}
		tbl.Release()
	}
}

func TestWriteColumnFunc(t *testing.T) {
	l, _ := LayoutByName("yellow-2009")
	lon := func(col PhysicalColumn, rec arrow.RecordBatch, def arrow.Array) (arrow.Array, error) {
		if col.Name != "Start_Lon" {
			return def, nil
		}
		b := array.NewFloat64Builder(memory.DefaultAllocator)
		defer b.Release()
		b.AppendValues([]float64{-73.99, -73.95}, nil)
		return b.NewArray(), nil
	}
	var buf bytes.Buffer
	w, _ := NewCSVWriter(&buf, l, WriteOptions{Column: lon})
	if err := WriteTrips(w, knownYellow()); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if !strings.Contains(buf.String(), ",2.63,-73.99,,1,") {
		t.Errorf("Start_Lon not written:\n%s", buf.String())
	}

	wrong := func(col PhysicalColumn, rec arrow.RecordBatch, def arrow.Array) (arrow.Array, error) {
		if col.Name != "Start_Lon" {
			return def, nil
		}
		return array.NewNull(int(rec.NumRows())), nil
	}
	w, _ = NewCSVWriter(&buf, l, WriteOptions{Column: wrong})
	if err := WriteTrips(w, knownYellow()); err == nil || !strings.Contains(err.Error(), "Start_Lon") {
		t.Errorf("a ColumnFunc of the wrong type gave %v, want an error naming Start_Lon", err)
	}
}

func TestWriteErrors(t *testing.T) {
	l, _ := LayoutByName("green-2023")
	var buf bytes.Buffer
	w, _ := NewParquetWriter(&buf, l, WriteOptions{})
	rec := NewRecordBatch(nil, []FHVTrip{{DispatchingBaseNum: "B00001"}})
	defer rec.Release()
	if err := w.Write(rec); err == nil || !strings.Contains(err.Error(), "vendor_id") {
		t.Errorf("writing an fhv batch as green gave %v, want an error naming vendor_id", err)
	}
	ctx := context.Background()
	if _, err := CreateFile(ctx, filepath.Join(t.TempDir(), "x.txt"), l, WriteOptions{}); err == nil {
		t.Error("CreateFile accepted a .txt file")
	}
	if _, err := NewCSVWriter(&buf, Layout{Name: "empty"}, WriteOptions{}); err == nil {
		t.Error("NewCSVWriter accepted an empty layout")
	}
	if _, err := CreateFile(ctx, filepath.Join(t.TempDir(), "missing", "x.csv"), l, WriteOptions{}); err == nil ||
		!strings.Contains(err.Error(), "x.csv") {
		t.Errorf("CreateFile in a missing folder gave %v, want an error naming the file", err)
	}
}

// TestWriteStreams checks that a writer frees every batch's Arrow data:
// the allocator holds nothing once the file is closed, and (Parquet) only
// the encoded row group between writes.
func TestWriteStreams(t *testing.T) {
	for _, name := range []string{"x.parquet", "x.csv"} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		l, _ := LayoutByName("yellow-2009")
		w, err := CreateFile(context.Background(), filepath.Join(t.TempDir(), name), l, WriteOptions{Mem: mem})
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			rec := generatedBatch(t, mem, l, 2000)
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
			rec.Release()
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		mem.AssertSize(t, 0)
		if w.Rows() != 10000 {
			t.Errorf("%s: Rows() = %d, want 10000", name, w.Rows())
		}
	}
}
