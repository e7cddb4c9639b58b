package tlc

import (
	"math"
	"math/rand/v2"
	"time"
)

// rateCard is the TLC taxi rate card in force in one month. Fees that did
// not exist yet are NaN, which the typed rows publish as null.
type rateCard struct {
	initial     float64 // flag drop
	unit        float64 // per 1/5 mile, or per unitSeconds when slow or stopped
	unitSeconds float64
	jfk         float64 // flat fare between Manhattan and JFK (rate code 2)
	jfkRush     float64 // rush-hour surcharge on the JFK flat fare
	newark      float64 // Newark surcharge (rate code 3)
	overnight   float64 // 8 pm to 6 am
	rush        float64 // 4 pm to 8 pm on weekdays
	mta         float64
	improvement float64
	congestion  float64 // trips touching Manhattan south of 96th Street
	airport     float64 // yellow pick-ups at LaGuardia and JFK
	cbd         float64 // MTA congestion relief zone, from 2025-01-05
	toll        float64 // the common bridge and tunnel toll (E-ZPass)
}

// rates returns the rate card of kind k (yellow or green) in month m. The
// 2022-12-19 fare increase is applied from 2023-01, and every other change
// from the first full month it was in force.
func rates(k Kind, m Month) rateCard {
	nan := math.NaN()
	r := rateCard{initial: 3.00, unit: 0.70, unitSeconds: 60, jfk: 70, jfkRush: 5, newark: 20,
		overnight: 1.00, rush: 2.50, mta: 0.50, improvement: 1.00, congestion: 2.50,
		airport: 1.75, cbd: 0.75, toll: 6.94}
	switch {
	case m.Before(Month{2012, 9}):
		r.initial, r.unit, r.unitSeconds, r.jfk, r.jfkRush, r.newark = 2.50, 0.40, 120, 45, 0, 15
		r.overnight, r.rush, r.improvement = 0.50, 1.00, 0
	case m.Before(Month{2023, 1}):
		r.initial, r.unit, r.jfk, r.jfkRush, r.newark = 2.50, 0.50, 52, 4.50, 17.50
		r.overnight, r.rush, r.improvement = 0.50, 1.00, 0.30
		if m.Before(Month{2015, 1}) {
			r.improvement = 0
		}
	}
	if m.Before(Month{2009, 12}) {
		r.mta = 0
	}
	switch {
	case m.Before(Month{2017, 3}):
		r.toll = 5.54
	case m.Before(Month{2019, 4}):
		r.toll = 5.76
	case m.Before(Month{2021, 4}):
		r.toll = 6.12
	case m.Before(Month{2023, 8}):
		r.toll = 6.55
	}
	if k == Green {
		r.congestion = 2.75
	}
	if m.Before(Month{2019, 2}) {
		r.congestion = nan
	}
	switch {
	case m.Before(Month{2022, 1}):
		r.airport = nan
	case m.Before(Month{2023, 1}):
		r.airport = 1.25
	}
	if m.Before(Month{2025, 1}) {
		r.cbd = nan
	}
	return r
}

// meter returns the metered fare of a trip: the flag drop, then one unit
// per fifth of a mile driven above 12 mph and per unitSeconds spent slower.
// The share of the time spent below 12 mph falls with the average speed v
// (0.58 at 9 mph, 0.4 at 15 mph: fitted to the median fares of yellow
// 2020-04 and 2025-01 for their median distance and duration), at a 2.5
// mph crawl.
func (r *rateCard) meter(miles float64, d time.Duration) float64 {
	minutes := d.Minutes()
	if minutes <= 0 || miles <= 0 {
		return r.initial
	}
	v := miles / minutes * 60
	slow := min(0.95, max(0.05, 0.85-0.03*v))
	slowMiles := min(miles, slow*minutes*2.5/60)
	units := math.Floor((miles-slowMiles)/0.2) + math.Floor(slow*minutes*60/r.unitSeconds)
	return cents(r.initial + r.unit*units)
}

// extra returns the overnight or rush-hour surcharge of a pick-up time.
func (r *rateCard) extra(t time.Time) float64 {
	h, wd := t.Hour(), t.Weekday()
	switch {
	case h >= 20 || h < 6:
		return r.overnight
	case h >= 16 && wd != time.Saturday && wd != time.Sunday:
		return r.rush
	}
	return 0
}

// tollFor draws the tolls of a trip: rare for short trips, common for long
// ones (bridges to Queens and Brooklyn), always twice for Newark.
func (r *rateCard) tollFor(rng *rand.Rand, miles float64, do int32) float64 {
	if do == zoneEWR {
		return cents(2 * r.toll)
	}
	p := 0.012
	switch {
	case miles >= 10:
		p = 0.3
	case miles >= 5:
		p = 0.1
	}
	if rng.Float64() >= p {
		return 0
	}
	if rng.Float64() < 0.08 {
		return cents(2 * r.toll)
	}
	return r.toll
}

// tip draws a credit card tip: most riders press one of the 20/25/30 %
// presets, which apply to the fare with its surcharges; the others type an
// amount, typically 10-20 %.
func tip(rng *rand.Rand, base float64, presets float64) float64 {
	u := rng.Float64()
	var pct float64
	switch {
	case u < presets*0.6:
		pct = 0.20
	case u < presets*0.85:
		pct = 0.25
	case u < presets:
		pct = 0.30
	default:
		pct = 0.15 * math.Exp(0.35*rng.NormFloat64())
	}
	return cents(base * pct)
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

// addAll sums the money parts of a trip, skipping nulls (NaN).
func addAll(parts ...float64) float64 {
	s := 0.0
	for _, p := range parts {
		if !math.IsNaN(p) {
			s += p
		}
	}
	return cents(s)
}
