package tlc

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// GenerateConfig configures the synthetic trip generator.
type GenerateConfig struct {
	// Kind is the kind of trips to generate.
	Kind Kind
	// Year and Month place the trips: pick-ups fall in that month, and
	// the rate card, fees and shares are those of the time.
	Year, Month int
	// Rows is the number of trips, duplicates included.
	Rows int
	// Seed seeds the generator: the same seed and configuration give the
	// same trips, and the same file byte for byte.
	Seed uint64
	// DefectRate is the share of rows, from 0 to 1, that carry one
	// injected defect (see Defect).
	DefectRate float64
	// Layout names the layout GenerateFile writes, such as "yellow-2011";
	// empty means the layout the TLC used for Year and Month.
	Layout string
	// BatchRows is the number of rows per batch GenerateFile writes; zero
	// means 65,536.
	BatchRows int
}

// Defect is a kind of defect the generator injects, each imitating what
// the real files hold.
type Defect int

// The defects. A defective row carries exactly one of them. All kinds get
// DefectNull, DefectDropoffBeforePickup, DefectLocationOutOfRange,
// DefectDuplicate and DefectOutsideMonth; yellow, green and fhvhv also get
// DefectNegativeFare and DefectZeroDistance; DefectFractionalPassengers only
// yellow and green files (written by GenerateFile) whose passenger count is
// a DOUBLE, and every CSV file.
const (
	// DefectNull: yellow and green: passenger count, rate code,
	// store-and-forward flag, trip type and congestion and airport fees
	// null, payment type 0 (yellow) or null (green), minute-resolution
	// times; fhv: both zones null; fhvhv: trip miles and time null.
	DefectNull Defect = iota
	// DefectNegativeFare: every amount negated (a reversal), payment type
	// 3 or 4; fhvhv: base fare, bcf and sales tax negated.
	DefectNegativeFare
	// DefectZeroDistance: a trip distance (fhvhv: trip miles) of 0 with a
	// normal fare and duration.
	DefectZeroDistance
	// DefectDropoffBeforePickup: the two times swapped.
	DefectDropoffBeforePickup
	// DefectLocationOutOfRange: the pick-up or drop-off zone 0 or 266-300.
	// In the 2009-2010 layouts this shows as 0, 0 coordinates.
	DefectLocationOutOfRange
	// DefectDuplicate: an exact copy of the previous row.
	DefectDuplicate
	// DefectFractionalPassengers: a passenger count such as 1.5.
	DefectFractionalPassengers
	// DefectOutsideMonth: a pick-up before or after the file's month, or
	// on a meter clock's 2002 default date.
	DefectOutsideMonth
	numDefects
)

// String returns the defect's snake_case name, e.g. "negative_fare".
func (d Defect) String() string {
	if d < 0 || d >= numDefects {
		return fmt.Sprintf("Defect(%d)", int(d))
	}
	return [...]string{"null", "negative_fare", "zero_distance", "dropoff_before_pickup",
		"location_out_of_range", "duplicate", "fractional_passengers", "outside_month"}[d]
}

// AllDefects lists every defect in order.
func AllDefects() []Defect {
	ds := make([]Defect, numDefects)
	for i := range ds {
		ds[i] = Defect(i)
	}
	return ds
}

// GenerateStats counts what a generator produced.
type GenerateStats struct {
	// Rows is the number of rows generated.
	Rows int
	// Defects counts the rows of each injected defect.
	Defects map[Defect]int
}

// DefectRows returns the number of rows with a defect.
func (s GenerateStats) DefectRows() int {
	n := 0
	for _, c := range s.Defects {
		n += c
	}
	return n
}

// Generator produces synthetic trips of one kind and month, deterministic
// for a seed. It is not safe for concurrent use.
type Generator struct {
	cfg      GenerateConfig
	month    Month
	rng      *rand.Rand
	zones    *zoneMap
	prof     profile
	days     sampler
	dem      *demand
	rates    rateCard
	bases    []string
	baseW    sampler
	produced int
	stats    GenerateStats
	eligible []Defect
	prev     any // the previous row, for duplicates
	prevFrac bool
	// frac allows DefectFractionalPassengers; batchFrac lists the rows
	// of the last batch that carry it, for the writer hook.
	frac      bool
	batchFrac []int
	batchAt   int // index of the last batch's first row
}

// NewGenerator returns a generator for cfg. It fails for an unknown kind,
// a month before the TLC published the kind, negative rows or a defect
// rate outside [0, 1].
func NewGenerator(cfg GenerateConfig) (*Generator, error) {
	if _, err := LayoutFor(cfg.Kind, cfg.Year, cfg.Month); err != nil {
		return nil, err
	}
	if cfg.Rows < 0 || !(cfg.DefectRate >= 0 && cfg.DefectRate <= 1) {
		return nil, fmt.Errorf("tlc: generate: rows %d and defect rate %g must be >= 0 and in [0, 1]", cfg.Rows, cfg.DefectRate)
	}
	m := Month{cfg.Year, time.Month(cfg.Month)}
	// The stream depends on the kind and month as well as on the seed, so
	// that the months of one seeded series differ.
	kindHash := fnv.New64a()
	kindHash.Write([]byte(cfg.Kind))
	stream := uint64(cfg.Year*100+cfg.Month)<<32 ^ kindHash.Sum64()
	g := &Generator{cfg: cfg, month: m, rng: rand.New(rand.NewPCG(cfg.Seed, stream)),
		zones: newZoneMap(), prof: newProfile(cfg.Kind, m), rates: rates(cfg.Kind, m),
		stats: GenerateStats{Defects: make(map[Defect]int)}}
	g.days = g.prof.daySampler(m)
	g.dem = newDemand(g.zones, g.puWeights(), g.doWeights(), g.prof.decay, g.prof.airPU, g.prof.airDO)
	g.dem.unknownPU, g.dem.outsideDO = g.prof.unknown, g.prof.outside
	if cfg.Kind == FHV {
		g.bases, g.baseW = fhvBases()
	}
	g.setEligible()
	return g, nil
}

func (g *Generator) setEligible() {
	g.eligible = g.eligible[:0]
	for _, d := range AllDefects() {
		switch {
		case d == DefectFractionalPassengers && !g.frac,
			(d == DefectNegativeFare || d == DefectZeroDistance) && g.cfg.Kind == FHV:
			continue
		}
		g.eligible = append(g.eligible, d)
	}
}

// Config returns the generator's configuration.
func (g *Generator) Config() GenerateConfig { return g.cfg }

// Remaining returns the number of rows still to generate.
func (g *Generator) Remaining() int { return g.cfg.Rows - g.produced }

// Stats returns the counts so far; the map is a copy.
func (g *Generator) Stats() GenerateStats {
	s := GenerateStats{Rows: g.stats.Rows, Defects: make(map[Defect]int, len(g.stats.Defects))}
	for d, n := range g.stats.Defects {
		s.Defects[d] = n
	}
	return s
}

// Next returns a canonical record batch of the next min(n, Remaining())
// trips, or nil when none remain. The caller releases the batch.
func (g *Generator) Next(mem memory.Allocator, n int) arrow.RecordBatch {
	n = min(n, g.Remaining())
	if n <= 0 {
		return nil
	}
	g.batchFrac, g.batchAt = g.batchFrac[:0], g.produced
	switch g.cfg.Kind {
	case Yellow:
		return nextBatch[YellowTrip](g, mem, n)
	case Green:
		return nextBatch[GreenTrip](g, mem, n)
	case FHV:
		return nextBatch[FHVTrip](g, mem, n)
	}
	return nextBatch[FHVHVTrip](g, mem, n)
}

func nextBatch[T Trip](g *Generator, mem memory.Allocator, n int) arrow.RecordBatch {
	rows := make([]T, n)
	for i := range rows {
		g.row(&rows[i], i)
	}
	return NewRecordBatch(mem, rows)
}

// AppendTrips appends the next min(n, g.Remaining()) trips to dst as typed
// rows. T must be the row type of the generator's kind.
func AppendTrips[T Trip](g *Generator, dst []T, n int) ([]T, error) {
	if k := KindOf[T](); k != g.cfg.Kind {
		return dst, fmt.Errorf("tlc: generator makes %s trips, not %s", g.cfg.Kind, k)
	}
	n = min(n, g.Remaining())
	g.batchFrac, g.batchAt = g.batchFrac[:0], g.produced
	for i := range n {
		var t T
		g.row(&t, i)
		dst = append(dst, t)
	}
	return dst, nil
}

// row generates the next row into dst, a pointer to the typed row of the
// generator's kind; i is its index in the current batch.
func (g *Generator) row(dst any, i int) {
	g.produced++
	g.stats.Rows++
	d := Defect(-1)
	if g.cfg.DefectRate > 0 && g.rng.Float64() < g.cfg.DefectRate {
		d = g.eligible[g.rng.IntN(len(g.eligible))]
		if d == DefectDuplicate && g.prev == nil {
			d = DefectNull
		}
		g.stats.Defects[d]++
	}
	if d == DefectDuplicate {
		copyRow(dst, g.prev)
		if g.prevFrac {
			g.batchFrac = append(g.batchFrac, i)
		}
		return
	}
	g.prevFrac = d == DefectFractionalPassengers
	if g.prevFrac {
		g.batchFrac = append(g.batchFrac, i)
	}
	switch p := dst.(type) {
	case *YellowTrip, *GreenTrip:
		t := g.taxi()
		if d >= 0 {
			g.taxiDefect(&t, d)
		}
		if d == DefectFractionalPassengers && (!t.pax.Valid || t.pax.V == 0) {
			t.pax = valid(1) // written as 1.5
		}
		if y, ok := p.(*YellowTrip); ok {
			*y = t.yellow()
			g.prev = *y
		} else {
			*p.(*GreenTrip) = t.green()
			g.prev = *p.(*GreenTrip)
		}
	case *FHVTrip:
		*p = g.fhv()
		if d >= 0 {
			g.fhvDefect(p, d)
		}
		g.prev = *p
	case *FHVHVTrip:
		*p = g.fhvhv()
		if d >= 0 {
			g.fhvhvDefect(p, d)
		}
		g.prev = *p
	}
}

func copyRow(dst, src any) {
	switch p := dst.(type) {
	case *YellowTrip:
		*p = src.(YellowTrip)
	case *GreenTrip:
		*p = src.(GreenTrip)
	case *FHVTrip:
		*p = src.(FHVTrip)
	case *FHVHVTrip:
		*p = src.(FHVHVTrip)
	}
}

// GenerateFile writes cfg.Rows synthetic trips to path, as Parquet or CSV
// by the extension, in the layout of cfg.Year and cfg.Month (or
// cfg.Layout), batch by batch. The 2009-2010 yellow layouts get pick-up and
// drop-off coordinates inside the trips' zones. CSV files write the
// passenger count as a number that may be fractional, whatever the layout
// says, because CSV has no physical types. A partial file is removed on
// error.
func GenerateFile(ctx context.Context, cfg GenerateConfig, path string) (GenerateStats, error) {
	g, err := NewGenerator(cfg)
	if err != nil {
		return GenerateStats{}, fmt.Errorf("tlc: generate %s: %w", path, err)
	}
	l, err := generateLayout(cfg)
	if err != nil {
		return GenerateStats{}, fmt.Errorf("tlc: generate %s: %w", path, err)
	}
	csv := strings.EqualFold(filepath.Ext(path), ".csv")
	for i, c := range l.Columns {
		if c.Canonical == "passenger_count" && csv {
			l.Columns[i].Type = PhysDouble
		}
		if c.Canonical == "passenger_count" && l.Columns[i].Type == PhysDouble {
			g.frac = cfg.Kind == Yellow || cfg.Kind == Green
		}
	}
	g.setEligible()
	w, err := CreateFile(ctx, path, l, WriteOptions{Column: g.column})
	if err != nil {
		return GenerateStats{}, err
	}
	batch := cfg.BatchRows
	if batch <= 0 {
		batch = 64 << 10
	}
	for err == nil && g.Remaining() > 0 {
		if err = ctx.Err(); err != nil {
			break
		}
		rec := g.Next(memory.DefaultAllocator, batch)
		err = w.Write(rec)
		rec.Release()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return g.Stats(), fmt.Errorf("tlc: generate %s: %w", path, err)
	}
	return g.Stats(), nil
}

func generateLayout(cfg GenerateConfig) (Layout, error) {
	if cfg.Layout == "" {
		return LayoutFor(cfg.Kind, cfg.Year, cfg.Month)
	}
	l, err := LayoutByName(cfg.Layout)
	if err == nil && l.Kind != cfg.Kind {
		err = errors.New("layout " + l.Name + " is for " + string(l.Kind) + " trips, not " + string(cfg.Kind))
	}
	return l, err
}
