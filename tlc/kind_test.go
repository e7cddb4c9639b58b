package tlc

import (
	"strings"
	"testing"
)

func TestKindDetection(t *testing.T) {
	names := []struct {
		name string
		want Kind
		ok   bool
	}{
		{"yellow_tripdata_2024-01.parquet", Yellow, true},
		{"/data/Green_tripdata_2014-01.parquet", Green, true},
		{"fhv_tripdata_2015-01.parquet", FHV, true},
		{"fhvhv_tripdata_2019-02.parquet", FHVHV, true},
		{"yellow-tripdata-sample.narendar.csv", Yellow, true},
		{"fhvhv_tripdatasample_2020-04.csv", FHVHV, true},
		{"taxi_zone_lookup.csv", "", false},
		{"yellowish.parquet", "", false},
	}
	for _, tc := range names {
		if got, ok := KindFromFileName(tc.name); got != tc.want || ok != tc.ok {
			t.Errorf("KindFromFileName(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	// Column sets of every era in tlc_file_metadata_2009-2024.csv.
	cols := []struct {
		cols string
		want Kind
	}{
		{"vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Start_Lon", Yellow},
		{"vendor_id,pickup_datetime,dropoff_datetime,passenger_count,pickup_longitude", Yellow},
		{"VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,Airport_fee", Yellow},
		{"VendorID,lpep_pickup_datetime,lpep_dropoff_datetime,ehail_fee", Green},
		{"dispatching_base_num,pickup_datetime,dropOff_datetime,PUlocationID,SR_Flag", FHV},
		{"hvfhs_license_num,dispatching_base_num,originating_base_num,request_datetime", FHVHV},
		{"LocationID,Borough,Zone,service_zone", ""},
	}
	for _, tc := range cols {
		got, ok := KindFromColumns(strings.Split(tc.cols, ","))
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("KindFromColumns(%s) = %q, %v; want %q", tc.cols, got, ok, tc.want)
		}
	}
	if _, err := ParseKind("taxi"); err == nil {
		t.Error("ParseKind(taxi) succeeded")
	}
	if k, err := ParseKind(" FHVHV "); err != nil || k != FHVHV {
		t.Errorf("ParseKind(FHVHV) = %q, %v", k, err)
	}
}

// Every column of every monthly file 2009-2024 either maps to a canonical
// column or is one of the known extras; nothing is dropped unnoticed.
func TestEveryPublishedColumnIsAccountedFor(t *testing.T) {
	extras := map[string]bool{ // no canonical home: reported by Reader.Extra
		"start_lon": true, "start_lat": true, "end_lon": true, "end_lat": true,
		"pickup_longitude": true, "pickup_latitude": true, "dropoff_longitude": true,
		"dropoff_latitude": true, "__index_level_0__": true,
	}
	months := publishedColumns(t)
	for file, cols := range months {
		kind, ok := KindFromFileName(file)
		if !ok {
			t.Fatalf("%s: no kind", file)
		}
		if byCols, _ := KindFromColumns(cols); byCols != kind {
			t.Errorf("%s: columns say %q", file, byCols)
		}
		index := canonicalIndex(kind)
		for _, c := range cols {
			if _, ok := index[strings.ToLower(c)]; !ok && !extras[strings.ToLower(c)] {
				t.Errorf("%s: column %q maps to nothing", file, c)
			}
		}
	}
}
