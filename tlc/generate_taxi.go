package tlc

import (
	"database/sql"
	"math"
	"time"
)

// taxiTrip is one yellow or green trip before it takes its kind's row type,
// so that both kinds share the synthesis and the defects.
type taxiTrip struct {
	vendor, pax, ratecode, payment, tripType sql.Null[int32]
	pickup, dropoff                          time.Time
	dist                                     float64
	storeFwd                                 string
	pu, do                                   int32
	fare, extra, mta, tip, tolls             float64
	improvement, congestion, airport, cbd    float64
	total                                    float64
}

func valid(v int32) sql.Null[int32] { return sql.Null[int32]{V: v, Valid: true} }

// taxi synthesises one clean yellow or green trip.
func (g *Generator) taxi() taxiTrip {
	rng, p, r, z := g.rng, &g.prof, &g.rates, g.zones
	var t taxiTrip
	t.pickup = p.pickup(rng, g.month, g.days)
	t.pu, t.do = g.dem.trip(rng)
	t.dist = z.distance(rng, t.pu, t.do)
	t.dropoff = t.pickup.Add(p.duration(rng, t.dist, t.pickup, t.pu, t.do))
	vendor := int32(1)
	if rng.Float64() < p.vendor2 {
		vendor = 2
	}
	t.vendor = valid(vendor)
	// Vendor 1 meters report tenths of a mile, vendor 2 hundredths.
	if vendor == 1 {
		t.dist = max(0.1, math.Round(t.dist*10)/10)
	} else {
		t.dist = max(0.01, cents(t.dist))
	}
	t.pax = valid(int32(p.pax.draw(rng)))
	t.storeFwd = "N"
	if vendor == 1 && rng.Float64() < 0.01 {
		t.storeFwd = "Y"
	}
	if g.cfg.Kind == Green {
		t.tripType = valid(1)
		if rng.Float64() < p.dispatch {
			t.tripType = valid(2)
		}
	}

	manhattan := func(id int32) bool { return z.has(id, inManhattan) }
	rc := int32(1)
	switch {
	case t.pu == zoneJFK && manhattan(t.do), manhattan(t.pu) && t.do == zoneJFK:
		rc = 2
	case t.do == zoneEWR:
		rc = 3
	case t.do == zoneOutside:
		rc = 4
	case t.tripType.V == 2 && rng.Float64() < 0.8, rng.Float64() < p.flatRate:
		rc = 5
	case rng.Float64() < 0.0005:
		rc = 99
	}
	t.ratecode = valid(rc)
	d := t.dropoff.Sub(t.pickup)
	switch rc {
	case 2:
		t.fare = r.jfk
		if r.extra(t.pickup) == r.rush && r.rush != r.overnight {
			t.extra = r.jfkRush
		}
	case 3:
		t.fare, t.extra = cents(r.meter(t.dist, d)+r.newark), r.extra(t.pickup)
	case 4:
		// Beyond the city limit the meter runs at twice the rate.
		t.fare, t.extra = cents(r.meter(t.dist, d)*1.7), r.extra(t.pickup)
	case 5:
		t.fare = max(10, math.Round(r.meter(t.dist, d)*(0.8+0.5*rng.Float64())))
	default:
		t.fare, t.extra = r.meter(t.dist, d), r.extra(t.pickup)
	}
	t.mta, t.improvement, t.tolls = r.mta, r.improvement, r.tollFor(rng, t.dist, t.do)
	t.congestion, t.airport, t.cbd = r.congestion, math.NaN(), r.cbd
	if !math.IsNaN(r.congestion) && !z.has(t.pu, inCongestion) && !z.has(t.do, inCongestion) {
		t.congestion = 0
	}
	if !math.IsNaN(r.cbd) && !z.has(t.pu, inCRZ) && !z.has(t.do, inCRZ) {
		t.cbd = 0
	}
	if g.cfg.Kind == Yellow && !math.IsNaN(r.airport) {
		t.airport = 0
		if t.pu == zoneJFK || t.pu == zoneLGA {
			t.airport = r.airport
		}
	}

	// Payment: a few no-charge and disputed trips, then card or cash.
	presets := 0.6
	if g.cfg.Kind == Green {
		presets = 0.5
	}
	switch u := rng.Float64(); {
	case u < 0.006:
		t.payment = valid(3)
	case u < 0.0085:
		t.payment = valid(4)
	case u < 0.0085+0.9915*p.credit:
		t.payment = valid(1)
		if rng.Float64() < p.tipped {
			t.tip = tip(rng, addAll(t.fare, t.extra, t.mta, t.improvement, t.congestion, t.airport, t.cbd), presets)
		}
	default:
		t.payment = valid(2)
	}
	t.sum()
	return t
}

func (t *taxiTrip) sum() {
	t.total = addAll(t.fare, t.extra, t.mta, t.tip, t.tolls, t.improvement, t.congestion, t.airport, t.cbd)
}

// taxiDefect injects defect d into t. Each defect imitates what the real
// files hold; see the Defect constants.
func (g *Generator) taxiDefect(t *taxiTrip, d Defect) {
	switch d {
	case DefectNull:
		// The block of rows without the TPEP/LPEP details (9 % of yellow
		// 2020-04, 6 % of green 2024-01): counts, codes and the congestion
		// fee null, minute-resolution times, payment type 0 in yellow files.
		t.pax, t.ratecode, t.tripType, t.storeFwd = sql.Null[int32]{}, sql.Null[int32]{}, sql.Null[int32]{}, ""
		t.congestion, t.airport = math.NaN(), math.NaN()
		t.payment = sql.Null[int32]{}
		if g.cfg.Kind == Yellow {
			t.payment = valid(0)
		}
		t.vendor = valid(2)
		t.pickup, t.dropoff = t.pickup.Truncate(time.Minute), t.dropoff.Truncate(time.Minute)
		t.sum()
	case DefectNegativeFare:
		// A reversal: every amount negated, as no charge or dispute.
		t.payment, t.tip = valid(4), 0
		if g.rng.Float64() < 0.4 {
			t.payment = valid(3)
		}
		for _, f := range []*float64{&t.fare, &t.extra, &t.mta, &t.tolls, &t.improvement, &t.congestion, &t.airport, &t.cbd} {
			if *f != 0 { // no -0
				*f = -*f
			}
		}
		t.sum()
	case DefectZeroDistance:
		t.dist = 0
	case DefectDropoffBeforePickup:
		t.pickup, t.dropoff = swapTimes(t.pickup, t.dropoff)
	case DefectLocationOutOfRange:
		g.badZone(&t.pu, &t.do)
	case DefectOutsideMonth:
		t.pickup, t.dropoff = g.outsideMonth(t.pickup, t.dropoff)
	}
}

func (t *taxiTrip) yellow() YellowTrip {
	return YellowTrip{VendorID: t.vendor, PickupDatetime: t.pickup, DropoffDatetime: t.dropoff,
		PassengerCount: t.pax, TripDistance: t.dist, RatecodeID: t.ratecode, StoreAndFwdFlag: t.storeFwd,
		PULocationID: valid(t.pu), DOLocationID: valid(t.do), PaymentType: t.payment,
		FareAmount: t.fare, Extra: t.extra, MTATax: t.mta, TipAmount: t.tip, TollsAmount: t.tolls,
		ImprovementSurcharge: t.improvement, TotalAmount: t.total, CongestionSurcharge: t.congestion,
		AirportFee: t.airport, CBDCongestionFee: t.cbd}
}

func (t *taxiTrip) green() GreenTrip {
	return GreenTrip{VendorID: t.vendor, PickupDatetime: t.pickup, DropoffDatetime: t.dropoff,
		StoreAndFwdFlag: t.storeFwd, RatecodeID: t.ratecode, PULocationID: valid(t.pu),
		DOLocationID: valid(t.do), PassengerCount: t.pax, TripDistance: t.dist, FareAmount: t.fare,
		Extra: t.extra, MTATax: t.mta, TipAmount: t.tip, TollsAmount: t.tolls, EhailFee: math.NaN(),
		ImprovementSurcharge: t.improvement, TotalAmount: t.total, PaymentType: t.payment,
		TripType: t.tripType, CongestionSurcharge: t.congestion, CBDCongestionFee: t.cbd}
}

// swapTimes makes the drop-off precede the pick-up, by at least a minute.
func swapTimes(pickup, dropoff time.Time) (time.Time, time.Time) {
	if !dropoff.After(pickup) {
		return pickup, pickup.Add(-time.Minute)
	}
	return dropoff, pickup
}

// badZone replaces the pick-up or drop-off zone by 0 or an id above 265,
// the out-of-range values found in real files.
func (g *Generator) badZone(pu, do *int32) {
	bad := int32(0)
	if g.rng.IntN(2) == 0 {
		bad = 266 + int32(g.rng.IntN(35))
	}
	if g.rng.IntN(2) == 0 {
		*pu = bad
	} else {
		*do = bad
	}
}

// outsideMonth moves a trip out of its month: to the evening before the
// month, into the next month, or (a fifth of the time) to a meter clock
// left at its 2002 default, as seen in real files.
func (g *Generator) outsideMonth(pickup, dropoff time.Time) (time.Time, time.Time) {
	d := dropoff.Sub(pickup)
	start, end := g.month.Start(), g.month.AddMonths(1).Start()
	var p time.Time
	switch u := g.rng.Float64(); {
	case u < 0.5:
		p = start.Add(-time.Duration(1+g.rng.IntN(6*3600)) * time.Second)
	case u < 0.8:
		p = end.Add(time.Duration(g.rng.IntN(6*3600)) * time.Second)
	default:
		p = time.Date(2002, 12, 31, pickup.Hour(), pickup.Minute(), pickup.Second(), 0, time.UTC)
	}
	return p, p.Add(d)
}
