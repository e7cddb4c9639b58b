package tlc_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/magnumopus/opus/tlc"
)

func ExampleLayoutFor() {
	for _, m := range []struct{ year, month int }{{2009, 1}, {2010, 2}, {2023, 1}, {2023, 2}} {
		l, err := tlc.LayoutFor(tlc.Yellow, m.year, m.month)
		if err != nil {
			fmt.Println(err)
			continue
		}
		last := l.Columns[len(l.Columns)-1]
		fmt.Printf("%d-%02d %s: %d columns, first %s, last %s %s\n",
			m.year, m.month, l.Name, len(l.Columns), l.Columns[1].Name, last.Name, last.Type)
	}
	// Output:
	// 2009-01 yellow-2009: 18 columns, first Trip_Pickup_DateTime, last Total_Amt DOUBLE
	// 2010-02 yellow-2010-index: 19 columns, first pickup_datetime, last __index_level_0__ INT64
	// 2023-01 yellow-2011: 19 columns, first tpep_pickup_datetime, last airport_fee DOUBLE
	// 2023-02 yellow-2023: 19 columns, first tpep_pickup_datetime, last Airport_fee DOUBLE
}

func ExampleAppendTrips() {
	g, err := tlc.NewGenerator(tlc.GenerateConfig{Kind: tlc.Yellow, Year: 2024, Month: 1, Rows: 3, Seed: 42})
	if err != nil {
		fmt.Println(err)
		return
	}
	trips, _ := tlc.AppendTrips[tlc.YellowTrip](g, nil, 3)
	for _, t := range trips {
		fmt.Printf("%s %3d -> %3d %5.2f mi %4.1f min fare %5.2f total %5.2f\n",
			t.PickupDatetime.Format(time.DateTime), t.PULocationID.V, t.DOLocationID.V, t.TripDistance,
			t.DropoffDatetime.Sub(t.PickupDatetime).Minutes(), t.FareAmount, t.TotalAmount)
	}
	// Output:
	// 2024-01-07 13:00:26 132 ->  79 14.04 mi 83.6 min fare 70.00 total 87.61
	// 2024-01-08 17:14:00  87 -> 107  3.42 mi 19.6 min fare 19.80 total 30.55
	// 2024-01-30 18:54:49 237 -> 161  1.98 mi 20.8 min fare 17.00 total 28.56
}

func ExampleGenerateFile() {
	dir, _ := os.MkdirTemp("", "tlc-generate")
	defer os.RemoveAll(dir)
	cfg := tlc.GenerateConfig{Kind: tlc.Green, Year: 2024, Month: 1, Rows: 10_000, Seed: 1, DefectRate: 0.02}
	st, err := tlc.GenerateFile(context.Background(), cfg, filepath.Join(dir, "green_tripdata_2024-01.parquet"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.Rows, "rows,", st.DefectRows(), "with a defect")
	for _, d := range tlc.AllDefects() {
		fmt.Printf("%s %d\n", d, st.Defects[d])
	}
	// Output:
	// 10000 rows, 191 with a defect
	// null 27
	// negative_fare 20
	// zero_distance 27
	// dropoff_before_pickup 21
	// location_out_of_range 20
	// duplicate 21
	// fractional_passengers 28
	// outside_month 27
}

func ExampleNewCSVWriter() {
	l, _ := tlc.LayoutByName("yellow-2009")
	w, err := tlc.NewCSVWriter(os.Stdout, l, tlc.WriteOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	pickup := time.Date(2009, 1, 4, 2, 52, 0, 0, time.UTC)
	valid := func(v int32) sql.Null[int32] { return sql.Null[int32]{V: v, Valid: true} }
	trip := tlc.YellowTrip{VendorID: valid(2), PickupDatetime: pickup, DropoffDatetime: pickup.Add(10 * time.Minute),
		PassengerCount: valid(1), TripDistance: 2.63, PaymentType: valid(2), StoreAndFwdFlag: "N",
		FareAmount: 8.9, Extra: 0.5, MTATax: math.NaN(), TollsAmount: 0, TotalAmount: 9.4}
	if err := tlc.WriteTrips(w, []tlc.YellowTrip{trip}); err != nil {
		fmt.Println(err)
	}
	w.Close()
	// Output:
	// vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt
	// VTS,2009-01-04 02:52:00,2009-01-04 03:02:00,1,2.63,,,,0,,,CASH,8.9,0.5,,0,0,9.4
}
