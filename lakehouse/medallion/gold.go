package medallion

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
)

// DefaultGoldNamespace is the namespace of the gold tables when
// GoldOptions.Namespace is empty.
const DefaultGoldNamespace = "gold"

// The gold tables, in namespace DefaultGoldNamespace unless
// GoldOptions.Namespace says otherwise.
const (
	// HourlyZoneTrips counts pickups and dropoffs per hour, zone and
	// service type.
	HourlyZoneTrips = "hourly_zone_trips"
	// DailyRevenue sums trips and money per pickup date, pickup borough,
	// vendor, payment type and service type.
	DailyRevenue = "daily_revenue"
	// TripDurationTraining is the trip-duration model's training table.
	TripDurationTraining = "trip_duration_training"
)

// ColMonth is the column every gold table is partitioned and rebuilt by:
// the first day of the month of the trips' pickup (date32).
const ColMonth = "month"

// Bounds of the trips the training table keeps: a duration model learns
// from trips that were driven, not from meter errors.
const (
	TrainingMinSeconds = 60
	TrainingMaxSeconds = 4 * 3600
	TrainingMaxMiles   = 100
	TrainingMaxMPH     = 80
)

// GoldOptions configure BuildGold.
type GoldOptions struct {
	// Month is the pickup month to rebuild.
	Month tlc.Month
	// SilverNamespace and Namespace name the namespaces read and written;
	// empty means DefaultSilverNamespace and DefaultGoldNamespace.
	SilverNamespace, Namespace string
	// Zones maps pickup zones to boroughs for DailyRevenue; nil leaves the
	// borough null.
	Zones *tlc.Zones
}

// GoldResult describes one BuildGold run.
type GoldResult struct {
	// SilverRows is the number of silver trips of the month read.
	SilverRows int64
	// Rows and Snapshots give each gold table's rows for the month and the
	// snapshot holding them, by table name.
	Rows      map[string]int64
	Snapshots map[string]lakehouse.Snapshot
}

// GoldTable returns the full name of gold table t in namespace ns.
func GoldTable(ns, t string) string { return orDefault(ns, DefaultGoldNamespace) + "." + t }

// BuildGold rebuilds one month of every gold table from silver. Each
// table's rows of the month are replaced in one commit (a filtered
// overwrite of its month partition), so re-running a month is idempotent
// and leaves the other months alone.
func BuildGold(ctx context.Context, w *lakehouse.Warehouse, opts GoldOptions) (GoldResult, error) {
	res := GoldResult{Rows: map[string]int64{}, Snapshots: map[string]lakehouse.Snapshot{}}
	m := opts.Month
	fail := func(err error) (GoldResult, error) {
		return res, fmt.Errorf("medallion: gold build of %s: %w", m, err)
	}
	if m.Year == 0 {
		return fail(fmt.Errorf("no month"))
	}
	silver := SilverTable(opts.SilverNamespace)
	ok, err := w.TableExists(ctx, silver)
	if err != nil {
		return fail(err)
	}
	monthFilter := lakehouse.Eq(ColMonth, iceberg.Date(newGoldAggregates(m, nil).monthDays))
	// The training table streams from the silver scan; the marts are
	// aggregated on the side and written after it.
	var agg *goldAggregates
	defer func() {
		if agg != nil {
			agg.training.Release()
		}
	}()
	training := GoldTable(opts.Namespace, TripDurationTraining)
	if err := ensureTable(ctx, w, training, TrainingSchema(), lakehouse.Identity(ColMonth)); err != nil {
		return fail(err)
	}
	open := func(ctx context.Context) (array.RecordReader, error) {
		if agg != nil {
			agg.training.Release()
		}
		agg = newGoldAggregates(m, opts.Zones)
		gs := &goldStream{agg: agg}
		gs.stream = newStream(TrainingSchema(), func() { // ends the silver scan
			if gs.scan != nil {
				gs.scan.Release()
				gs.scan = nil
			}
		})
		gs.start()
		if ok {
			gs.scan, err = w.Scan(ctx, silver, lakehouse.ScanOptions{
				Filter:  lakehouse.MonthRange("pickup_datetime", m.Year, m.Month),
				Columns: goldInputColumns,
			})
			if err != nil {
				return nil, err
			}
		}
		return gs, nil
	}
	snap, err := w.ReplaceWhereStream(ctx, training, monthFilter, open)
	if err != nil {
		return fail(err)
	}
	res.Rows[training], res.Snapshots[training] = agg.trainingRows, snap
	res.SilverRows = agg.rows
	for _, t := range []struct {
		name  string
		build func(memory.Allocator) arrow.RecordBatch
	}{
		{HourlyZoneTrips, agg.hourlyBatch},
		{DailyRevenue, agg.revenueBatch},
	} {
		rec := t.build(memory.DefaultAllocator)
		name := GoldTable(opts.Namespace, t.name)
		if err := ensureTable(ctx, w, name, rec.Schema(), lakehouse.Identity(ColMonth)); err != nil {
			rec.Release()
			return fail(err)
		}
		var batches []arrow.RecordBatch
		if rec.NumRows() > 0 {
			batches = []arrow.RecordBatch{rec}
		}
		snap, err := w.ReplaceWhere(ctx, name, monthFilter, batches)
		res.Rows[name] = rec.NumRows()
		rec.Release()
		if err != nil {
			return fail(err)
		}
		res.Snapshots[name] = snap
	}
	return res, nil
}

// goldInputColumns are the silver columns the gold tables read.
var goldInputColumns = []string{
	ColServiceType, "vendor_id", "pickup_datetime", "dropoff_datetime", "passenger_count", "trip_distance",
	"ratecode_id", "pu_location_id", "do_location_id", "payment_type", "fare_amount", "tip_amount",
	"tolls_amount", "total_amount", ColDuration, ColSpeed, ColPickupDate, ColPickupHour, ColPickupDayOfWeek,
}

type hourKey struct {
	service string
	hour    int64 // microseconds, hour start
	zone    int32
}

type revenueKey struct {
	service          string
	date             arrow.Date32
	borough          string
	hasBorough       bool
	vendor, payment  int32
	vendorV, paymntV bool
}

// revenue sums a group in hundredths (cents, hundredths of a mile): the
// TLC records amounts to the cent and distances to the hundredth, and
// integer sums do not depend on the order silver's rows are scanned in,
// so a rebuilt month is identical to the bit.
type revenue struct {
	trips, passengers                 int64
	distance, fare, tip, tolls, total int64
}

// goldAggregates accumulates one month of silver into the gold tables.
type goldAggregates struct {
	month     tlc.Month
	monthDays int32
	zones     *tlc.Zones
	rows      int64
	pickups   map[hourKey]int64
	dropoffs  map[hourKey]int64
	revenue   map[revenueKey]*revenue
	training  *array.RecordBuilder
	// trainingRows counts the training rows add returned.
	trainingRows int64
}

func newGoldAggregates(m tlc.Month, zones *tlc.Zones) *goldAggregates {
	first := time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC)
	return &goldAggregates{month: m, monthDays: int32(first.Unix() / 86400), zones: zones,
		pickups: map[hourKey]int64{}, dropoffs: map[hourKey]int64{}, revenue: map[revenueKey]*revenue{},
		training: array.NewRecordBuilder(memory.DefaultAllocator, TrainingSchema())}
}

const microsPerHour = int64(time.Hour / time.Microsecond)

func (g *goldAggregates) add(rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	col := func(name string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(name)[0]) }
	for _, n := range goldInputColumns {
		if len(rec.Schema().FieldIndices(n)) == 0 {
			return nil, fmt.Errorf("silver batch has no column %s", n)
		}
	}
	service := col(ColServiceType).(*array.String)
	vendor := col("vendor_id").(*array.Int32)
	pick := col("pickup_datetime").(*array.Timestamp)
	drop := col("dropoff_datetime").(*array.Timestamp)
	pass := col("passenger_count").(*array.Int32)
	dist := col("trip_distance").(*array.Float64)
	rate := col("ratecode_id").(*array.Int32)
	pu := col("pu_location_id").(*array.Int32)
	do := col("do_location_id").(*array.Int32)
	pay := col("payment_type").(*array.Int32)
	fare := col("fare_amount").(*array.Float64)
	tip := col("tip_amount").(*array.Float64)
	tolls := col("tolls_amount").(*array.Float64)
	total := col("total_amount").(*array.Float64)
	dur := col(ColDuration).(*array.Float64)
	speed := col(ColSpeed).(*array.Float64)
	date := col(ColPickupDate).(*array.Date32)
	hour := col(ColPickupHour).(*array.Int32)
	dow := col(ColPickupDayOfWeek).(*array.Int32)
	tb := g.training
	for i := range int(rec.NumRows()) {
		g.rows++
		st := service.Value(i)
		// Silver's month filter guarantees the pickup time; zones and the
		// dropoff time may be null under a custom quality gate, and such a
		// trip is left out of the counts it cannot be placed in.
		if pu.IsValid(i) {
			g.pickups[hourKey{st, floorDiv(int64(pick.Value(i)), microsPerHour) * microsPerHour, pu.Value(i)}]++
		}
		if do.IsValid(i) && drop.IsValid(i) {
			g.dropoffs[hourKey{st, floorDiv(int64(drop.Value(i)), microsPerHour) * microsPerHour, do.Value(i)}]++
		}

		k := revenueKey{service: st, date: date.Value(i), vendorV: vendor.IsValid(i), paymntV: pay.IsValid(i)}
		if k.vendorV { // a null slot's value is undefined: it must not split the group
			k.vendor = vendor.Value(i)
		}
		if k.paymntV {
			k.payment = pay.Value(i)
		}
		if g.zones != nil && pu.IsValid(i) {
			if z, ok := g.zones.Lookup(pu.Value(i)); ok {
				k.borough, k.hasBorough = z.Borough, true
			}
		}
		r := g.revenue[k]
		if r == nil {
			r = &revenue{}
			g.revenue[k] = r
		}
		r.trips++
		if pass.IsValid(i) {
			r.passengers += int64(pass.Value(i))
		}
		addValid(&r.distance, dist, i)
		addValid(&r.fare, fare, i)
		addValid(&r.tip, tip, i)
		addValid(&r.tolls, tolls, i)
		addValid(&r.total, total, i)

		secs := dur.Value(i)
		if dur.IsNull(i) || pu.IsNull(i) || do.IsNull(i) || secs < TrainingMinSeconds || secs > TrainingMaxSeconds || dist.IsNull(i) || dist.Value(i) <= 0 ||
			dist.Value(i) > TrainingMaxMiles || speed.IsNull(i) || speed.Value(i) > TrainingMaxMPH {
			continue
		}
		d := dow.Value(i)
		tb.Field(0).(*array.Date32Builder).Append(arrow.Date32(g.monthDays))
		tb.Field(1).(*array.StringBuilder).Append(st)
		tb.Field(2).(*array.TimestampBuilder).Append(pick.Value(i))
		tb.Field(3).(*array.Int32Builder).Append(hour.Value(i))
		tb.Field(4).(*array.Int32Builder).Append(d)
		tb.Field(5).(*array.Int32Builder).Append(int32(g.month.Month))
		tb.Field(6).(*array.BooleanBuilder).Append(d >= 6)
		tb.Field(7).(*array.Int32Builder).Append(pu.Value(i))
		tb.Field(8).(*array.Int32Builder).Append(do.Value(i))
		tb.Field(9).(*array.Float64Builder).Append(dist.Value(i))
		appendInt32(tb.Field(10).(*array.Int32Builder), pass, i)
		appendInt32(tb.Field(11).(*array.Int32Builder), vendor, i)
		appendInt32(tb.Field(12).(*array.Int32Builder), rate, i)
		tb.Field(13).(*array.Float64Builder).Append(secs)
	}
	out := tb.NewRecordBatch()
	g.trainingRows += out.NumRows()
	return out, nil
}

// addValid adds a's value at i, in hundredths, to sum unless it is null.
func addValid(sum *int64, a *array.Float64, i int) {
	if a.IsValid(i) {
		*sum += int64(math.Round(a.Value(i) * 100))
	}
}

// appendInt32 appends a's value at i to b, null when it is null.
func appendInt32(b *array.Int32Builder, a *array.Int32, i int) {
	if a.IsNull(i) {
		b.AppendNull()
	} else {
		b.Append(a.Value(i))
	}
}

// HourlySchema returns the schema of HourlyZoneTrips: month, service_type,
// hour (the hour's start, timestamp), zone_id, pickups and dropoffs. A
// month's rows count the trips picked up in that month; their dropoffs may
// fall in the next month's first hours.
func HourlySchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: ColMonth, Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: ColServiceType, Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "hour", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "zone_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "pickups", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "dropoffs", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
}

func (g *goldAggregates) hourlyBatch(mem memory.Allocator) arrow.RecordBatch {
	keys := map[hourKey]struct{}{}
	for k := range g.pickups {
		keys[k] = struct{}{}
	}
	for k := range g.dropoffs {
		keys[k] = struct{}{}
	}
	sorted := make([]hourKey, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.SortFunc(sorted, func(a, b hourKey) int {
		if a.hour != b.hour {
			return cmp.Compare(a.hour, b.hour)
		}
		if a.zone != b.zone {
			return cmp.Compare(int64(a.zone), int64(b.zone))
		}
		return cmp.Compare(a.service, b.service)
	})
	b := array.NewRecordBuilder(mem, HourlySchema())
	defer b.Release()
	for _, k := range sorted {
		b.Field(0).(*array.Date32Builder).Append(arrow.Date32(g.monthDays))
		b.Field(1).(*array.StringBuilder).Append(k.service)
		b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(k.hour))
		b.Field(3).(*array.Int32Builder).Append(k.zone)
		b.Field(4).(*array.Int64Builder).Append(g.pickups[k])
		b.Field(5).(*array.Int64Builder).Append(g.dropoffs[k])
	}
	return b.NewRecordBatch()
}

// RevenueSchema returns the schema of DailyRevenue: month, pickup_date,
// borough (of the pickup zone; null without a zone lookup), vendor_id,
// payment_type, service_type, then trips, passengers and the sums of
// trip_distance, fare_amount, tip_amount, tolls_amount and total_amount
// (null values are left out of the sums: passengers sums the known
// passenger counts, so divide it by trips only where counts are complete;
// money and distance are summed exactly in hundredths).
func RevenueSchema() *arrow.Schema {
	f64, i64, i32, str := arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int32, arrow.BinaryTypes.String
	return arrow.NewSchema([]arrow.Field{
		{Name: ColMonth, Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: ColPickupDate, Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "borough", Type: str, Nullable: true},
		{Name: "vendor_id", Type: i32, Nullable: true},
		{Name: "payment_type", Type: i32, Nullable: true},
		{Name: ColServiceType, Type: str, Nullable: true},
		{Name: "trips", Type: i64, Nullable: true},
		{Name: "passengers", Type: i64, Nullable: true},
		{Name: "distance_miles", Type: f64, Nullable: true},
		{Name: "fare_amount", Type: f64, Nullable: true},
		{Name: "tip_amount", Type: f64, Nullable: true},
		{Name: "tolls_amount", Type: f64, Nullable: true},
		{Name: "total_amount", Type: f64, Nullable: true},
	}, nil)
}

func (g *goldAggregates) revenueBatch(mem memory.Allocator) arrow.RecordBatch {
	keys := make([]revenueKey, 0, len(g.revenue))
	for k := range g.revenue {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b revenueKey) int {
		switch {
		case a.date != b.date:
			return cmp.Compare(int64(a.date), int64(b.date))
		case a.borough != b.borough:
			return cmp.Compare(a.borough, b.borough)
		case a.vendor != b.vendor || a.vendorV != b.vendorV:
			return cmp.Compare(nullable(a.vendor, a.vendorV), nullable(b.vendor, b.vendorV))
		case a.payment != b.payment || a.paymntV != b.paymntV:
			return cmp.Compare(nullable(a.payment, a.paymntV), nullable(b.payment, b.paymntV))
		}
		return cmp.Compare(a.service, b.service)
	})
	b := array.NewRecordBuilder(mem, RevenueSchema())
	defer b.Release()
	opt := func(fb array.Builder, v int32, ok bool) {
		if ok {
			fb.(*array.Int32Builder).Append(v)
		} else {
			fb.AppendNull()
		}
	}
	for _, k := range keys {
		r := g.revenue[k]
		b.Field(0).(*array.Date32Builder).Append(arrow.Date32(g.monthDays))
		b.Field(1).(*array.Date32Builder).Append(k.date)
		if k.hasBorough {
			b.Field(2).(*array.StringBuilder).Append(k.borough)
		} else {
			b.Field(2).AppendNull()
		}
		opt(b.Field(3), k.vendor, k.vendorV)
		opt(b.Field(4), k.payment, k.paymntV)
		b.Field(5).(*array.StringBuilder).Append(k.service)
		b.Field(6).(*array.Int64Builder).Append(r.trips)
		b.Field(7).(*array.Int64Builder).Append(r.passengers)
		for j, v := range []int64{r.distance, r.fare, r.tip, r.tolls, r.total} {
			b.Field(8 + j).(*array.Float64Builder).Append(float64(v) / 100)
		}
	}
	return b.NewRecordBatch()
}

// TrainingSchema returns the schema of TripDurationTraining: month,
// service_type, pickup_datetime, the features pickup_hour,
// pickup_day_of_week, pickup_month, is_weekend, pu_location_id,
// do_location_id, trip_distance, passenger_count, vendor_id and
// ratecode_id, and the target duration_seconds. It keeps the silver trips
// with both zones, of TrainingMinSeconds to TrainingMaxSeconds, more than
// 0 and at most TrainingMaxMiles, at no more than TrainingMaxMPH, in
// silver's order.
func TrainingSchema() *arrow.Schema {
	i32 := arrow.PrimitiveTypes.Int32
	return arrow.NewSchema([]arrow.Field{
		{Name: ColMonth, Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: ColServiceType, Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "pickup_datetime", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: ColPickupHour, Type: i32, Nullable: true},
		{Name: ColPickupDayOfWeek, Type: i32, Nullable: true},
		{Name: "pickup_month", Type: i32, Nullable: true},
		{Name: "is_weekend", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "pu_location_id", Type: i32, Nullable: true},
		{Name: "do_location_id", Type: i32, Nullable: true},
		{Name: "trip_distance", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "passenger_count", Type: i32, Nullable: true},
		{Name: "vendor_id", Type: i32, Nullable: true},
		{Name: "ratecode_id", Type: i32, Nullable: true},
		{Name: ColDuration, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
}

// goldStream is the training table's rows of a silver scan, aggregating
// the marts on the side.
type goldStream struct {
	stream
	agg  *goldAggregates
	scan array.RecordReader // nil when silver does not exist
}

// Next aggregates silver batches until one yields training rows.
func (s *goldStream) Next() bool {
	s.advance()
	for s.err == nil && s.scan != nil && s.scan.Next() {
		out, err := s.agg.add(s.scan.RecordBatch())
		if err != nil {
			s.err = err
			return false
		}
		if out.NumRows() > 0 {
			s.cur = out
			return true
		}
		out.Release()
	}
	if s.err == nil && s.scan != nil {
		s.err = s.scan.Err()
	}
	return false
}

func nullable(v int32, ok bool) int64 {
	if !ok {
		return -1 << 40
	}
	return int64(v)
}
