package tlc

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Timestamp is the Arrow type of every canonical date-time column: microseconds
// with no time zone, holding the naive New York wall-clock time the TLC
// publishes. It is deliberately not UTC-adjusted: the TLC files are not, and a
// zoned type would shift every trip by four or five hours.
var Timestamp = &arrow.TimestampType{Unit: arrow.Microsecond}

// Column describes one canonical column.
type Column struct {
	// Name is the canonical snake_case name.
	Name string
	// Type is the canonical Arrow type.
	Type arrow.DataType
	// Sources are the spellings of this column found in published files, in
	// lower case; source names are matched case-insensitively, so
	// "Airport_fee" and "airport_fee" both map to airport_fee.
	Sources []string
	// Doc says what the column holds, after the TLC data dictionaries.
	Doc string
}

// Canonical column types. Identifiers and counts are int32 (they fit, and
// TLC files use INT32, INT64 and DOUBLE for them over the years); money and
// distances are float64; flags and base numbers are strings.
var (
	tInt32  = arrow.PrimitiveTypes.Int32
	tInt64  = arrow.PrimitiveTypes.Int64
	tFloat  = arrow.PrimitiveTypes.Float64
	tString = arrow.BinaryTypes.String
)

func col(name string, typ arrow.DataType, doc string, sources ...string) Column {
	return Column{Name: name, Type: typ, Sources: append([]string{name}, sources...), Doc: doc}
}

var (
	cVendorID     = col("vendor_id", tInt32, "TPEP/LPEP provider: 1 Creative Mobile Technologies, 2 Curb Mobility (VeriFone), 6 Myle, 7 Helix; 2009-2010 codes CMT and VTS map to 1 and 2", "vendorid", "vendor_name")
	cPickup       = col("pickup_datetime", Timestamp, "meter engaged / passenger picked up, NYC wall-clock", "tpep_pickup_datetime", "lpep_pickup_datetime", "trip_pickup_datetime", "pickup_date")
	cDropoff      = col("dropoff_datetime", Timestamp, "meter disengaged / passenger dropped off, NYC wall-clock", "tpep_dropoff_datetime", "lpep_dropoff_datetime", "trip_dropoff_datetime")
	cPassengers   = col("passenger_count", tInt32, "number of passengers, entered by the driver")
	cDistance     = col("trip_distance", tFloat, "trip distance in miles reported by the taximeter")
	cRatecode     = col("ratecode_id", tInt32, "final rate code: 1 standard, 2 JFK, 3 Newark, 4 Nassau/Westchester, 5 negotiated, 6 group ride, 99 unknown", "ratecodeid", "rate_code")
	cStoreFwd     = col("store_and_fwd_flag", tString, "Y when the trip record was held in vehicle memory before sending, N otherwise", "store_and_forward")
	cPULocation   = col("pu_location_id", tInt32, "TLC taxi zone (1-265) where the trip began", "pulocationid", "locationid")
	cDOLocation   = col("do_location_id", tInt32, "TLC taxi zone (1-265) where the trip ended", "dolocationid")
	cPaymentType  = col("payment_type", tInt32, "0 flex fare, 1 credit card, 2 cash, 3 no charge, 4 dispute, 5 unknown, 6 voided trip")
	cFare         = col("fare_amount", tFloat, "time-and-distance fare calculated by the meter, USD", "fare_amt")
	cExtra        = col("extra", tFloat, "miscellaneous extras and surcharges (rush hour, overnight), USD", "surcharge")
	cMTATax       = col("mta_tax", tFloat, "MTA tax triggered by the metered rate, USD")
	cTip          = col("tip_amount", tFloat, "tip; credit-card tips only, cash tips are not recorded, USD", "tip_amt")
	cTolls        = col("tolls_amount", tFloat, "total tolls paid in the trip, USD", "tolls_amt")
	cImprovement  = col("improvement_surcharge", tFloat, "improvement surcharge assessed at flag drop, USD")
	cTotal        = col("total_amount", tFloat, "total charged to passengers, cash tips excluded, USD", "total_amt")
	cCongestion   = col("congestion_surcharge", tFloat, "NYS congestion surcharge, USD")
	cAirportFee   = col("airport_fee", tFloat, "pick-up fee at LaGuardia and JFK airports, USD")
	cCBDFee       = col("cbd_congestion_fee", tFloat, "MTA Congestion Relief Zone toll (from January 2025), USD")
	cEhailFee     = col("ehail_fee", tFloat, "e-hail fee, USD (mostly null)")
	cTripType     = col("trip_type", tInt32, "1 street-hail, 2 dispatch")
	cRequestSrc   = col("request_source", tString, "how the trip was requested (published from 2026)")
	cDispatchBase = col("dispatching_base_num", tString, "TLC base license number of the dispatching base")
	cSRFlag       = col("sr_flag", tInt32, "1 when the trip was part of a shared ride chain, null otherwise")
	cAffiliated   = col("affiliated_base_number", tString, "base number of the base the vehicle is affiliated with")
)

var canonical = map[Kind][]Column{
	Yellow: {cVendorID, cPickup, cDropoff, cPassengers, cDistance, cRatecode, cStoreFwd,
		cPULocation, cDOLocation, cPaymentType, cFare, cExtra, cMTATax, cTip, cTolls,
		cImprovement, cTotal, cCongestion, cAirportFee, cCBDFee, cRequestSrc},
	Green: {cVendorID, cPickup, cDropoff, cStoreFwd, cRatecode, cPULocation, cDOLocation,
		cPassengers, cDistance, cFare, cExtra, cMTATax, cTip, cTolls, cEhailFee,
		cImprovement, cTotal, cPaymentType, cTripType, cCongestion, cCBDFee},
	FHV: {cDispatchBase, cPickup, cDropoff, cPULocation, cDOLocation, cSRFlag, cAffiliated},
	FHVHV: {
		col("hvfhs_license_num", tString, "HVFHS license: HV0002 Juno, HV0003 Uber, HV0004 Via, HV0005 Lyft"),
		cDispatchBase,
		col("originating_base_num", tString, "base number of the base that received the original request"),
		col("request_datetime", Timestamp, "when the passenger requested the ride, NYC wall-clock"),
		col("on_scene_datetime", Timestamp, "when the driver arrived at the pick-up (accessible vehicles only), NYC wall-clock"),
		cPickup, cDropoff, cPULocation, cDOLocation,
		col("trip_miles", tFloat, "total miles for the passenger trip"),
		col("trip_time", tInt64, "total time in seconds for the passenger trip"),
		col("base_passenger_fare", tFloat, "base fare before tolls, tips, taxes and fees, USD"),
		col("tolls", tFloat, "total tolls paid in the trip, USD"),
		col("bcf", tFloat, "Black Car Fund contribution, USD"),
		col("sales_tax", tFloat, "NYS sales tax, USD"),
		cCongestion, cAirportFee,
		col("tips", tFloat, "tips paid by the passenger, USD"),
		col("driver_pay", tFloat, "driver pay, net of commission, surcharges and taxes, USD"),
		col("shared_request_flag", tString, "Y when the passenger agreed to a shared ride"),
		col("shared_match_flag", tString, "Y when the passenger shared the vehicle with another booking"),
		col("access_a_ride_flag", tString, "Y when the trip was administered on behalf of the MTA"),
		col("wav_request_flag", tString, "Y when the passenger requested a wheelchair-accessible vehicle"),
		col("wav_match_flag", tString, "Y when the trip took place in a wheelchair-accessible vehicle"),
		cCBDFee,
	},
}

// Columns returns the canonical columns of kind k, in canonical order. It
// returns nil for an unknown kind. The slice is a copy the caller may keep.
func Columns(k Kind) []Column {
	cols := canonical[k]
	if cols == nil {
		return nil
	}
	return append([]Column(nil), cols...)
}

// ColumnNames returns the canonical column names of kind k.
func ColumnNames(k Kind) []string {
	cols := canonical[k]
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}

// Schema returns the canonical Arrow schema of kind k: every field nullable
// (the TLC marks every column optional), each carrying its documentation
// under the field metadata key "doc". The schema metadata records the kind
// under "tlc.kind".
func Schema(k Kind) (*arrow.Schema, error) {
	cols := canonical[k]
	if cols == nil {
		return nil, fmt.Errorf("tlc: no canonical schema for kind %q", k)
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: true,
			Metadata: arrow.NewMetadata([]string{"doc"}, []string{c.Doc})}
	}
	md := arrow.NewMetadata([]string{"tlc.kind"}, []string{string(k)})
	return arrow.NewSchema(fields, &md), nil
}

// MustSchema is Schema for a kind known to be valid; it panics otherwise.
func MustSchema(k Kind) *arrow.Schema {
	s, err := Schema(k)
	if err != nil {
		panic(err)
	}
	return s
}

// canonicalIndex maps every lower-cased source spelling of kind k to the
// index of its canonical column.
func canonicalIndex(k Kind) map[string]int {
	idx := make(map[string]int)
	for i, c := range canonical[k] {
		for _, s := range c.Sources {
			idx[strings.ToLower(s)] = i
		}
	}
	return idx
}
