package tlc

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// PhysicalType is the physical (and logical) Parquet type of one column of a
// published TLC file. CSV output writes the same values as text.
type PhysicalType int

// The physical types found in TLC files over the years. As in the files
// written by pyarrow, integers carry no logical type annotation (readers
// take a bare INT32/INT64 as signed) and every column is optional.
const (
	PhysInt32           PhysicalType = iota + 1 // INT32, no logical type
	PhysInt64                                   // INT64, no logical type
	PhysDouble                                  // DOUBLE, no logical type
	PhysString                                  // BYTE_ARRAY, logical STRING
	PhysTimestampMicros                         // INT64, TIMESTAMP(MICROS, isAdjustedToUTC=false)
	PhysTimestampNanos                          // INT64, TIMESTAMP(NANOS, isAdjustedToUTC=false)
	PhysTimestampString                         // BYTE_ARRAY STRING "2009-01-04 02:52:00"
	PhysNull                                    // INT32 with logical type NULL: a column that is entirely null
)

// String returns the Parquet spelling of t, e.g. "TIMESTAMP(MICROS)".
func (t PhysicalType) String() string {
	if t < PhysInt32 || t > PhysNull {
		return fmt.Sprintf("PhysicalType(%d)", int(t))
	}
	return [...]string{"INT32", "INT64", "DOUBLE", "STRING", "TIMESTAMP(MICROS)",
		"TIMESTAMP(NANOS)", "STRING(timestamp)", "NULL"}[t-PhysInt32]
}

// ArrowType returns the Arrow type that holds the values of a column of
// type t (and that pqarrow reads it as): a timestamp without time zone for
// the TIMESTAMP types, a string for STRING(timestamp) and arrow.Null for
// NULL.
func (t PhysicalType) ArrowType() arrow.DataType {
	switch t {
	case PhysInt32:
		return arrow.PrimitiveTypes.Int32
	case PhysInt64:
		return arrow.PrimitiveTypes.Int64
	case PhysDouble:
		return arrow.PrimitiveTypes.Float64
	case PhysString, PhysTimestampString:
		return arrow.BinaryTypes.String
	case PhysTimestampMicros:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case PhysTimestampNanos:
		return &arrow.TimestampType{Unit: arrow.Nanosecond}
	case PhysNull:
		return arrow.Null
	}
	return nil
}

// PhysicalColumn is one column of a published file, in file order.
type PhysicalColumn struct {
	// Name is the column name exactly as spelled in the file.
	Name string
	// Type is the column's physical type.
	Type PhysicalType
	// Canonical is the canonical column the reader maps it to, or "" for
	// an extra that has no canonical counterpart (Start_Lon, pickup_latitude,
	// __index_level_0__).
	Canonical string
}

// Layout is the physical schema of the files of one kind over a range of
// months: the column names, their order and their types.
type Layout struct {
	Kind Kind
	// Name identifies the layout, e.g. "yellow-2011": the kind and the year
	// of its first month, with a suffix for variants.
	Name string
	// From and To are the first and last months the TLC published in this
	// layout; a zero To means "still current". Variants that the TLC never
	// published (pandas round-trips) have zero From and To.
	From, To Month
	// Columns lists the file's columns in order.
	Columns []PhysicalColumn
	// Source says which parts were verified from a real file and which are
	// assumed.
	Source string
}

// Column returns the column named name (case-sensitive) and whether it exists.
func (l Layout) Column(name string) (PhysicalColumn, bool) {
	for _, c := range l.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return PhysicalColumn{}, false
}

// ColumnNames returns the layout's column names in file order.
func (l Layout) ColumnNames() []string {
	names := make([]string, len(l.Columns))
	for i, c := range l.Columns {
		names[i] = c.Name
	}
	return names
}

// newLayout describes columns compactly as "name:TYPE" strings; the canonical
// column is found through the source spellings of schema.go, so that the
// layouts and the readers cannot disagree on the mapping.
func newLayout(k Kind, from, to Month, name, source string, cols ...string) Layout {
	idx := canonicalIndex(k)
	canon := canonical[k]
	l := Layout{Kind: k, Name: name, From: from, To: to, Source: source}
	for _, c := range cols {
		n, t, _ := strings.Cut(c, ":")
		pc := PhysicalColumn{Name: n, Type: physByCode(t)}
		if i, ok := idx[strings.ToLower(n)]; ok {
			pc.Canonical = canon[i].Name
		}
		l.Columns = append(l.Columns, pc)
	}
	return l
}

func physByCode(code string) PhysicalType {
	switch code {
	case "i32":
		return PhysInt32
	case "i64":
		return PhysInt64
	case "f64":
		return PhysDouble
	case "str":
		return PhysString
	case "us":
		return PhysTimestampMicros
	case "ns":
		return PhysTimestampNanos
	case "ts":
		return PhysTimestampString
	case "null":
		return PhysNull
	}
	return 0
}

// yellowModern lists the 2011-2024 yellow columns, with the types that vary
// passed in: vendor and location ids, passenger count and rate code, payment
// type, and the spelling of the airport fee.
func yellowModern(vendor, pc, rate, loc, pay, airport string, tail ...string) []string {
	cols := []string{"VendorID:" + vendor, "tpep_pickup_datetime:us", "tpep_dropoff_datetime:us",
		"passenger_count:" + pc, "trip_distance:f64", "RatecodeID:" + rate, "store_and_fwd_flag:str",
		"PULocationID:" + loc, "DOLocationID:" + loc, "payment_type:" + pay, "fare_amount:f64",
		"extra:f64", "mta_tax:f64", "tip_amount:f64", "tolls_amount:f64", "improvement_surcharge:f64",
		"total_amount:f64", "congestion_surcharge:f64", airport + ":f64"}
	return append(cols, tail...)
}

func greenCols(vendor, loc, ehail string, tail ...string) []string {
	cols := []string{"VendorID:" + vendor, "lpep_pickup_datetime:us", "lpep_dropoff_datetime:us",
		"store_and_fwd_flag:str", "RatecodeID:f64", "PULocationID:" + loc, "DOLocationID:" + loc,
		"passenger_count:f64", "trip_distance:f64", "fare_amount:f64", "extra:f64", "mta_tax:f64",
		"tip_amount:f64", "tolls_amount:f64", "ehail_fee:" + ehail, "improvement_surcharge:f64",
		"total_amount:f64", "payment_type:f64", "trip_type:f64", "congestion_surcharge:f64"}
	return append(cols, tail...)
}

func fhvhvCols(tail ...string) []string {
	cols := []string{"hvfhs_license_num:str", "dispatching_base_num:str", "originating_base_num:str",
		"request_datetime:us", "on_scene_datetime:us", "pickup_datetime:us", "dropoff_datetime:us",
		"PULocationID:i64", "DOLocationID:i64", "trip_miles:f64", "trip_time:i64",
		"base_passenger_fare:f64", "tolls:f64", "bcf:f64", "sales_tax:f64", "congestion_surcharge:f64",
		"airport_fee:f64", "tips:f64", "driver_pay:f64", "shared_request_flag:str",
		"shared_match_flag:str", "access_a_ride_flag:str", "wav_request_flag:str", "wav_match_flag:str"}
	return append(cols, tail...)
}

// Column names and order come from the footers of every TLC file 2009-01 to
// 2024-05 (tlc_file_metadata_2009-2024.csv) and the TLC data dictionaries for
// later additions. Types marked "verified" were read from a real file's
// footer (parquet_schemas.txt); all others are assumptions, stated in Source.
func allLayouts() []Layout {
	const (
		names  = "column names and order verified from TLC file footers (metadata 2009-01..2024-05); "
		y09str = "yellow 2009/2010 columns as vendor_name/Payment_Type strings, string timestamps, DOUBLE amounts and lat/lon and store_and_forward, INT64 passenger count"
	)
	var zero Month
	yellow2009 := []string{"vendor_name:str", "Trip_Pickup_DateTime:ts", "Trip_Dropoff_DateTime:ts",
		"Passenger_Count:i64", "Trip_Distance:f64", "Start_Lon:f64", "Start_Lat:f64", "Rate_Code:f64",
		"store_and_forward:f64", "End_Lon:f64", "End_Lat:f64", "Payment_Type:str", "Fare_Amt:f64",
		"surcharge:f64", "mta_tax:f64", "Tip_Amt:f64", "Tolls_Amt:f64", "Total_Amt:f64"}
	yellow2010 := []string{"vendor_id:str", "pickup_datetime:ts", "dropoff_datetime:ts",
		"passenger_count:i64", "trip_distance:f64", "pickup_longitude:f64", "pickup_latitude:f64",
		"rate_code:f64", "store_and_fwd_flag:f64", "dropoff_longitude:f64", "dropoff_latitude:f64",
		"payment_type:str", "fare_amount:f64", "surcharge:f64", "mta_tax:f64", "tip_amount:f64",
		"tolls_amount:f64", "total_amount:f64"}
	fhv := func(sr string) []string {
		return []string{"dispatching_base_num:str", "pickup_datetime:us", "dropOff_datetime:us",
			"PUlocationID:f64", "DOlocationID:f64", "SR_Flag:" + sr, "Affiliated_base_number:str"}
	}
	return []Layout{
		newLayout(Yellow, Month{2009, 1}, Month{2009, 12}, "yellow-2009", names+"types assumed: "+y09str, yellow2009...),
		newLayout(Yellow, Month{2010, 1}, Month{2010, 12}, "yellow-2010", names+"types assumed as for 2009",
			yellow2010...),
		// 2010-02 and 2010-03 were converted with the pandas index kept.
		newLayout(Yellow, Month{2010, 2}, Month{2010, 3}, "yellow-2010-index", names+"types assumed; __index_level_0__ INT64 (pandas RangeIndex) assumed",
			append(yellow2010, "__index_level_0__:i64")...),
		newLayout(Yellow, Month{2011, 1}, Month{2023, 1}, "yellow-2011", names+"types assumed: INT64 VendorID/locations/payment_type, DOUBLE passenger_count/RatecodeID (TLC's 2022 re-publication)",
			yellowModern("i64", "f64", "f64", "i64", "i64", "airport_fee")...),
		newLayout(Yellow, Month{2023, 2}, Month{2024, 12}, "yellow-2023", names+"types assumed equal to the verified 2025 file; the Airport_fee spelling switch at 2023-02 is verified",
			yellowModern("i32", "i64", "i64", "i32", "i64", "Airport_fee")...),
		newLayout(Yellow, Month{2025, 1}, Month{2026, 5}, "yellow-2025", "verified from yellow 2025-01 (hardwood head5, pyarrow with the original types)",
			yellowModern("i32", "i64", "i64", "i32", "i64", "Airport_fee", "cbd_congestion_fee:f64")...),
		newLayout(Yellow, Month{2026, 6}, zero, "yellow-2026", "as yellow-2025 plus request_source, assumed STRING",
			yellowModern("i32", "i64", "i64", "i32", "i64", "Airport_fee", "cbd_congestion_fee:f64", "request_source:str")...),
		// Not a TLC layout: what a pandas round-trip makes of yellow 2025
		// (NANOS timestamps, DOUBLE counts); the readers must absorb it.
		{Kind: Yellow, Name: "yellow-2025-pandas", Source: "verified from yellow 2025-01 via pandas (narendar sample)",
			Columns: pandasYellow2025()},

		newLayout(Green, Month{2014, 1}, Month{2022, 12}, "green-2014", names+"types verified from green 2020-04 (INT64 ids, DOUBLE codes, ehail_fee NULL) and 2022-01 (INT64 locations); assumed for the other months",
			greenCols("i64", "i64", "null")...),
		newLayout(Green, Month{2023, 1}, Month{2024, 12}, "green-2023", names+"types verified from green 2024-01 (INT32 ids, DOUBLE ehail_fee); the 2023-01 switch month is assumed",
			greenCols("i32", "i32", "f64")...),
		newLayout(Green, Month{2025, 1}, zero, "green-2025", "as green-2023 plus cbd_congestion_fee DOUBLE, assumed",
			greenCols("i32", "i32", "f64", "cbd_congestion_fee:f64")...),

		newLayout(FHV, Month{2015, 1}, Month{2019, 12}, "fhv-2015", names+"types assumed: STRING bases, MICROS timestamps, DOUBLE location ids and SR_Flag (nullable integers through pandas)",
			fhv("f64")...),
		newLayout(FHV, Month{2020, 1}, zero, "fhv-2020", names+"types assumed as fhv-2015 but INT32 SR_Flag; the switch month is assumed",
			fhv("i32")...),

		newLayout(FHVHV, Month{2019, 2}, Month{2024, 12}, "fhvhv-2019", names+"types assumed: STRING license/bases/flags, MICROS timestamps, INT64 location ids and trip_time, DOUBLE money",
			fhvhvCols()...),
		newLayout(FHVHV, Month{2025, 1}, zero, "fhvhv-2025", "as fhvhv-2019 plus cbd_congestion_fee DOUBLE, assumed",
			fhvhvCols("cbd_congestion_fee:f64")...),
	}
}

func pandasYellow2025() []PhysicalColumn {
	l := newLayout(Yellow, Month{}, Month{}, "", "",
		yellowModern("i32", "f64", "f64", "i32", "i64", "Airport_fee", "cbd_congestion_fee:f64")...)
	for i, c := range l.Columns {
		if c.Type == PhysTimestampMicros {
			l.Columns[i].Type = PhysTimestampNanos
		}
	}
	return l.Columns
}

// Layouts returns every distinct layout, grouped by kind and in
// chronological order, variants after the layout they derive from. The
// result is a fresh copy.
func Layouts() []Layout { return allLayouts() }

// LayoutFor returns the layout of the TLC file of kind k for the given month.
// For months after the last known change it returns the latest layout; it
// fails for months before the TLC published the kind.
func LayoutFor(k Kind, year, month int) (Layout, error) {
	m := Month{Year: year, Month: time.Month(month)}
	if !k.Valid() || !m.Valid() {
		return Layout{}, fmt.Errorf("tlc: no layout for %s %04d-%02d", k, year, month)
	}
	var found *Layout
	all := allLayouts()
	for i := range all {
		l := &all[i]
		if l.Kind != k || l.From == (Month{}) || m.Before(l.From) {
			continue
		}
		if l.To != (Month{}) && l.To.Before(m) {
			continue
		}
		// A narrower range (yellow-2010-index inside yellow-2010) wins.
		if found == nil || found.From.Before(l.From) {
			found = l
		}
	}
	if found == nil {
		return Layout{}, fmt.Errorf("tlc: the TLC published no %s trips for %s", k, m)
	}
	return *found, nil
}

// LayoutByName returns the layout with the given name, such as "yellow-2011".
func LayoutByName(name string) (Layout, error) {
	var names []string
	for _, l := range allLayouts() {
		if l.Name == name {
			return l, nil
		}
		names = append(names, l.Name)
	}
	return Layout{}, fmt.Errorf("tlc: unknown layout %q (known: %s)", name, strings.Join(names, ", "))
}

// parquetSchema returns the Parquet schema of layout l.
func parquetSchema(l Layout) (*schema.GroupNode, error) {
	fields := make(schema.FieldList, len(l.Columns))
	for i, c := range l.Columns {
		var lt schema.LogicalType = schema.NoLogicalType{}
		pt := parquet.Types.Int64
		switch c.Type {
		case PhysInt32:
			pt = parquet.Types.Int32
		case PhysDouble:
			pt = parquet.Types.Double
		case PhysString, PhysTimestampString:
			pt, lt = parquet.Types.ByteArray, schema.StringLogicalType{}
		case PhysTimestampMicros:
			// pyarrow also sets the TIMESTAMP_MICROS converted type.
			lt = schema.NewTimestampLogicalTypeForce(false, schema.TimeUnitMicros)
		case PhysTimestampNanos:
			lt = schema.NewTimestampLogicalType(false, schema.TimeUnitNanos)
		case PhysNull:
			pt, lt = parquet.Types.Int32, schema.NullLogicalType{}
		}
		n, err := schema.NewPrimitiveNodeLogical(c.Name, parquet.Repetitions.Optional, lt, pt, -1, -1)
		if err != nil {
			return nil, err
		}
		fields[i] = n
	}
	return schema.NewGroupNode("schema", parquet.Repetitions.Required, fields, -1)
}

// code returns the string code the 2009 (vendor_name, Payment_Type) and
// 2010 (vendor_id, payment_type) yellow files used for a canonical integer;
// the readers map them back.
func code(column string, v int64) (string, bool) {
	switch {
	case column == "vendor_name" || column == "vendor_id":
		switch v {
		case 1:
			return "CMT", true
		case 2:
			return "VTS", true
		}
	case column == "Payment_Type" && v >= 1 && v <= 4:
		return [...]string{"CREDIT", "CASH", "No Charge", "Dispute"}[v-1], true
	case column == "payment_type" && v >= 1 && v <= 4:
		return [...]string{"CRE", "CAS", "NOC", "DIS"}[v-1], true
	}
	return "", false
}
