package tlc

import (
	"database/sql"
	"time"
)

// The tables below list each typed row's fields in canonical column order;
// TestBindingsMatchSchema keeps them in step with schema.go.

func yellowBindings() []binding[YellowTrip] {
	type T = YellowTrip
	return []binding[T]{
		bindInt32("vendor_id", func(t *T) *sql.Null[int32] { return &t.VendorID }),
		bindTime("pickup_datetime", func(t *T) *time.Time { return &t.PickupDatetime }),
		bindTime("dropoff_datetime", func(t *T) *time.Time { return &t.DropoffDatetime }),
		bindInt32("passenger_count", func(t *T) *sql.Null[int32] { return &t.PassengerCount }),
		bindFloat("trip_distance", func(t *T) *float64 { return &t.TripDistance }),
		bindInt32("ratecode_id", func(t *T) *sql.Null[int32] { return &t.RatecodeID }),
		bindString("store_and_fwd_flag", func(t *T) *string { return &t.StoreAndFwdFlag }),
		bindInt32("pu_location_id", func(t *T) *sql.Null[int32] { return &t.PULocationID }),
		bindInt32("do_location_id", func(t *T) *sql.Null[int32] { return &t.DOLocationID }),
		bindInt32("payment_type", func(t *T) *sql.Null[int32] { return &t.PaymentType }),
		bindFloat("fare_amount", func(t *T) *float64 { return &t.FareAmount }),
		bindFloat("extra", func(t *T) *float64 { return &t.Extra }),
		bindFloat("mta_tax", func(t *T) *float64 { return &t.MTATax }),
		bindFloat("tip_amount", func(t *T) *float64 { return &t.TipAmount }),
		bindFloat("tolls_amount", func(t *T) *float64 { return &t.TollsAmount }),
		bindFloat("improvement_surcharge", func(t *T) *float64 { return &t.ImprovementSurcharge }),
		bindFloat("total_amount", func(t *T) *float64 { return &t.TotalAmount }),
		bindFloat("congestion_surcharge", func(t *T) *float64 { return &t.CongestionSurcharge }),
		bindFloat("airport_fee", func(t *T) *float64 { return &t.AirportFee }),
		bindFloat("cbd_congestion_fee", func(t *T) *float64 { return &t.CBDCongestionFee }),
		bindString("request_source", func(t *T) *string { return &t.RequestSource }),
	}
}

func greenBindings() []binding[GreenTrip] {
	type T = GreenTrip
	return []binding[T]{
		bindInt32("vendor_id", func(t *T) *sql.Null[int32] { return &t.VendorID }),
		bindTime("pickup_datetime", func(t *T) *time.Time { return &t.PickupDatetime }),
		bindTime("dropoff_datetime", func(t *T) *time.Time { return &t.DropoffDatetime }),
		bindString("store_and_fwd_flag", func(t *T) *string { return &t.StoreAndFwdFlag }),
		bindInt32("ratecode_id", func(t *T) *sql.Null[int32] { return &t.RatecodeID }),
		bindInt32("pu_location_id", func(t *T) *sql.Null[int32] { return &t.PULocationID }),
		bindInt32("do_location_id", func(t *T) *sql.Null[int32] { return &t.DOLocationID }),
		bindInt32("passenger_count", func(t *T) *sql.Null[int32] { return &t.PassengerCount }),
		bindFloat("trip_distance", func(t *T) *float64 { return &t.TripDistance }),
		bindFloat("fare_amount", func(t *T) *float64 { return &t.FareAmount }),
		bindFloat("extra", func(t *T) *float64 { return &t.Extra }),
		bindFloat("mta_tax", func(t *T) *float64 { return &t.MTATax }),
		bindFloat("tip_amount", func(t *T) *float64 { return &t.TipAmount }),
		bindFloat("tolls_amount", func(t *T) *float64 { return &t.TollsAmount }),
		bindFloat("ehail_fee", func(t *T) *float64 { return &t.EhailFee }),
		bindFloat("improvement_surcharge", func(t *T) *float64 { return &t.ImprovementSurcharge }),
		bindFloat("total_amount", func(t *T) *float64 { return &t.TotalAmount }),
		bindInt32("payment_type", func(t *T) *sql.Null[int32] { return &t.PaymentType }),
		bindInt32("trip_type", func(t *T) *sql.Null[int32] { return &t.TripType }),
		bindFloat("congestion_surcharge", func(t *T) *float64 { return &t.CongestionSurcharge }),
		bindFloat("cbd_congestion_fee", func(t *T) *float64 { return &t.CBDCongestionFee }),
	}
}

func fhvBindings() []binding[FHVTrip] {
	type T = FHVTrip
	return []binding[T]{
		bindString("dispatching_base_num", func(t *T) *string { return &t.DispatchingBaseNum }),
		bindTime("pickup_datetime", func(t *T) *time.Time { return &t.PickupDatetime }),
		bindTime("dropoff_datetime", func(t *T) *time.Time { return &t.DropoffDatetime }),
		bindInt32("pu_location_id", func(t *T) *sql.Null[int32] { return &t.PULocationID }),
		bindInt32("do_location_id", func(t *T) *sql.Null[int32] { return &t.DOLocationID }),
		bindInt32("sr_flag", func(t *T) *sql.Null[int32] { return &t.SRFlag }),
		bindString("affiliated_base_number", func(t *T) *string { return &t.AffiliatedBaseNumber }),
	}
}

func fhvhvBindings() []binding[FHVHVTrip] {
	type T = FHVHVTrip
	return []binding[T]{
		bindString("hvfhs_license_num", func(t *T) *string { return &t.HVFHSLicenseNum }),
		bindString("dispatching_base_num", func(t *T) *string { return &t.DispatchingBaseNum }),
		bindString("originating_base_num", func(t *T) *string { return &t.OriginatingBaseNum }),
		bindTime("request_datetime", func(t *T) *time.Time { return &t.RequestDatetime }),
		bindTime("on_scene_datetime", func(t *T) *time.Time { return &t.OnSceneDatetime }),
		bindTime("pickup_datetime", func(t *T) *time.Time { return &t.PickupDatetime }),
		bindTime("dropoff_datetime", func(t *T) *time.Time { return &t.DropoffDatetime }),
		bindInt32("pu_location_id", func(t *T) *sql.Null[int32] { return &t.PULocationID }),
		bindInt32("do_location_id", func(t *T) *sql.Null[int32] { return &t.DOLocationID }),
		bindFloat("trip_miles", func(t *T) *float64 { return &t.TripMiles }),
		bindInt64("trip_time", func(t *T) *sql.Null[int64] { return &t.TripTime }),
		bindFloat("base_passenger_fare", func(t *T) *float64 { return &t.BasePassengerFare }),
		bindFloat("tolls", func(t *T) *float64 { return &t.Tolls }),
		bindFloat("bcf", func(t *T) *float64 { return &t.BCF }),
		bindFloat("sales_tax", func(t *T) *float64 { return &t.SalesTax }),
		bindFloat("congestion_surcharge", func(t *T) *float64 { return &t.CongestionSurcharge }),
		bindFloat("airport_fee", func(t *T) *float64 { return &t.AirportFee }),
		bindFloat("tips", func(t *T) *float64 { return &t.Tips }),
		bindFloat("driver_pay", func(t *T) *float64 { return &t.DriverPay }),
		bindString("shared_request_flag", func(t *T) *string { return &t.SharedRequestFlag }),
		bindString("shared_match_flag", func(t *T) *string { return &t.SharedMatchFlag }),
		bindString("access_a_ride_flag", func(t *T) *string { return &t.AccessARideFlag }),
		bindString("wav_request_flag", func(t *T) *string { return &t.WAVRequestFlag }),
		bindString("wav_match_flag", func(t *T) *string { return &t.WAVMatchFlag }),
		bindFloat("cbd_congestion_fee", func(t *T) *float64 { return &t.CBDCongestionFee }),
	}
}
