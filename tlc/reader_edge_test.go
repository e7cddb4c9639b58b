package tlc

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A page of HTML saved under a trip file's name is an error, not a file of
// all-null trips.
func TestNotATripFile(t *testing.T) {
	path := writeTemp(t, "yellow_tripdata_2019-01.csv", "<html>\n<body>Access Denied</body>\n")
	err := readErr(path)
	if err == nil || !strings.Contains(err.Error(), "not a TLC trip file") || !strings.Contains(err.Error(), path) {
		t.Errorf("error = %v", err)
	}
}

// Gzip data is recognized by content, and the 2015-2016 FHV header spells
// its columns Pickup_date and locationID.
func TestGzipByContentAndEarlyFHVHeader(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("Dispatching_base_num,Pickup_date,locationID\nB00013,2015-01-01 00:30:00,\nB00013,2015-01-01 00:31:00,161\n"))
	zw.Close()
	path := writeTemp(t, "fhv_tripdata_2015-01.csv", buf.String())
	r, recs, probs := readAll(t, path, ReadOptions{})
	if r.Kind() != FHV || totalRows(recs) != 2 || len(probs) != 0 {
		t.Fatalf("kind %s rows %d problems %v", r.Kind(), totalRows(recs), probs)
	}
	rec := recs[0]
	if got := timeFromMicros(int64(rec.Column(1).(*array.Timestamp).Value(1))); got != "2015-01-01T00:31:00Z" {
		t.Errorf("pickup_datetime = %s", got)
	}
	if got := rec.Column(3).String(); got != "[(null) 161]" {
		t.Errorf("pu_location_id = %s", got)
	}
}

func TestTrailingCommaLines(t *testing.T) {
	path := writeTemp(t, "yellow.csv", "VendorID,tpep_pickup_datetime,fare_amount\n1,2014-01-01 00:00:00,5.5,\n2,2014-01-01 00:01:00,6,\n")
	_, recs, _ := readAll(t, path, ReadOptions{})
	if totalRows(recs) != 2 {
		t.Errorf("rows = %d", totalRows(recs))
	}
}

func TestKeptProblemsSurviveNext(t *testing.T) {
	path := writeTemp(t, "yellow.csv", "VendorID,tpep_pickup_datetime,passenger_count\n1,2024-01-01 00:00:00,1.5\n1,2024-01-01 00:00:00,2.5\n")
	r, err := Open(context.Background(), path, ReadOptions{BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.Next()
	first := r.Problems()
	r.Next()
	if len(first) != 1 || first[0].Row != 0 || first[0].Value != "1.5" {
		t.Errorf("problems kept from batch 0 now read %+v", first)
	}
}

// Every buffer a reader allocates is released, whether it is read to the
// end, stopped early, or opened with extras.
func TestReaderReleasesMemory(t *testing.T) {
	files := []string{"green_tripdata_2020-04.parquet", "yellow_tripdata_sample.narendar.parquet",
		"fhvhv_tripdatasample_2020-04.csv", "yellow_tripdatasample_2020-04.csv"}
	for _, f := range files {
		for _, batches := range []int{0, 1, -1} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			r, err := Open(context.Background(), fixture(t, f), ReadOptions{Allocator: mem, BatchSize: 512, KeepExtra: true})
			if err != nil {
				t.Fatal(err)
			}
			for n := 0; n != batches && r.Next(); n++ {
			}
			r.Close()
			mem.AssertSize(t, 0)
		}
	}
}
