package tlc

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
)

// calibration summarises generated trips the way sample_stats.json
// summarises the real files.
type calibration struct {
	dist, dur, fare, total, speed [3]float64 // quartiles
	hour                          [24]float64
	dow                           [7]float64
	credit, tipped, tipPct        float64
	airPU                         float64
	payment, ratecode             map[int32]float64 // % of trips
	vendor2, congestion           float64           // % of trips
}

func quartiles(v []float64) [3]float64 {
	slices.Sort(v)
	q := func(p float64) float64 { return v[int(p*float64(len(v)-1))] }
	return [3]float64{q(0.25), q(0.5), q(0.75)}
}

func calibrate(t testing.TB, k Kind, year, month, rows int) calibration {
	t.Helper()
	g, err := NewGenerator(GenerateConfig{Kind: k, Year: year, Month: month, Rows: rows, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var c calibration
	var dist, dur, fare, total, speed, tipPct []float64
	var credit, tipped, air int
	c.payment, c.ratecode = map[int32]float64{}, map[int32]float64{}
	add := func(pickup, dropoff float64, hour, dow int, d, f, tot float64, pay int32, tip float64, pu int32) {
		c.payment[pay]++
		m := (dropoff - pickup) / 60e6
		dist, dur, fare, total = append(dist, d), append(dur, m), append(fare, f), append(total, tot)
		if m > 0 && d > 0 {
			speed = append(speed, d/m*60)
		}
		c.hour[hour]++
		c.dow[dow]++
		if pay == 1 {
			credit++
			if tip > 0 {
				tipped++
			}
			tipPct = append(tipPct, tip/f*100)
		}
		if pu == zoneJFK || pu == zoneLGA {
			air++
		}
	}
	switch k {
	case Yellow:
		trips, _ := AppendTrips[YellowTrip](g, nil, rows)
		for _, r := range trips {
			add(float64(WallClockMicros(r.PickupDatetime)), float64(WallClockMicros(r.DropoffDatetime)),
				r.PickupDatetime.Hour(), (int(r.PickupDatetime.Weekday())+6)%7, r.TripDistance,
				r.FareAmount, r.TotalAmount, r.PaymentType.V, r.TipAmount, r.PULocationID.V)
			c.ratecode[r.RatecodeID.V]++
			c.vendor2 += float64(r.VendorID.V - 1)
			if r.CongestionSurcharge > 0 {
				c.congestion++
			}
		}
	case Green:
		trips, _ := AppendTrips[GreenTrip](g, nil, rows)
		for _, r := range trips {
			add(float64(WallClockMicros(r.PickupDatetime)), float64(WallClockMicros(r.DropoffDatetime)),
				r.PickupDatetime.Hour(), (int(r.PickupDatetime.Weekday())+6)%7, r.TripDistance,
				r.FareAmount, r.TotalAmount, r.PaymentType.V, r.TipAmount, r.PULocationID.V)
			c.ratecode[r.RatecodeID.V]++
			c.vendor2 += float64(r.VendorID.V - 1)
			if r.CongestionSurcharge > 0 {
				c.congestion++
			}
		}
	}
	n := float64(len(dist))
	for _, m := range []map[int32]float64{c.payment, c.ratecode} {
		for k := range m {
			m[k] *= 100 / n
		}
	}
	c.vendor2, c.congestion = 100*c.vendor2/n, 100*c.congestion/n
	for i := range c.hour {
		c.hour[i] *= 100 / n
	}
	for i := range c.dow {
		c.dow[i] *= 100 / n
	}
	c.dist, c.dur, c.fare, c.total, c.speed = quartiles(dist), quartiles(dur), quartiles(fare), quartiles(total), quartiles(speed)
	c.credit, c.tipped = 100*float64(credit)/n, 100*float64(tipped)/float64(credit)
	c.tipPct, c.airPU = quartiles(tipPct)[1], 100*float64(air)/n
	return c
}

func (c calibration) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "distance q25/50/75 %.2f %.2f %.2f mi\n", c.dist[0], c.dist[1], c.dist[2])
	fmt.Fprintf(&b, "duration q25/50/75 %.2f %.2f %.2f min\n", c.dur[0], c.dur[1], c.dur[2])
	fmt.Fprintf(&b, "fare     q25/50/75 %.2f %.2f %.2f\n", c.fare[0], c.fare[1], c.fare[2])
	fmt.Fprintf(&b, "total    q25/50/75 %.2f %.2f %.2f\n", c.total[0], c.total[1], c.total[2])
	fmt.Fprintf(&b, "speed    q25/50/75 %.1f %.1f %.1f mph\n", c.speed[0], c.speed[1], c.speed[2])
	fmt.Fprintf(&b, "credit %.1f%%, tipped %.1f%%, median tip %.1f%% of fare, JFK+LGA pick-ups %.2f%%\n", c.credit, c.tipped, c.tipPct, c.airPU)
	fmt.Fprintf(&b, "payment type %%: %s; rate code %%: %s\n", shares(c.payment), shares(c.ratecode))
	fmt.Fprintf(&b, "vendor 2 %.1f%%, congestion surcharge charged %.1f%%\n", c.vendor2, c.congestion)
	fmt.Fprintf(&b, "hour %%: %.2f\n", c.hour)
	fmt.Fprintf(&b, "dow %% (Mon first): %.2f\n", c.dow)
	return b.String()
}

// shares formats a percentage map in key order, as "1: 64.3 2: 34.9".
func shares(m map[int32]float64) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d: %.2f", k, m[k])
	}
	return strings.Join(parts, " ")
}

// TestGenerateCalibration checks the generated median distance and
// duration against the real files (sample_stats.json, committed here so
// that the test needs no data), within 10 %. Run it with -v to print the
// calibration tables of CALIBRATION.md.
func TestGenerateCalibration(t *testing.T) {
	tests := []struct {
		name              string
		kind              Kind
		year, month       int
		distance, minutes float64 // real medians
	}{
		{"yellow 2020-04 (1,000 random trips)", Yellow, 2020, 4, 1.74, 7.64},
		{"yellow 2025-01 (first 10,000 trips)", Yellow, 2025, 1, 1.91, 12.43},
		{"green 2020-04 (all trips)", Green, 2020, 4, 2.41, 11.0},
		{"green 2024-01 (all trips)", Green, 2024, 1, 1.79, 11.4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := calibrate(t, tt.kind, tt.year, tt.month, 100_000)
			t.Logf("%s %d-%02d:\n%s", tt.kind, tt.year, tt.month, c)
			if d := c.dist[1]; math.Abs(d/tt.distance-1) > 0.10 {
				t.Errorf("median distance %.2f mi, real %.2f: off by more than 10%%", d, tt.distance)
			}
			if d := c.dur[1]; math.Abs(d/tt.minutes-1) > 0.10 {
				t.Errorf("median duration %.2f min, real %.2f: off by more than 10%%", d, tt.minutes)
			}
		})
	}
}

// TestGenerateCalibrationForHire checks the high-volume and other for-hire
// trips against the 2020-04 samples (1,000 random trips each): median trip
// miles, trip time, base fare and driver pay (fhvhv) and median duration
// (fhv), within 10 %.
func TestGenerateCalibrationForHire(t *testing.T) {
	const rows = 50_000
	g, err := NewGenerator(GenerateConfig{Kind: FHVHV, Year: 2020, Month: 4, Rows: rows, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	hv, _ := AppendTrips[FHVHVTrip](g, nil, rows)
	var miles, secs, fare, pay, wait []float64
	for _, r := range hv {
		miles, secs = append(miles, r.TripMiles), append(secs, float64(r.TripTime.V))
		fare, pay = append(fare, r.BasePassengerFare), append(pay, r.DriverPay)
		wait = append(wait, r.PickupDatetime.Sub(r.RequestDatetime).Minutes())
	}
	f, _ := NewGenerator(GenerateConfig{Kind: FHV, Year: 2020, Month: 4, Rows: rows, Seed: 1})
	fhv, _ := AppendTrips[FHVTrip](f, nil, rows)
	var minutes []float64
	for _, r := range fhv {
		minutes = append(minutes, r.DropoffDatetime.Sub(r.PickupDatetime).Minutes())
	}
	tests := []struct {
		name string
		q    [3]float64
		real [3]float64
	}{
		{"fhvhv trip_miles", quartiles(miles), [3]float64{1.66, 3.01, 5.82}},
		{"fhvhv trip_time s", quartiles(secs), [3]float64{474, 696, 1008}},
		{"fhvhv base_passenger_fare", quartiles(fare), [3]float64{8.1, 12.55, 19.77}},
		{"fhvhv driver_pay", quartiles(pay), [3]float64{6.32, 10.02, 15.01}},
		{"fhvhv request to pick-up min", quartiles(wait), [3]float64{3.0, 4.3, 6.11}},
		{"fhv duration min", quartiles(minutes), [3]float64{6.19, 11.14, 19.2}},
	}
	for _, tt := range tests {
		t.Logf("%-30s q25/50/75 %7.2f %7.2f %7.2f   real %7.2f %7.2f %7.2f", tt.name, tt.q[0], tt.q[1], tt.q[2], tt.real[0], tt.real[1], tt.real[2])
		if math.Abs(tt.q[1]/tt.real[1]-1) > 0.10 {
			t.Errorf("%s: median %.2f, real %.2f: off by more than 10%%", tt.name, tt.q[1], tt.real[1])
		}
	}
}
