package tlc

import (
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// fhvBases returns a fixed pool of for-hire base numbers ("B00477"),
// independent of the seed: the bases are the same companies whatever the
// sample. Earlier entries are busier (drawn with Zipf-like weights).
func fhvBases() ([]string, sampler) {
	rng := rand.New(rand.NewPCG(0xb45e, 2015))
	bases := make([]string, 120)
	w := make([]float64, len(bases))
	for i := range bases {
		bases[i] = fmt.Sprintf("B%05d", 100+rng.IntN(3300))
		w[i] = 1 / float64(i+1)
	}
	return bases, newSampler(w)
}

// hvBase returns the high-volume license and dispatching base of one trip:
// Uber (HV0003) and Lyft (HV0005), plus Via (HV0004) and Juno (HV0002)
// before they left the market. Uber dispatched through a dozen bases until
// 2022, then through B03404; Lyft used B02510, then B03406.
func hvBase(rng *rand.Rand, m Month) (license, base string) {
	u := rng.Float64()
	switch {
	case m.Before(Month{2020, 1}) && u < 0.02:
		return "HV0002", "B02907"
	case m.Before(Month{2021, 12}) && u < 0.04:
		return "HV0004", "B02800"
	case u < 0.75:
		if !m.Before(Month{2022, 1}) {
			return "HV0003", "B03404"
		}
		uber := []string{"B02764", "B02765", "B02869", "B02870", "B02871", "B02872", "B02875",
			"B02877", "B02878", "B02879", "B02880", "B02882", "B02883", "B02884", "B02887", "B02888"}
		return "HV0003", uber[rng.IntN(len(uber))]
	}
	if !m.Before(Month{2022, 1}) {
		return "HV0005", "B03406"
	}
	return "HV0005", "B02510"
}

// fhvhv synthesises one clean high-volume trip. Fares follow a ride-hail
// price (per mile and per minute, with surge noise) that grows with the
// years; the Black Car Fund takes 2.5 % (2.75 % from 2022), sales tax is
// 8.875 % and the driver gets about three quarters of the base fare
// (calibrated on the fhvhv 2020-04 sample).
func (g *Generator) fhvhv() FHVHVTrip {
	rng, p, z, m := g.rng, &g.prof, g.zones, g.month
	var t FHVHVTrip
	t.HVFHSLicenseNum, t.DispatchingBaseNum = hvBase(rng, m)
	if t.HVFHSLicenseNum != "HV0005" {
		t.OriginatingBaseNum = t.DispatchingBaseNum
	}
	t.PickupDatetime = p.pickup(rng, m, g.days)
	wait := time.Duration(4.3*math.Exp(0.5*rng.NormFloat64())*60) * time.Second
	t.RequestDatetime = t.PickupDatetime.Add(-wait)
	if t.HVFHSLicenseNum == "HV0003" {
		arrive := time.Duration(1.75*math.Exp(0.5*rng.NormFloat64())*60) * time.Second
		t.OnSceneDatetime = t.PickupDatetime.Add(-min(arrive, wait))
	}
	pu, do := g.dem.trip(rng)
	miles := z.distance(rng, pu, do)
	d := p.duration(rng, miles, t.PickupDatetime, pu, do)
	t.PULocationID, t.DOLocationID = valid(pu), valid(do)
	t.DropoffDatetime = t.PickupDatetime.Add(d)
	t.TripMiles = math.Round(miles*1000) / 1000
	t.TripTime = sql.Null[int64]{V: int64(d / time.Second), Valid: true}

	year := float64(m.Year) + float64(m.Month-1)/12
	price := interpolate(year, 2019, 0.95, 2020, 1, 2022, 1.4, 2024, 1.5, 2026, 1.55)
	surge := math.Exp(0.2 * rng.NormFloat64())
	if h := t.PickupDatetime.Hour(); h >= 16 && h < 20 {
		surge *= 1.12
	}
	t.BasePassengerFare = cents(max(7*price, price*(2.5+1.25*miles+0.46*d.Minutes())*surge))
	t.Tolls = g.rates.tollFor(rng, miles, do)
	bcf := 0.025
	if !m.Before(Month{2022, 1}) {
		bcf = 0.0275
	}
	t.BCF = cents(t.BasePassengerFare * bcf)
	t.SalesTax = cents(t.BasePassengerFare * 0.08875)
	t.CongestionSurcharge, t.AirportFee, t.CBDCongestionFee = math.NaN(), math.NaN(), math.NaN()
	if !m.Before(Month{2019, 2}) {
		t.CongestionSurcharge = 0
		if z.has(pu, inCongestion) || z.has(do, inCongestion) {
			t.CongestionSurcharge = 2.75
		}
	}
	if !m.Before(Month{2022, 1}) {
		t.AirportFee = 0
		if z.has(pu, isAirport) || z.has(do, isAirport) {
			t.AirportFee = 2.50
		}
	}
	if !m.Before(Month{2025, 1}) {
		t.CBDCongestionFee = 0
		if z.has(pu, inCRZ) || z.has(do, inCRZ) {
			t.CBDCongestionFee = 1.50
		}
	}
	if rng.Float64() < interpolate(year, 2020, 0.135, 2024, 0.2) {
		t.Tips = cents(t.BasePassengerFare * 0.18 * math.Exp(0.4*rng.NormFloat64()))
	}
	t.DriverPay = cents(t.BasePassengerFare * 0.8 * math.Exp(0.1*rng.NormFloat64()))
	t.SharedRequestFlag, t.SharedMatchFlag = "N", "N"
	if m.Before(Month{2020, 3}) && rng.Float64() < 0.06 {
		t.SharedRequestFlag = "Y"
		if rng.Float64() < 0.6 {
			t.SharedMatchFlag = "Y"
		}
	}
	// Uber sent a blank access-a-ride flag until 2021.
	t.AccessARideFlag = "N"
	if t.HVFHSLicenseNum == "HV0003" && m.Before(Month{2021, 1}) {
		t.AccessARideFlag = " "
	}
	t.WAVRequestFlag, t.WAVMatchFlag = "N", "N"
	if rng.Float64() < 0.003 {
		t.WAVRequestFlag = "Y"
	}
	if t.WAVRequestFlag == "Y" || rng.Float64() < 0.03 {
		t.WAVMatchFlag = "Y"
	}
	return t
}

// fhv synthesises one clean trip of a non-high-volume base: only the base,
// the times and (often unknown) zones are published.
func (g *Generator) fhv() FHVTrip {
	rng, p := g.rng, &g.prof
	var t FHVTrip
	t.DispatchingBaseNum = g.bases[g.baseW.draw(rng)]
	t.AffiliatedBaseNumber = t.DispatchingBaseNum
	if rng.Float64() < 0.4 {
		t.AffiliatedBaseNumber = g.bases[g.baseW.draw(rng)]
	}
	t.PickupDatetime = p.pickup(rng, g.month, g.days)
	pu, do := g.dem.trip(rng)
	miles := g.zones.distance(rng, pu, do)
	t.DropoffDatetime = t.PickupDatetime.Add(p.duration(rng, miles, t.PickupDatetime, pu, do))
	t.PULocationID, t.DOLocationID = valid(pu), valid(do)
	// Shared rides were flagged from mid-2017 until the pandemic.
	if !g.month.Before(Month{2017, 6}) && g.month.Before(Month{2020, 3}) && rng.Float64() < 0.03 {
		t.SRFlag = valid(1)
	}
	return t
}

func (g *Generator) fhvhvDefect(t *FHVHVTrip, d Defect) {
	switch d {
	case DefectNull:
		t.TripMiles, t.TripTime = math.NaN(), sql.Null[int64]{}
	case DefectNegativeFare:
		t.BasePassengerFare, t.BCF, t.SalesTax = -t.BasePassengerFare, -t.BCF, -t.SalesTax
	case DefectZeroDistance:
		t.TripMiles = 0
	case DefectDropoffBeforePickup:
		t.PickupDatetime, t.DropoffDatetime = swapTimes(t.PickupDatetime, t.DropoffDatetime)
	case DefectLocationOutOfRange:
		g.badZone(&t.PULocationID.V, &t.DOLocationID.V)
	case DefectOutsideMonth:
		shift := t.PickupDatetime
		t.PickupDatetime, t.DropoffDatetime = g.outsideMonth(t.PickupDatetime, t.DropoffDatetime)
		delta := t.PickupDatetime.Sub(shift)
		t.RequestDatetime = t.RequestDatetime.Add(delta)
		if !t.OnSceneDatetime.IsZero() {
			t.OnSceneDatetime = t.OnSceneDatetime.Add(delta)
		}
	}
}

func (g *Generator) fhvDefect(t *FHVTrip, d Defect) {
	switch d {
	case DefectNull:
		t.PULocationID, t.DOLocationID = sql.Null[int32]{}, sql.Null[int32]{}
	case DefectDropoffBeforePickup:
		t.PickupDatetime, t.DropoffDatetime = swapTimes(t.PickupDatetime, t.DropoffDatetime)
	case DefectLocationOutOfRange:
		g.badZone(&t.PULocationID.V, &t.DOLocationID.V)
	case DefectOutsideMonth:
		t.PickupDatetime, t.DropoffDatetime = g.outsideMonth(t.PickupDatetime, t.DropoffDatetime)
	}
}
