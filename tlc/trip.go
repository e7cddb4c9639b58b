package tlc

import (
	"database/sql"
	"time"
)

// Typed rows. Each kind has a struct with one field per canonical column, in
// canonical order. Nulls are kept without pointers:
//   - integer columns are sql.Null[int32] / sql.Null[int64] (Valid false = null);
//   - float64 columns hold NaN for null;
//   - time.Time columns hold the zero Time for null; non-null times carry the
//     naive NYC wall-clock reading in a UTC-located Time (no zone conversion is
//     ever applied, so t.Hour() is the hour the TLC published);
//   - string columns hold "" for null (the TLC never publishes empty strings
//     that differ from null; CSV cannot tell them apart either).

// YellowTrip is one yellow taxi trip in canonical form.
type YellowTrip struct {
	VendorID             sql.Null[int32]
	PickupDatetime       time.Time
	DropoffDatetime      time.Time
	PassengerCount       sql.Null[int32]
	TripDistance         float64
	RatecodeID           sql.Null[int32]
	StoreAndFwdFlag      string
	PULocationID         sql.Null[int32]
	DOLocationID         sql.Null[int32]
	PaymentType          sql.Null[int32]
	FareAmount           float64
	Extra                float64
	MTATax               float64
	TipAmount            float64
	TollsAmount          float64
	ImprovementSurcharge float64
	TotalAmount          float64
	CongestionSurcharge  float64
	AirportFee           float64
	CBDCongestionFee     float64
	RequestSource        string
}

// GreenTrip is one green taxi trip in canonical form.
type GreenTrip struct {
	VendorID             sql.Null[int32]
	PickupDatetime       time.Time
	DropoffDatetime      time.Time
	StoreAndFwdFlag      string
	RatecodeID           sql.Null[int32]
	PULocationID         sql.Null[int32]
	DOLocationID         sql.Null[int32]
	PassengerCount       sql.Null[int32]
	TripDistance         float64
	FareAmount           float64
	Extra                float64
	MTATax               float64
	TipAmount            float64
	TollsAmount          float64
	EhailFee             float64
	ImprovementSurcharge float64
	TotalAmount          float64
	PaymentType          sql.Null[int32]
	TripType             sql.Null[int32]
	CongestionSurcharge  float64
	CBDCongestionFee     float64
}

// FHVTrip is one for-hire-vehicle trip in canonical form.
type FHVTrip struct {
	DispatchingBaseNum   string
	PickupDatetime       time.Time
	DropoffDatetime      time.Time
	PULocationID         sql.Null[int32]
	DOLocationID         sql.Null[int32]
	SRFlag               sql.Null[int32]
	AffiliatedBaseNumber string
}

// FHVHVTrip is one high-volume for-hire trip in canonical form.
type FHVHVTrip struct {
	HVFHSLicenseNum     string
	DispatchingBaseNum  string
	OriginatingBaseNum  string
	RequestDatetime     time.Time
	OnSceneDatetime     time.Time
	PickupDatetime      time.Time
	DropoffDatetime     time.Time
	PULocationID        sql.Null[int32]
	DOLocationID        sql.Null[int32]
	TripMiles           float64
	TripTime            sql.Null[int64]
	BasePassengerFare   float64
	Tolls               float64
	BCF                 float64
	SalesTax            float64
	CongestionSurcharge float64
	AirportFee          float64
	Tips                float64
	DriverPay           float64
	SharedRequestFlag   string
	SharedMatchFlag     string
	AccessARideFlag     string
	WAVRequestFlag      string
	WAVMatchFlag        string
	CBDCongestionFee    float64
}

// Trip is the set of typed row structs, one per kind.
type Trip interface {
	YellowTrip | GreenTrip | FHVTrip | FHVHVTrip
}

// KindOf returns the kind whose typed row is T.
func KindOf[T Trip]() Kind {
	var t T
	switch any(t).(type) {
	case YellowTrip:
		return Yellow
	case GreenTrip:
		return Green
	case FHVTrip:
		return FHV
	default:
		return FHVHV
	}
}
