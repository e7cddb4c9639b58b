package tlc_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/magnumopus/opus/tlc"
)

// A 2009-style yellow CSV: old column names, text vendor and payment codes,
// a fractional passenger count that must not be rounded, and latitude and
// longitude that have no canonical column.
const csv2009 = `vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,Start_Lon,Start_Lat,Payment_Type,Fare_Amt,Total_Amt
VTS,2009-01-04 02:52:00,2009-01-04 03:02:00,1,2.63,-73.99,40.72,CASH,8.9,9.4
CMT,2009-01-04 03:31:00,2009-01-04 03:38:00,1.5,4.55,-74.00,40.73,Credit,12.1,14.6
`

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "tlc-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "yellow_tripdata_2009-01.csv")
	os.WriteFile(path, []byte(csv2009), 0o644)

	r, err := tlc.Open(context.Background(), path, tlc.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	for r.Next() {
		batch := r.RecordBatch()
		fmt.Println(r.Kind(), batch.NumRows(), "rows")
		for _, name := range []string{"vendor_id", "payment_type", "passenger_count"} {
			col := batch.Column(batch.Schema().FieldIndices(name)[0])
			fmt.Println(name, col)
		}
		for _, p := range r.Problems() {
			fmt.Printf("row %d: %s = %q: %s\n", p.Row, p.Column, p.Value, p.Reason)
		}
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	fmt.Println("extra:", r.Extra())
	// Output:
	// yellow 2 rows
	// vendor_id [2 1]
	// payment_type [2 1]
	// passenger_count [1 (null)]
	// row 1: passenger_count = "1.5": not a whole number
	// extra: [Start_Lon Start_Lat]
}

func ExampleRows() {
	dir, _ := os.MkdirTemp("", "tlc-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "yellow_tripdata_2009-01.csv")
	os.WriteFile(path, []byte(csv2009), 0o644)

	r, err := tlc.Open(context.Background(), path, tlc.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	for trip, err := range tlc.Rows[tlc.YellowTrip](r) {
		if err != nil {
			fmt.Println(err)
			return
		}
		minutes := trip.DropoffDatetime.Sub(trip.PickupDatetime).Minutes()
		fmt.Printf("%s %.0f min %.2f mi $%.2f passengers valid=%v\n",
			trip.PickupDatetime.Format(tlc.TimeLayout), minutes, trip.TripDistance, trip.FareAmount, trip.PassengerCount.Valid)
	}
	// Output:
	// 2009-01-04 02:52:00 10 min 2.63 mi $8.90 passengers valid=true
	// 2009-01-04 03:31:00 7 min 4.55 mi $12.10 passengers valid=false
}

func ExampleKindFromFileName() {
	for _, name := range []string{"fhvhv_tripdata_2024-01.parquet", "yellow-tripdata-sample.csv", "zones.csv"} {
		k, ok := tlc.KindFromFileName(name)
		fmt.Println(name, k, ok)
	}
	// Output:
	// fhvhv_tripdata_2024-01.parquet fhvhv true
	// yellow-tripdata-sample.csv yellow true
	// zones.csv  false
}

func ExampleSchema() {
	s := tlc.MustSchema(tlc.FHV)
	for _, f := range s.Fields() {
		fmt.Println(f.Name, f.Type)
	}
	// Output:
	// dispatching_base_num utf8
	// pickup_datetime timestamp[us]
	// dropoff_datetime timestamp[us]
	// pu_location_id int32
	// do_location_id int32
	// sr_flag int32
	// affiliated_base_number utf8
}
