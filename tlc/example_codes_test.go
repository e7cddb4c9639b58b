package tlc_test

import (
	"fmt"
	"log"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/tlc"
)

// The vendor table of every edition: a dimension snapshotted once per
// edition, at its publication date, records VeriFone giving way to Curb and
// the two new providers.
func ExampleCodes() {
	for _, e := range tlc.DictionaryEditions() {
		published, _ := e.Published()
		codes, err := tlc.Codes(tlc.CodeVendor, e)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("edition", e, "run at", published.Format("2006-01-02"))
		for _, c := range codes {
			fmt.Printf("  %d %s\n", c.Code, c.Description)
		}
	}
	// Output:
	// edition 2015 run at 2015-01-01
	//   1 Creative Mobile Technologies, LLC
	//   2 VeriFone Inc.
	// edition 2025-03-18 run at 2025-03-18
	//   1 Creative Mobile Technologies, LLC
	//   2 Curb Mobility, LLC
	//   6 Myle Technologies Inc
	//   7 Helix
}

func ExampleCodesRecordBatch() {
	codes, _ := tlc.Codes(tlc.CodeRateCode, tlc.Dictionary2025)
	rec := tlc.CodesRecordBatch(memory.DefaultAllocator, codes)
	defer rec.Release()
	fmt.Println(rec.Schema().Field(0).Name, rec.Schema().Field(0).Type, rec.Schema().Field(1).Name, rec.Schema().Field(1).Type)
	fmt.Println(rec.NumRows(), "rows:", rec.Column(0))
	// Output:
	// code int32 description utf8
	// 7 rows: [1 2 3 4 5 6 99]
}

// The synthetic lookups of 2023 and 2024 differ exactly as the real ones do.
func ExampleSyntheticZones() {
	before, err := tlc.SyntheticZones(2023)
	if err != nil {
		log.Fatal(err)
	}
	after, _ := tlc.SyntheticZones(2024)
	fmt.Println(after.Len(), "zones")
	for _, id := range []int32{1, 132, 161} {
		z, _ := after.Lookup(id)
		fmt.Printf("%d %s / %s / %s\n", z.LocationID, z.Borough, z.Zone, z.ServiceZone)
	}
	for _, c := range tlc.DiffZones(before, after) {
		fmt.Printf("%d %s %v: %s/%s -> %s/%s\n", c.LocationID, c.Type, c.Fields, c.Old.Borough, c.Old.Zone, c.New.Borough, c.New.Zone)
	}
	// Output:
	// 265 zones
	// 1 EWR / Newark Airport / EWR
	// 132 Queens / JFK Airport / Airports
	// 161 Manhattan / Synthetic zone 161 / Yellow Zone
	// 264 modified [Zone]: Unknown/NV -> Unknown/N/A
	// 265 modified [Borough Zone]: Unknown/NA -> N/A/Outside of NYC
}

func ExampleZonesRecordBatch() {
	zones, _ := tlc.SyntheticZones(2024)
	rec := tlc.ZonesRecordBatch(memory.DefaultAllocator, zones)
	defer rec.Release()
	last := rec.NewSlice(rec.NumRows()-2, rec.NumRows())
	defer last.Release()
	for i, f := range last.Schema().Fields() {
		fmt.Println(f.Name, last.Column(i))
	}
	// Output:
	// location_id [264 265]
	// borough ["Unknown" "N/A"]
	// zone ["N/A" "Outside of NYC"]
	// service_zone ["N/A" "N/A"]
}
