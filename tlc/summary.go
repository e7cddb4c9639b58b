package tlc

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// TimeLayout is how Opus prints canonical timestamps: the TLC's own CSV
// spelling of a naive wall-clock reading.
const TimeLayout = "2006-01-02 15:04:05"

// Summary profiles one file: what inspect prints and what the pipeline
// reports for each month it reads.
type Summary struct {
	File          string           `json:"file"`
	Kind          Kind             `json:"kind"`
	Rows          int64            `json:"rows"`
	Columns       []string         `json:"columns"`        // canonical names
	SourceColumns []string         `json:"source_columns"` // as found in the file
	Problems      int64            `json:"problems"`
	MinPickup     string           `json:"min_pickup"` // TimeLayout, "" when no pickup time
	MaxPickup     string           `json:"max_pickup"`
	Missing       []string         `json:"missing_columns"` // canonical columns absent from the file
	Extra         []string         `json:"extra_columns"`   // source columns with no canonical home
	ProblemsBy    map[string]int64 `json:"problems_by_column,omitempty"`
	NullCounts    map[string]int64 `json:"null_counts"`
	// Stats has distribution figures for the measures (amounts, distances,
	// counts; not identifiers or codes) and for the derived trip duration in
	// minutes ("duration_min").
	Stats []ColumnStats `json:"stats,omitempty"`
}

// ColumnStats are the distribution figures of one numeric column. The
// quantiles come from a seeded uniform reservoir sample of SampleSize values,
// so they are estimates on large files and exact on small ones.
type ColumnStats struct {
	Column string  `json:"column"`
	Count  int64   `json:"count"` // non-null values
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	P05    float64 `json:"p05"`
	P25    float64 `json:"p25"`
	P50    float64 `json:"p50"`
	P75    float64 `json:"p75"`
	P95    float64 `json:"p95"`
}

// SampleSize is the reservoir size behind ColumnStats quantiles.
const SampleSize = 100_000

// Inspect reads a whole file and summarizes it, with statistics for the
// numeric columns. Memory stays bounded by the batch size and the reservoirs.
func Inspect(ctx context.Context, path string, opts ReadOptions) (Summary, error) {
	r, err := Open(ctx, path, opts)
	if err != nil {
		return Summary{}, err
	}
	defer r.Close()
	return Summarize(r)
}

// Summarize consumes the rest of r and summarizes what it read. Call it on a
// fresh reader: Problems counts every problem the reader has met, rows read
// by earlier calls to Next included, while Rows and the figures cover only
// the rows Summarize itself read.
func Summarize(r *Reader) (Summary, error) {
	s := Summary{File: r.Name(), Kind: r.Kind(), Columns: ColumnNames(r.Kind()),
		SourceColumns: r.SourceColumns(), Missing: r.Missing(), Extra: r.Extra(),
		NullCounts: map[string]int64{}}
	// Empty lists print as [] in JSON, not null.
	s.Missing = append(make([]string, 0, len(s.Missing)), s.Missing...)
	s.Extra = append(make([]string, 0, len(s.Extra)), s.Extra...)
	cols := canonical[r.Kind()]
	acc := make([]*accumulator, len(cols))
	for i, c := range cols {
		if isMeasure(c) {
			acc[i] = newAccumulator(c.Name, uint64(i))
		}
	}
	duration := newAccumulator("duration_min", 1000)
	pick := slices.Index(ColumnNames(r.Kind()), "pickup_datetime")
	drop := slices.Index(ColumnNames(r.Kind()), "dropoff_datetime")
	minPU, maxPU := int64(math.MaxInt64), int64(math.MinInt64)
	for r.Next() {
		rec := r.RecordBatch()
		s.Rows += rec.NumRows()
		for i, c := range cols {
			col := rec.Column(i)
			s.NullCounts[c.Name] += int64(col.NullN())
			if acc[i] != nil {
				acc[i].addArray(col)
			}
		}
		pu := rec.Column(pick).(*array.Timestamp)
		do := rec.Column(drop).(*array.Timestamp)
		for j := 0; j < pu.Len(); j++ {
			if pu.IsNull(j) {
				continue
			}
			v := int64(pu.Value(j))
			minPU, maxPU = min(minPU, v), max(maxPU, v)
			if do.IsValid(j) {
				duration.add(float64(int64(do.Value(j))-v) / 60e6)
			}
		}
	}
	if err := r.Err(); err != nil {
		return s, err
	}
	s.Problems = r.ProblemCount()
	if s.Problems > 0 {
		s.ProblemsBy = r.ProblemCounts()
	}
	if minPU <= maxPU {
		s.MinPickup = arrow.Timestamp(minPU).ToTime(arrow.Microsecond).UTC().Format(TimeLayout)
		s.MaxPickup = arrow.Timestamp(maxPU).ToTime(arrow.Microsecond).UTC().Format(TimeLayout)
	}
	for _, a := range append(acc, duration) {
		if a != nil && a.count > 0 {
			s.Stats = append(s.Stats, a.stats())
		}
	}
	return s, nil
}

// isMeasure tells the columns whose distribution means something: amounts,
// distances, durations and counts, not identifiers or codes.
func isMeasure(c Column) bool {
	return c.Type.ID() == arrow.FLOAT64 || c.Name == "passenger_count" || c.Name == "trip_time"
}

// accumulator keeps exact moments and a reservoir sample of one column.
type accumulator struct {
	name     string
	count    int64
	min, max float64
	sum      float64
	sample   []float64
	rng      *rand.Rand
}

func newAccumulator(name string, seed uint64) *accumulator {
	return &accumulator{name: name, min: math.Inf(1), max: math.Inf(-1),
		rng: rand.New(rand.NewPCG(seed, 0x7a11))}
}

func (a *accumulator) addArray(col arrow.Array) {
	get, _, ok := numericValues(col)
	if !ok {
		return
	}
	for j := 0; j < col.Len(); j++ {
		if col.IsValid(j) {
			a.add(get(j))
		}
	}
}

func (a *accumulator) add(v float64) {
	if math.IsNaN(v) {
		return
	}
	a.count++
	a.sum += v
	a.min, a.max = min(a.min, v), max(a.max, v)
	if len(a.sample) < SampleSize {
		a.sample = append(a.sample, v)
	} else if k := a.rng.Int64N(a.count); k < SampleSize {
		a.sample[k] = v
	}
}

func (a *accumulator) stats() ColumnStats {
	slices.Sort(a.sample)
	q := func(p float64) float64 { return quantile(a.sample, p) }
	return ColumnStats{Column: a.name, Count: a.count, Min: a.min, Max: a.max,
		Mean: a.sum / float64(a.count), P05: q(0.05), P25: q(0.25), P50: q(0.5), P75: q(0.75), P95: q(0.95)}
}

// quantile interpolates linearly between order statistics of sorted data
// (the default of numpy and pandas, so figures compare directly).
func quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := p * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}
