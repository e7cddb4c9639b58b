package medallion

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/quality"
	"github.com/magnumopus/opus/tlc"
)

// ColServiceType is the silver column naming the trip's service, "yellow"
// or "green": the conformed silver table holds both.
const ColServiceType = "service_type"

// The derived silver columns, computed from the canonical ones.
const (
	// ColDuration is dropoff minus pickup in seconds (float64).
	ColDuration = "duration_seconds"
	// ColSpeed is trip_distance over the duration in miles per hour
	// (float64), null when the duration is not positive or the distance
	// is null.
	ColSpeed = "avg_speed_mph"
	// ColPickupDate is the pickup's calendar date (date32, NYC wall clock as
	// recorded).
	ColPickupDate = "pickup_date"
	// ColPickupHour is the pickup's hour of the day, 0-23 (int32).
	ColPickupHour = "pickup_hour"
	// ColPickupDayOfWeek is the pickup's ISO day of the week, 1 Monday to
	// 7 Sunday (int32).
	ColPickupDayOfWeek = "pickup_day_of_week"
	// ColPickupAirport is true when the trip began at an airport zone
	// (AirportZones).
	ColPickupAirport = "pickup_airport"
	// ColDropoffAirport is true when the trip ended at an airport zone.
	ColDropoffAirport = "dropoff_airport"
)

// AirportZones are the taxi zones of the three airports: 1 Newark (EWR),
// 132 JFK and 138 LaGuardia.
var AirportZones = [...]int32{1, 132, 138}

// SilverKinds are the trip kinds the silver layer conforms.
var SilverKinds = [...]tlc.Kind{tlc.Yellow, tlc.Green}

// lineage are the bronze metadata columns silver and quarantine rows keep,
// so every row can be traced to its file and row.
var lineage = []string{ColSourceFile, ColSourceRow, ColBatchID, ColIngestedAt}

// ConformedSchema returns the columns yellow and green trips share in
// silver: service_type, then the union of the two canonical schemas (the
// yellow order, then green's own columns ehail_fee and trip_type). A
// column a kind lacks is null in its rows.
func ConformedSchema() *arrow.Schema {
	fields := []arrow.Field{{Name: ColServiceType, Type: arrow.BinaryTypes.String, Nullable: true}}
	seen := map[string]bool{}
	for _, k := range SilverKinds {
		sc, err := tlc.Schema(k)
		if err != nil {
			panic(err) // the silver kinds always have schemas
		}
		for _, f := range sc.Fields() {
			if !seen[f.Name] {
				seen[f.Name] = true
				fields = append(fields, f)
			}
		}
	}
	return arrow.NewSchema(fields, nil)
}

// SilverSchema returns the schema of the silver trips table: the conformed
// columns (ConformedSchema), the derived columns (ColDuration, ColSpeed,
// ColPickupDate, ColPickupHour, ColPickupDayOfWeek, ColPickupAirport,
// ColDropoffAirport) and the lineage columns _source_file, _source_row,
// _batch_id and _ingested_at.
func SilverSchema() *arrow.Schema {
	fields := append([]arrow.Field(nil), ConformedSchema().Fields()...)
	fields = append(fields,
		arrow.Field{Name: ColDuration, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		arrow.Field{Name: ColSpeed, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		arrow.Field{Name: ColPickupDate, Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		arrow.Field{Name: ColPickupHour, Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		arrow.Field{Name: ColPickupDayOfWeek, Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		arrow.Field{Name: ColPickupAirport, Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		arrow.Field{Name: ColDropoffAirport, Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	)
	return arrow.NewSchema(append(fields, lineageFields()...), nil)
}

// QuarantineSchema returns the schema of the quarantine table: the
// conformed columns, the lineage columns, the reader's _problems and
// _failed_checks, every check the row failed.
func QuarantineSchema() *arrow.Schema {
	fields := append([]arrow.Field(nil), ConformedSchema().Fields()...)
	fields = append(fields, lineageFields()...)
	fields = append(fields,
		arrow.Field{Name: ColProblems, Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		arrow.Field{Name: ColFailedChecks, Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	)
	return arrow.NewSchema(fields, nil)
}

// ColFailedChecks is the quarantine column listing the checks a row
// failed (list<string>), as quality.Quarantine names them.
const ColFailedChecks = quality.FailedChecksColumn

func lineageFields() []arrow.Field {
	bronze, err := BronzeSchema(tlc.Yellow)
	if err != nil {
		panic(err)
	}
	out := make([]arrow.Field, 0, len(lineage))
	for _, n := range lineage {
		f, _ := bronze.FieldsByName(n)
		out = append(out, f[0])
	}
	return out
}

// project returns the columns of rec named by sc's fields, in sc's order,
// with service type kind; columns rec lacks are all null, except
// service_type. rec's columns must have sc's types.
func project(mem memory.Allocator, sc *arrow.Schema, rec arrow.RecordBatch, kind tlc.Kind) (arrow.RecordBatch, error) {
	n := int(rec.NumRows())
	cols := make([]arrow.Array, sc.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, f := range sc.Fields() {
		if f.Name == ColServiceType {
			b := array.NewStringBuilder(mem)
			b.Reserve(n)
			for range n {
				b.Append(string(kind))
			}
			cols[i] = b.NewArray()
			b.Release()
			continue
		}
		idx := rec.Schema().FieldIndices(f.Name)
		if len(idx) == 0 {
			cols[i] = array.MakeArrayOfNull(mem, f.Type, n)
			continue
		}
		c := rec.Column(idx[0])
		if !arrow.TypeEqual(c.DataType(), f.Type) {
			return nil, fmt.Errorf("column %s is %s, want %s", f.Name, c.DataType(), f.Type)
		}
		c.Retain()
		cols[i] = c
	}
	return array.NewRecordBatch(sc, cols, int64(n)), nil
}

// derived computes the derived silver columns of a conformed batch, in
// SilverSchema's order.
func derived(mem memory.Allocator, rec arrow.RecordBatch) ([]arrow.Array, error) {
	col := func(name string) (arrow.Array, error) {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return nil, fmt.Errorf("no column %s", name)
		}
		return rec.Column(idx[0]), nil
	}
	pa, err := col("pickup_datetime")
	if err != nil {
		return nil, err
	}
	da, err := col("dropoff_datetime")
	if err != nil {
		return nil, err
	}
	dist, err := col("trip_distance")
	if err != nil {
		return nil, err
	}
	pu, err := col("pu_location_id")
	if err != nil {
		return nil, err
	}
	do, err := col("do_location_id")
	if err != nil {
		return nil, err
	}
	pick, drop := pa.(*array.Timestamp), da.(*array.Timestamp)
	unit := pick.DataType().(*arrow.TimestampType).Unit
	perSecond := int64(time.Second / unit.Multiplier())
	perDay := 86400 * perSecond
	distance := dist.(*array.Float64)
	puz, doz := pu.(*array.Int32), do.(*array.Int32)

	n := int(rec.NumRows())
	durB := array.NewFloat64Builder(mem)
	speedB := array.NewFloat64Builder(mem)
	dateB := array.NewDate32Builder(mem)
	hourB := array.NewInt32Builder(mem)
	dowB := array.NewInt32Builder(mem)
	puAir := array.NewBooleanBuilder(mem)
	doAir := array.NewBooleanBuilder(mem)
	builders := []array.Builder{durB, speedB, dateB, hourB, dowB, puAir, doAir}
	defer func() {
		for _, b := range builders {
			b.Release()
		}
	}()
	for _, b := range builders {
		b.Reserve(n)
	}
	for i := range n {
		if pick.IsNull(i) {
			dateB.AppendNull()
			hourB.AppendNull()
			dowB.AppendNull()
		} else {
			t := int64(pick.Value(i))
			days := floorDiv(t, perDay)
			dateB.Append(arrow.Date32(days))
			hourB.Append(int32((t - days*perDay) / (3600 * perSecond)))
			dowB.Append(int32(floorMod(days+3, 7) + 1)) // 1970-01-01 was a Thursday
		}
		if pick.IsNull(i) || drop.IsNull(i) {
			durB.AppendNull()
			speedB.AppendNull()
		} else {
			secs := float64(int64(drop.Value(i))-int64(pick.Value(i))) / float64(perSecond)
			durB.Append(secs)
			if secs > 0 && distance.IsValid(i) {
				speedB.Append(distance.Value(i) / (secs / 3600))
			} else {
				speedB.AppendNull()
			}
		}
		appendAirport(puAir, puz, i)
		appendAirport(doAir, doz, i)
	}
	out := make([]arrow.Array, len(builders))
	for i, b := range builders {
		out[i] = b.NewArray()
	}
	return out, nil
}

func appendAirport(b *array.BooleanBuilder, zones *array.Int32, i int) {
	if zones.IsNull(i) {
		b.AppendNull()
		return
	}
	z := zones.Value(i)
	b.Append(z == AirportZones[0] || z == AirportZones[1] || z == AirportZones[2])
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
