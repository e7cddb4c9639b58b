package tlc

import (
	"math"
	"math/rand/v2"
	"time"
)

// profile holds the demand and behaviour parameters of one kind in one
// month. Shapes marked "calibrated" come from sample_stats.json (real TLC
// files); the others are stated assumptions, documented in CALIBRATION.md.
type profile struct {
	hour     sampler    // pick-up hour of day
	day      [7]float64 // relative demand per calendar day, Monday first
	speed    float64    // era multiplier of the hourly speeds
	decay    float64    // gravity-model distance decay, miles
	airPU    [3]float64 // JFK, LGA, EWR pick-up shares
	airDO    [3]float64 // drop-off shares
	unknown  float64    // share of pick-ups in zone 264
	outside  float64    // share of drop-offs outside NYC (zone 265)
	credit   float64    // share of credit card among card and cash payments
	tipped   float64    // share of credit card trips with a tip
	vendor2  float64    // share of vendor 2 (VeriFone / Curb)
	pax      sampler    // passenger count 0..6
	flatRate float64    // share of negotiated fares (rate code 5)
	dispatch float64    // green: share of dispatched trips (trip type 2)
}

// covid reports whether m falls in the pandemic months whose demand shape
// (no night life, fewer weekend trips) the 2020-04 samples show.
func covid(m Month) bool {
	return !m.Before(Month{2020, 3}) && m.Before(Month{2021, 7})
}

// interpolate reads a piecewise-linear function of the year, given as
// (year, value) pairs in increasing year order, flat outside them.
func interpolate(year float64, pts ...float64) float64 {
	if year <= pts[0] {
		return pts[1]
	}
	for i := 2; i < len(pts); i += 2 {
		if year <= pts[i] {
			f := (year - pts[i-2]) / (pts[i] - pts[i-2])
			return pts[i-1] + f*(pts[i+1]-pts[i-1])
		}
	}
	return pts[len(pts)-1]
}

func newProfile(k Kind, m Month) profile {
	year := float64(m.Year) + float64(m.Month-1)/12
	c := covid(m)
	// Zone 265 drop-offs: 0.3 % of cab trips (rate code 4 is 0.27 % of
	// yellow 2025-01), 2 % of fhv trips (2020-04 sample).
	p := profile{speed: speedEra(m), unknown: 0.005, outside: 0.003}
	switch k {
	case Yellow:
		p.decay = 1.75
		if c {
			// calibrated: yellow 2020-04 (1,000 random trips)
			p.hour = newSampler([]float64{1.5, 0.8, 0.5, 0.3, 0.4, 1.2, 4.0, 6.0, 7.4, 6.4, 4.6, 6.0,
				6.5, 6.0, 8.7, 5.5, 6.9, 6.7, 4.7, 5.3, 4.5, 2.7, 1.5, 1.9})
			p.day = [7]float64{3.6, 3.1, 3.7, 3.48, 4.25, 2.9, 2.2}
			p.airPU, p.airDO = [3]float64{0.006, 0.006, 0}, [3]float64{0.004, 0.003, 0.0005}
		} else {
			// assumed: the usual yellow shape, evening peak and busy
			// Thursday to Saturday nights
			p.hour = newSampler([]float64{2.8, 1.9, 1.3, 0.9, 0.6, 0.6, 1.5, 2.9, 3.9, 4.3, 4.6, 4.9,
				5.3, 5.5, 6.0, 6.3, 6.5, 7.1, 7.3, 6.4, 5.4, 5.3, 5.0, 4.0})
			p.day = [7]float64{0.92, 1.0, 1.05, 1.1, 1.1, 1.02, 0.85}
			p.airPU = [3]float64{interpolate(year, 2019, 0.02, 2023, 0.032), 0.025, 0.0002}
			p.airDO = [3]float64{0.015, 0.02, 0.002}
		}
		p.credit = interpolate(year, 2009, 0.27, 2013, 0.55, 2019, 0.71, 2020, 0.62, 2021, 0.74, 2025, 0.84)
		p.tipped = interpolate(year, 2009, 0.8, 2015, 0.9, 2024, 0.93)
		p.vendor2 = interpolate(year, 2010, 0.5, 2011, 0.55, 2020, 0.57, 2021, 0.7, 2025, 0.8)
		p.pax = newSampler([]float64{0.02, 0.72, 0.15, 0.04, 0.025, 0.025, 0.02})
		p.flatRate = 0.012
	case Green:
		p.decay = 1.4
		if c {
			// calibrated: green 2020-04 (all 35,644 trips)
			p.hour = newSampler([]float64{1.46, 0.66, 0.37, 0.35, 0.74, 1.41, 3.55, 5.65, 7.35, 7.1,
				5.91, 5.64, 5.69, 5.43, 6.04, 7.01, 7.24, 6.63, 5.96, 4.55, 3.59, 2.52, 2.38, 2.78})
			p.day = [7]float64{3.42, 3.45, 3.79, 3.8, 3.8, 2.95, 1.88}
			p.decay = 1.85
			// Green trips were slower than yellow ones in the lockdown
			// (median 14.4 against 15.1 mph, and longer stops).
			p.speed *= 0.85
			p.airPU, p.airDO = [3]float64{0.0001, 0.0001, 0.0001}, [3]float64{0.0007, 0.0013, 0.0001}
		} else {
			// calibrated: green 2024-01 (all 56,551 trips), per calendar day
			p.hour = newSampler([]float64{1.81, 1.35, 0.94, 0.73, 0.59, 0.57, 1.51, 3.99, 4.88, 5.42,
				5.28, 5.43, 5.38, 5.75, 6.38, 7.27, 7.64, 8.09, 7.72, 6.19, 4.57, 3.43, 2.81, 2.25})
			p.day = [7]float64{3.1, 3.37, 3.59, 3.7, 3.6, 2.92, 2.38}
			p.airPU, p.airDO = [3]float64{0.0004, 0.0005, 0.0001}, [3]float64{0.008, 0.0226, 0.0004}
		}
		p.credit = interpolate(year, 2014, 0.4, 2019, 0.5, 2020, 0.51, 2022, 0.62, 2024, 0.69, 2026, 0.73)
		p.tipped = 0.88
		p.vendor2 = interpolate(year, 2020, 0.89, 2024, 0.87)
		p.pax = newSampler([]float64{0.01, 0.84, 0.088, 0.011, 0.004, 0.028, 0.017})
		p.flatRate, p.dispatch = 0.005, 0.032
	default: // FHV, FHVHV; assumed: later evenings and busier weekends
		p.hour = newSampler([]float64{4.0, 2.8, 2.0, 1.6, 1.5, 1.7, 2.5, 3.7, 4.4, 4.2, 4.0, 4.1,
			4.3, 4.5, 4.9, 5.2, 5.5, 6.1, 6.2, 5.8, 5.3, 5.4, 5.4, 4.9})
		p.day = [7]float64{0.85, 0.88, 0.92, 0.98, 1.12, 1.25, 1.05}
		p.decay = 1.9
		// App and livery trips are slower than cabs over the same miles
		// (curbside waits, detours to the rider): 15.6 against 18 mph in
		// the 2020-04 samples.
		p.speed *= 0.85
		p.airPU, p.airDO = [3]float64{0.015, 0.015, 0.001}, [3]float64{0.015, 0.017, 0.002}
		if k == FHV {
			p.unknown = 0.35 // calibrated: most FHV pick-ups are 264 or null (2020-04 sample)
			p.outside = 0.02
			p.airPU = [3]float64{0.005, 0.005, 0.0005}
		}
	}
	return p
}

// speedEra scales the hourly speeds by era: traffic was lighter before
// 2015, and much lighter in the 2020 lockdown (calibrated on the 2020-04
// speed quantiles).
func speedEra(m Month) float64 {
	switch {
	case m.Before(Month{2015, 1}):
		return 1.12
	case m.Before(Month{2020, 3}):
		return 1.05
	case m.Before(Month{2020, 7}):
		return 1.65
	case m.Before(Month{2021, 1}):
		return 1.3
	case m.Before(Month{2022, 1}):
		return 1.15
	}
	return 1
}

// hourSpeed is the typical door-to-door speed, in mph, of a two-mile trip
// starting at each hour of a weekday (2022-2025 traffic).
func hourSpeed(h int) float64 {
	return [24]float64{14.5, 15.5, 16, 17, 18, 17.5, 14, 11, 9.6, 9.3, 9.2, 9.0,
		8.9, 8.9, 8.6, 8.4, 8.5, 8.7, 9.2, 10.3, 11.3, 11.8, 12.3, 13.4}[h]
}

// zoneTraffic is zone z's speed factor: how much faster (above 1) or
// slower traffic around it moves than distance and hour predict: narrow
// streets, bridges, a highway exit. Real zones differ this way, which is
// why duration models gain from knowing the zones and not only the
// distance between them. The factor is a fixed function of the zone id,
// lognormal around 1 (sigma 0.2), so medians stay where CALIBRATION.md
// puts them, and it draws nothing from the trip's random stream.
func zoneTraffic(z int32) float64 {
	h := uint64(z)*0x9e3779b97f4a7c15 + 0x7f4a7c15
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	// The sum of four uniforms, centred and scaled to unit variance.
	var sum float64
	for range 4 {
		sum += float64(h&0xffff) / 0xffff
		h >>= 16
	}
	return math.Exp(0.2 * (sum - 2) * math.Sqrt(3))
}

// pickup draws a pick-up time in month m: a day by the weekday demand,
// an hour by the hour profile, and a uniform second.
func (p *profile) pickup(rng *rand.Rand, m Month, days sampler) time.Time {
	d := days.draw(rng)
	h := p.hour.draw(rng)
	return m.Start().Add(time.Duration(d)*24*time.Hour + time.Duration(h)*time.Hour +
		time.Duration(rng.IntN(3600))*time.Second)
}

// daySampler weights the days of month m by their weekday demand.
func (p *profile) daySampler(m Month) sampler {
	n := m.AddMonths(1).Start().Sub(m.Start()) / (24 * time.Hour)
	w := make([]float64, n)
	for i := range w {
		wd := m.Start().AddDate(0, 0, i).Weekday()
		w[i] = p.day[(int(wd)+6)%7]
	}
	return newSampler(w)
}

// duration returns a trip's duration for its distance, start and zones:
// the hourly speed, faster on weekends and for long (highway) trips, set
// by the traffic of its pick-up and drop-off zones (zoneTraffic), with
// lognormal noise, plus a minute of loading.
func (p *profile) duration(rng *rand.Rand, miles float64, t time.Time, pu, do int32) time.Duration {
	v := hourSpeed(t.Hour()) * p.speed * zoneTraffic(pu) * zoneTraffic(do)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		v *= 1.12
	}
	v *= min(2.3, max(0.55, math.Pow(miles/2, 0.3)))
	v *= math.Exp(0.25 * rng.NormFloat64())
	minutes := miles/v*60 + 0.5 + rng.Float64()
	return time.Duration(minutes * float64(time.Minute)).Round(time.Second)
}
